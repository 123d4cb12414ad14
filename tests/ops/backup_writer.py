"""Run by tests/ops/test_backup.py in its own process: keeps correcting reports with a
photo each (a town official re-sending with pictures) for a few seconds, while a
backup runs beside it; prints how many it stored."""

import io
import sys
import time

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image  # noqa: E402

from guatu.accounts.models import User  # noqa: E402
from guatu.org.clock import city_today  # noqa: E402
from guatu.progress.models import ProgressReport  # noqa: E402
from guatu.progress.services import report_submit  # noqa: E402

seconds = float(sys.argv[1])
user = User.objects.get(username="town_shizhu")
latest = list(
    ProgressReport.objects.filter(work_item__town=user.town, superseded_by__isnull=True)
    .select_related("work_item__project__city")
    .order_by("work_item_id", "-reported_on", "-created_at")
)
current = {}
for report in latest:
    current.setdefault(report.work_item_id, report)
stored = 0
ends = time.monotonic() + seconds
while time.monotonic() < ends:
    for report in list(current.values()):
        image = io.BytesIO()
        Image.new("RGB", (640, 480), (stored % 255, 90, 30)).save(image, "JPEG")
        correction = report_submit(
            work_item=report.work_item,
            reported_by=user,
            reported_on=report.reported_on,
            percent=report.percent_complete,
            note=report.note,
            supersedes=report,
            correction_reason=f"补传现场照片 {stored}",
            today=city_today(report.work_item.project.city),
            photos=[SimpleUploadedFile(f"site-{stored}.jpg", image.getvalue(), "image/jpeg")],
        )
        current[report.work_item_id] = correction
        stored += 1
print(stored)
