"""Evidence for a 节点调整: PDFs and photos, checked by what they are, not their names.

A request moves a node of an approved plan, so what backs it (会议纪要, a
letter, a site photo) is kept with it byte for byte. Photos go through the
same check as site photos (``progress.photos.check_photos``: Pillow must read
a JPEG, PNG or WebP); a PDF must open as one, with pages (pypdf). Anything else
— a Word file, an archive, a file renamed .pdf — is refused by name.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from pypdf import PdfReader

from guatu.baselines.models import AdjustmentFile
from guatu.progress.photos import MAX_BYTES, check_photos

MAX_FILES = 5
PDF = "application/pdf"


@dataclass(frozen=True)
class CheckedFile:
    name: str
    data: bytes
    content_type: str


def _is_pdf(data: bytes) -> bool:
    """A PDF that opens and has pages: not a file that only starts with ``%PDF-``
    (an HTML page or an archive can, and would then be served as a PDF)."""
    if not data.startswith(b"%PDF-"):
        return False
    try:
        return len(PdfReader(io.BytesIO(data), strict=False).pages) > 0
    except Exception:  # pypdf raises many kinds on a damaged file: all mean "not a PDF"
        return False


def check_evidence(files: Sequence, *, already: int = 0) -> tuple[list[CheckedFile], list[str]]:
    """Return the files that pass and a message for each one that does not."""
    if already + len(files) > MAX_FILES:
        return [], [_("At most %(count)d evidence files per request.") % {"count": MAX_FILES}]
    checked: list[CheckedFile] = []
    problems: list[str] = []
    for upload in files:
        name = (getattr(upload, "name", "") or "file")[-200:]
        if upload.size > MAX_BYTES:
            problems.append(_("“%(name)s” is larger than 10 MB.") % {"name": name})
            continue
        data = upload.read()
        if _is_pdf(data):
            checked.append(CheckedFile(name, data, PDF))
            continue
        upload.seek(0)
        photos, _problems = check_photos([upload])
        if photos:
            checked.append(CheckedFile(name, photos[0].data, photos[0].content_type))
        else:
            problems.append(
                _("“%(name)s” is neither a PDF nor a JPEG, PNG or WebP photo.") % {"name": name}
            )
    return checked, problems


def save_evidence(adjustment, files: Sequence[CheckedFile], actor, written: list) -> None:
    """Store *files* for *adjustment* inside the caller's transaction.

    Each record goes into *written* before its file is written, so that a
    failure lets the caller remove what was already on disk.
    """
    for checked in files:
        record = AdjustmentFile(
            adjustment=adjustment,
            name=checked.name,
            content_type=checked.content_type,
            size=len(checked.data),
            uploaded_by=actor,
        )
        written.append(record)
        suffix = ".pdf" if checked.content_type == PDF else "." + checked.content_type.split("/")[1]
        record.file.save(f"evidence{suffix}", ContentFile(checked.data), save=False)
        record.save(force_insert=True)


def evidence_files_delete(records: Sequence) -> None:
    for record in records:
        if record.file:
            record.file.delete(save=False)
