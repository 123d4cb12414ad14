"""整改反馈: a unit answers a notice of the ladder with what it did, and its files.

Only the rung's own town or department answers (``access.can_answer_notice``),
while the rung is open; an answer is kept as written (append-only), and a
second answer adds to the first. The office hears of each answer in its inbox
(``NoticeAnswered``, subscribed by notify); whether a unit answered in time,
or not at all, is read by ``selectors.answer_states``.

Files are checked by what they are, not by their names, and kept byte for
byte: a PDF or a photo as a 节点调整's evidence is (``baselines.evidence``), a
Word or Excel file as an Office Open XML package (.docx, .xlsx, without
macros) or, named .doc or .xls, as an OLE compound file (the older formats
many offices still save). Anything else is refused by name, and then nothing
is written.
"""

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from guatu.access import can_answer_notice, require
from guatu.audit.services import audit_record
from guatu.baselines.evidence import check_evidence
from guatu.common.events import NoticeAnswered, publish
from guatu.progress.photos import MAX_BYTES
from guatu.progress.services import NOTE_LIMIT, length_problem
from guatu.supervision.models import EscalationEvent, NoticeReply, NoticeReplyFile

__all__ = [
    "CONTENT_TYPES",
    "MAX_FILES",
    "check_reply_files",
    "notice_reply",
    "stored_suffix",
]

#: The most files one answer carries (each at most ``MAX_BYTES``, as a site photo).
MAX_FILES = 6
#: What a stored file is served as, by the suffix it is stored under.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
}
#: The first bytes of an OLE compound file (.doc, .xls as Word and Excel 97–2003 save them).
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The part that says which Office Open XML document a package is.
OOXML_MAIN = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    data: bytes
    suffix: str  # a key of CONTENT_TYPES


def _office_kind(data: bytes, name: str) -> str | None:
    """``docx``, ``xlsx``, ``doc`` or ``xls`` when *data* is one; None otherwise.

    Only the package's directory is read (no part is unpacked), so a zip bomb
    costs nothing here; the file is kept and served as a download, never opened.
    """
    if data.startswith(OLE):
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return suffix if suffix in ("doc", "xls") else None
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = {part.lower() for part in package.namelist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    if "[content_types].xml" not in parts or any(p.endswith("vbaproject.bin") for p in parts):
        return None  # not an Office package, or one with macros (.docm, .xlsm)
    found = [kind for main, kind in OOXML_MAIN.items() if main in parts]
    return found[0] if len(found) == 1 else None


def check_reply_files(files: Sequence) -> tuple[list[CheckedFile], list[str]]:
    """Return the files that pass and a message, naming the file, for each that does not."""
    if len(files) > MAX_FILES:
        return [], [_("At most %(count)d files per answer.") % {"count": MAX_FILES}]
    checked: list[CheckedFile] = []
    problems: list[str] = []
    for upload in files:
        name = (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1]
        name = name[-200:] or "file"
        if upload.size > MAX_BYTES:
            problems.append(
                _("“%(name)s” is larger than %(size)d MB.")
                % {"name": name, "size": MAX_BYTES // 2**20}
            )
            continue
        data = upload.read()
        kind = _office_kind(data, name)
        if kind is None:
            upload.seek(0)
            passed, _problems = check_evidence([upload])  # a PDF with pages, or a photo
            if passed:
                data = passed[0].data
                kind = "pdf" if passed[0].content_type == "application/pdf" else None
                kind = kind or passed[0].content_type.split("/", 1)[1]
        if kind not in CONTENT_TYPES:
            problems.append(
                _("“%(name)s” is not a PDF, a Word or Excel file, or a JPEG, PNG or WebP photo.")
                % {"name": name}
            )
            continue
        checked.append(CheckedFile(name=name, data=data, suffix=kind))
    return checked, problems


def notice_reply(*, actor, escalation: EscalationEvent, text: str, files: Sequence = ()):
    """Answer *escalation*'s notice (its own town or department), with *files*; return the
    answer. Everything is checked before anything is written: a refused file, an empty
    or overlong text, or a rung already closed writes nothing."""
    require(
        can_answer_notice(actor, escalation), user=actor, action="notice_reply", target=escalation
    )
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Write what was done about the notice.")]
    elif problem := length_problem(text, NOTE_LIMIT):
        errors["text"] = [problem]
    elif "\x00" in text:  # PostgreSQL stores no NUL in a text column
        errors["text"] = [_("The text contains a NUL character; remove it.")]
    checked, problems = check_reply_files(list(files))
    if problems:
        errors["files"] = problems
    if escalation.resolved_at is not None:
        errors = {"__all__": [_("This notice is closed; it takes no more answers.")]}
    if errors:
        raise ValidationError(errors)
    written: list[NoticeReplyFile] = []
    try:
        with transaction.atomic():
            locked = EscalationEvent.objects.select_for_update().get(pk=escalation.pk)
            if locked.resolved_at is not None:  # closed meanwhile
                raise ValidationError(_("This notice is closed; it takes no more answers."))
            reply = NoticeReply(escalation=locked, text=text, created_by=actor)
            reply.save(force_insert=True)
            for found in checked:
                record = NoticeReplyFile(reply=reply, name=found.name, size=len(found.data))
                written.append(record)
                record.file.save(f"answer.{found.suffix}", ContentFile(found.data), save=False)
                record.save(force_insert=True)
            audit_record(
                user=actor,
                action="notice_reply",
                target=locked,
                detail={"reply": reply.pk, "files": [record.name for record in written]},
            )
            publish(NoticeAnswered(reply))
    except BaseException:
        for record in written:  # the rows rolled back; their files go too
            if record.file:
                record.file.delete(save=False)
        raise
    return reply


def stored_suffix(record: NoticeReplyFile) -> str:
    """The kind a stored answer file was checked as (the suffix it was stored under)."""
    return record.file.name.rsplit(".", 1)[-1].lower()
