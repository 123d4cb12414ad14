"""放置到地图: the office places projects, items and towns from a map file or a written place.

A file (GeoJSON, KML/KMZ, a zipped Shapefile) places whatever its features name
(``projects.geometry.places_import``: all or nothing, each problem at its
feature); a written place (WKT or "longitude, latitude") places one project or one
of its items. Either way the checks are ``core.geo``'s and the write is the service's.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guatu.access import role_required
from guatu.accounts.models import Role
from guatu.common.pages import apply_errors
from guatu.core.geo.files import MAX_FILE_BYTES, SUFFIXES
from guatu.core.geo.shapes import GeoError
from guatu.core.geo.text import MAX_TEXT, geometry_from_text
from guatu.errors import translate
from guatu.org.selectors import current_city
from guatu.projects.geometry import city_seat, place_set, places_import
from guatu.projects.models import Project, WorkItem


class PlacesFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Map file"),
        help_text=gettext_lazy(
            "GeoJSON, KML or KMZ, or a Shapefile zipped with its .shx, .dbf and .prj, in "
            "longitude-latitude (WGS84/CGCS2000), at most 20 MB. Each feature names what it "
            "places: a “project” (its code), an “item” (its code) or a “town” (its name) "
            "property, or a name."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )
    project = forms.ModelChoiceField(
        label=gettext_lazy("For the project"),
        queryset=Project.objects.none(),
        to_field_name="code",
        required=False,
        help_text=gettext_lazy("Optional: items named without their project are this one's."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.order_by("code")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // 2**20}
            )
        return upload


class PlaceTextForm(forms.Form):
    project = forms.ModelChoiceField(
        label=gettext_lazy("Project"), queryset=Project.objects.none(), to_field_name="code"
    )
    item = forms.CharField(
        label=gettext_lazy("Work item code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Empty: the project's own place."),
    )
    place = forms.CharField(
        label=gettext_lazy("Place"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "“120.05, 28.89” (longitude, latitude) or WKT such as LINESTRING (120.01 28.88, "
            "120.09 28.90); empty removes the place."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.order_by("code")


@role_required(Role.SUPERVISOR)
def places_view(request: HttpRequest) -> HttpResponse:
    """Both forms on one page; the one sent is the one judged."""
    sent = request.POST.get("form") if request.method == "POST" else None
    file_form = PlacesFileForm(
        request.POST if sent == "file" else None, request.FILES if sent == "file" else None
    )
    text_form = PlaceTextForm(request.POST if sent == "text" else None, prefix="one")
    city = current_city()
    if sent == "file" and file_form.is_valid():
        upload = file_form.cleaned_data["file"]
        try:
            counts = places_import(
                actor=request.user,
                city=city,
                name=upload.name,
                data=upload.read(MAX_FILE_BYTES + 1),
                project=file_form.cleaned_data["project"],
            )
        except ValidationError as error:
            apply_errors(file_form, error)
        else:
            messages.success(
                request,
                _("Placed %(projects)s projects, %(items)s work items and %(towns)s towns.")
                % counts.__dict__,
            )
            return redirect("web:map-places")
    if sent == "text" and text_form.is_valid():
        data = text_form.cleaned_data
        project = data["project"]
        target = project
        if data["item"]:
            target = WorkItem.objects.filter(project=project, code=data["item"]).first()
            if target is None:
                text_form.add_error("item", _("No work item of this project has this code."))
        if target is not None:
            try:
                geometry = geometry_from_text(data["place"], seat=city_seat(city))
                place_set(actor=request.user, target=target, geometry=geometry)
            except GeoError as error:
                text_form.add_error("place", translate(error))
            except ValidationError as error:
                apply_errors(text_form, error)
            else:
                messages.success(request, _("Placed %(name)s.") % {"name": target.name})
                return redirect("web:map-places")
    placed = {
        "projects": Project.objects.filter(geometry__isnull=False).count(),
        "items": WorkItem.objects.filter(geometry__isnull=False).count(),
        "towns": city.towns.filter(geometry__isnull=False).count(),
    }
    return render(
        request,
        "web/places.html",
        {"file_form": file_form, "text_form": text_form, "placed": placed, "seat": city_seat(city)},
    )
