"""形象进度 photos, served to those who may see them (never a public address).

Who: as a progress photo — those who report the project, leaders and the office.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from guatu.access import can_see_investment_files, require
from guatu.investment.models import MonthPhoto


@login_required
def month_photo_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """*kind*: ``thumb``, ``full`` (the copy with its 水印) or ``original`` (as uploaded)."""
    photo = get_object_or_404(MonthPhoto.objects.select_related("report__project"), pk=pk)
    project = photo.report.project
    require(
        can_see_investment_files(request.user, project),
        user=request.user,
        action="photo_read",
        target=project,
    )
    files = {
        "thumb": (photo.thumbnail, "image/jpeg"),
        "full": (photo.display, "image/jpeg"),
        "original": (photo.image, photo.content_type),
    }
    if kind not in files:
        raise Http404
    stored, content_type = files[kind]
    # Read whole (a photo is at most 10 MB, checked on upload): no file handle outlives
    # the request.
    try:
        with stored.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:  # the row outlived its file (a restore without its media)
        raise Http404 from None
    return HttpResponse(data, content_type=content_type)


urlpatterns = [
    path("investment/photos/<int:pk>/<str:kind>", month_photo_view, name="photo"),
]
