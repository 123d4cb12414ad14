// The map page (一张图, /map/): the features the page carries (web.geo.map_features, as
// JSON in #map-data) drawn by the vendored Leaflet on one canvas, so that ten thousand
// lines, outlines and points stay quick to pan, zoom and click. Every text shown comes
// from the data through textContent, never as markup. Without a 天地图 key the base is
// the city's town outlines and this script asks the server for nothing.
(function () {
  "use strict";

  const data = document.getElementById("map-data");
  const box = document.getElementById("map");
  if (!data || !box || !window.L) return;
  const config = JSON.parse(data.textContent);
  const words = config.words;

  const map = L.map(box, {
    preferCanvas: true,
    zoomSnap: 0.25,
    minZoom: 3,
    maxZoom: 18,
    attributionControl: true,
  });
  // Plain text, no link out: the page names the library it draws with.
  map.attributionControl.setPrefix("Leaflet");
  const renderer = L.canvas({ padding: 0.3, tolerance: 5 });
  window.guatuMap = map; // for the browser tests and the console

  if (config.tiles) {
    config.tiles.urls.forEach((url, n) => {
      L.tileLayer(url, {
        subdomains: config.tiles.subdomains,
        maxZoom: 18,
        // 天地图 checks a browser key against the site's address: send the origin only.
        referrerPolicy: "strict-origin-when-cross-origin",
        attribution: n === 0 ? config.tiles.attribution : "",
      }).addTo(map);
    });
  }

  // The base without tiles: the towns' outlines with their names; under tiles, the outlines only.
  const towns = L.geoJSON(config.towns, {
    renderer: renderer,
    interactive: false,
    style: () => ({
      color: "#667085",
      weight: 1.2,
      fillColor: "#ffffff",
      fillOpacity: config.tiles ? 0 : 0.9,
    }),
  }).addTo(map);
  if (!config.tiles) {
    towns.eachLayer((layer) => {
      const name = document.createElement("span");
      name.textContent = layer.feature.properties.name;
      layer.bindTooltip(name, {
        permanent: true,
        direction: "center",
        className: "map-town-name",
        interactive: false,
      });
    });
  }

  let colouring = config.colouring;
  function colourOf(properties) {
    if (colouring === "investment") return properties.investment_colour || config.none;
    return properties.colour;
  }
  // A project's own line lies wide and pale under its items' segments, each in its light.
  function styleOf(feature) {
    const p = feature.properties;
    const colour = colourOf(p);
    const project = p.kind === "project";
    return {
      color: colour,
      fillColor: colour,
      weight: project ? 10 : 5,
      opacity: project ? 0.35 : 0.95,
      fillOpacity: project ? 0.25 : 0.4,
      lineCap: "butt",
    };
  }

  const features = L.geoJSON(config.features, {
    renderer: renderer,
    style: styleOf,
    pointToLayer: (feature, latlng) =>
      L.circleMarker(latlng, { renderer: renderer, radius: feature.properties.kind === "project" ? 8 : 6 }),
  }).addTo(map);

  function line(list, label, value) {
    if (!value) return;
    const term = document.createElement("dt");
    term.textContent = label;
    const detail = document.createElement("dd");
    detail.textContent = value;
    list.append(term, detail);
  }
  function popupOf(p) {
    const root = document.createElement("div");
    root.className = "map-popup";
    const title = document.createElement("p");
    title.className = "map-popup-title";
    const link = document.createElement("a");
    // Only the site's own pages: the data's address is a path here.
    link.href = typeof p.url === "string" && p.url.startsWith("/") && !p.url.startsWith("//") ? p.url : "#";
    link.textContent = p.name;
    title.append(link);
    const facts = document.createElement("dl");
    if (p.kind === "item") line(facts, words.project, p.project);
    line(facts, words.town, p.town);
    line(facts, words.light, p.light_label);
    if (p.investment) line(facts, words.investment, p.investment_label || "");
    const open = document.createElement("a");
    open.className = "map-popup-open";
    open.href = link.href;
    open.textContent = words.open;
    root.append(title, facts, open);
    return root;
  }
  const labels = {};
  document.querySelectorAll(".map-counts[data-colouring='investment'] li").forEach((li) => {
    const count = li.querySelector("[data-investment]");
    if (count) labels[count.dataset.investment] = li.querySelector("span").textContent;
  });
  features.on("click", (event) => {
    const p = Object.assign({}, event.layer.feature.properties);
    p.investment_label = labels[p.investment] || "";
    // Clear of the zoom buttons in the top left corner.
    L.popup({ maxWidth: 280, autoPanPaddingTopLeft: [64, 12], autoPanPaddingBottomRight: [12, 12] })
      .setLatLng(event.latlng)
      .setContent(popupOf(p))
      .openOn(map);
  });

  // The view: what is drawn, else the towns, else the city's seat, else China.
  const drawn = features.getBounds();
  const base = towns.getBounds();
  if (drawn.isValid()) map.fitBounds(drawn, { padding: [16, 16], maxZoom: 15 });
  else if (base.isValid()) map.fitBounds(base, { padding: [8, 8] });
  else if (config.seat) map.setView([config.seat[1], config.seat[0]], 11);
  else map.setView([35, 104], 4);

  // Colour by light or by 序时 at once (the form's radio buttons; the address keeps it).
  function recolour(to) {
    colouring = to;
    features.eachLayer((layer) => layer.setStyle(styleOf(layer.feature)));
    document.querySelectorAll(".map-counts").forEach((list) => {
      list.hidden = list.dataset.colouring !== to;
    });
    const url = new URL(window.location.href);
    url.searchParams.set("colour", to);
    window.history.replaceState(null, "", url);
  }
  document.querySelectorAll(".map-colouring input[name=colour]").forEach((input) => {
    input.addEventListener("change", () => {
      if (input.checked) recolour(input.value);
    });
  });
  box.dataset.ready = "1";
  performance.mark("guatu-map-ready");
})();
