"""Run by tests/ops/test_backup.py in its own process: what a data folder holds, as JSON —
reports, photos and published bulletins, each photo's and bulletin file's checksum, and
the database's own integrity check."""

import hashlib
import json

import django

django.setup()

from django.db import connection  # noqa: E402

from guatu.progress.models import ProgressReport, ReportPhoto  # noqa: E402
from guatu.supervision.models import Bulletin  # noqa: E402


def digest(field) -> str | None:
    if not field:
        return None
    with field.open("rb") as stream:
        return hashlib.sha256(stream.read()).hexdigest()


with connection.cursor() as cursor:
    if connection.vendor == "sqlite":
        cursor.execute("PRAGMA integrity_check")
        integrity = cursor.fetchone()[0]
    else:
        integrity = "ok"
print(
    json.dumps(
        {
            "integrity": integrity,
            "reports": sorted(ProgressReport.objects.values_list("pk", flat=True)),
            "photos": {
                str(photo.pk): [digest(photo.image), digest(photo.display), digest(photo.thumbnail)]
                for photo in ReportPhoto.objects.all()
            },
            "bulletins": {
                str(bulletin.pk): [
                    bulletin.status,
                    digest(bulletin.docx),
                    digest(bulletin.pdf),
                    digest(bulletin.xlsx),
                ]
                for bulletin in Bulletin.objects.all()
            },
        }
    )
)
