"""形象进度 photos, served to those who may see them (never a public address).

Who: as a progress photo — those who report the project, leaders and the office.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path

from guatu.access import can_report_investment, reads_everything, require
from guatu.investment.models import MonthPhoto


@login_required
def month_photo_view(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """*kind*: ``thumb``, ``full`` (the copy with its 水印) or ``original`` (as uploaded)."""
    photo = get_object_or_404(MonthPhoto.objects.select_related("report__project"), pk=pk)
    project = photo.report.project
    require(
        reads_everything(request.user) or can_report_investment(request.user, project),
        user=request.user,
        action="photo_read",
        target=project,
    )
    if kind == "thumb":
        return FileResponse(photo.thumbnail.open("rb"), content_type="image/jpeg")
    if kind == "full":
        return FileResponse(photo.display.open("rb"), content_type="image/jpeg")
    if kind == "original":
        return FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    raise Http404


urlpatterns = [
    path("investment/photos/<int:pk>/<str:kind>", month_photo_view, name="photo"),
]
