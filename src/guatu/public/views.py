"""The public's pages (no sign-in): a city's latest month, any month, its workbook, the
city's feed and a snapshot's photos.

Each answer comes from the cache (``public.cache``) drawn at the city's head, so a page
read again costs one read of the cache and no query of guatu's tables; it sets no cookie
(no session, no CSRF token: there is no form) and may be kept by a browser or a proxy for
a minute. What is drawn is the stored snapshot only, read across the cities' scope on
purpose (``everywhere``) and filtered by the city in the address: a division shows its
own snapshots and never those of the cities below it. Anything that does not exist is a
404, as for a city that publishes nothing.
"""

from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.views.decorators.http import require_safe

from guatu.org.models import City
from guatu.public import render
from guatu.public.cache import ROOT, Page, served
from guatu.public.models import Snapshot, SnapshotPhoto
from guatu.public.services import FIRST_YEAR

__all__ = [
    "city_view",
    "feed_view",
    "month_view",
    "month_xlsx_view",
    "photo_view",
    "root_view",
]

HTML = "text/html; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The last year an address may name (the first: ``services.FIRST_YEAR``).
LAST_YEAR = 2100
#: How long a browser or a proxy may keep a public answer before asking again.
MAX_AGE = 60


def _answer(request: HttpRequest, page: Page) -> HttpResponse:
    if request.headers.get("If-None-Match") == page.etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(page.body, content_type=page.content_type, status=page.status)
        for name, value in page.headers.items():
            response[name] = value
    response["ETag"] = page.etag
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _city(code: str) -> City:
    city = City.everywhere.filter(code=code).first()
    if city is None:
        raise Http404("no such city")
    return city


def _latest(city: City, year: int | None = None, month: int | None = None) -> Snapshot:
    """The latest version of the month (of the latest month published when none is named)."""
    snapshots = Snapshot.everywhere.filter(city=city).select_related("city")
    if year is not None:
        if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
            raise Http404("no such month")
        snapshots = snapshots.filter(year=year, month=month)
    snapshot = snapshots.order_by("-year", "-month", "-version").first()
    if snapshot is None:
        raise Http404("nothing published")
    return snapshot


def _html(head: int, text: str) -> Page:
    return Page(head, text.encode(), HTML)


def _in_city_language(draw, *, empty: bool = False):
    """*draw* in the city's language; nothing published (head 0) is a 404 unless *empty*."""

    def drawn(head: int) -> Page:
        if not head and not empty:
            raise Http404("nothing published")
        with translation.override(settings.LANGUAGE_CODE):
            return draw(head)

    return drawn


@require_safe
def root_view(request: HttpRequest) -> HttpResponse:
    """``/public/``: the city's latest month; with several cities publishing, a list."""

    def draw(head: int) -> Page:
        cities = list(City.everywhere.filter(snapshots__isnull=False).distinct().order_by("code"))
        if len(cities) == 1:
            city = cities[0]
            snapshot = _latest(city)
            months = render.archive(city.pk, city.code)
            return _html(head, render.snapshot_html(snapshot, months=months, root=True))
        rows = [(city.name, city.code, render.archive(city.pk, city.code)[0]) for city in cities]
        return _html(head, render.cities_html(rows))

    return _answer(request, served(ROOT, "root", _in_city_language(draw, empty=True)))


@require_safe
def city_view(request: HttpRequest, city: str) -> HttpResponse:
    """``/public/<city>/``: the city's latest month."""

    def draw(head: int) -> Page:
        found = _city(city)
        snapshot = _latest(found)
        return _html(
            head, render.snapshot_html(snapshot, months=render.archive(found.pk, found.code))
        )

    return _answer(request, served(city, "latest", _in_city_language(draw)))


@require_safe
def month_view(request: HttpRequest, city: str, year: int, month: int) -> HttpResponse:
    def draw(head: int) -> Page:
        found = _city(city)
        snapshot = _latest(found, year, month)
        return _html(
            head, render.snapshot_html(snapshot, months=render.archive(found.pk, found.code))
        )

    return _answer(request, served(city, f"month:{year}:{month}", _in_city_language(draw)))


@require_safe
def month_xlsx_view(request: HttpRequest, city: str, year: int, month: int) -> HttpResponse:
    def draw(head: int) -> Page:
        snapshot = _latest(_city(city), year, month)
        name = f"{snapshot.city.name}重大建设项目信息公开-{year}-{month:02d}.xlsx"
        disposition = f"attachment; filename*=UTF-8''{quote(name)}"
        return Page(
            head,
            render.snapshot_xlsx(snapshot),
            XLSX,
            headers={"Content-Disposition": disposition},
        )

    return _answer(request, served(city, f"xlsx:{year}:{month}", _in_city_language(draw)))


@require_safe
def feed_view(request: HttpRequest, city: str) -> HttpResponse:
    """``/public/<city>/feed.xml``: Atom, one entry a month, its addresses this request's
    own (scheme and host: a page kept for each)."""

    def draw(head: int) -> Page:
        found = _city(city)
        latest: dict[tuple[int, int], Snapshot] = {}
        for snapshot in Snapshot.everywhere.filter(city=found).order_by("version"):
            latest[(snapshot.year, snapshot.month)] = snapshot
        snapshots = [latest[key] for key in sorted(latest, reverse=True)]
        body = render.feed_xml(
            snapshots,
            absolute=request.build_absolute_uri,
            city_name=found.name,
            issuer=found.issuer,
            code=found.code,
        )
        return Page(head, body, "application/atom+xml; charset=utf-8")

    where = f"{request.scheme}://{request.get_host()}"
    return _answer(request, served(city, f"feed:{where}", _in_city_language(draw)))


@require_safe
def photo_view(request: HttpRequest, city: str, year: int, month: int, number: int):
    """A photo of the month's latest version: the snapshot's own copy, never another file."""

    def draw(head: int) -> Page:
        snapshot = _latest(_city(city), year, month)
        photo = (
            SnapshotPhoto.everywhere.filter(snapshot=snapshot, number=number).first()
            if number < 10_000
            else None
        )
        if photo is None:
            raise Http404("no such photo")
        try:
            with photo.image.open("rb") as handle:
                data = handle.read()
        except FileNotFoundError:  # a restore without its media
            raise Http404("no such photo") from None
        return Page(head, data, "image/jpeg")

    return _answer(request, served(city, f"photo:{year}:{month}:{number}", _in_city_language(draw)))
