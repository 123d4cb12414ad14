"""Reading a page (text or PDF), finding its facts, and accepting facts as evidence."""

import io
from dataclasses import asdict, dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from guatu.access import is_supervisor, require
from guatu.audit.services import audit_record
from guatu.core.intake.facts import Fact, ProjectName, page_facts
from guatu.core.intake.restore import Page, restore
from guatu.intake.models import Evidence
from guatu.org.selectors import current_city
from guatu.projects.models import Project

#: Endings that name a section of a project rather than the project (金台铁路永康段 → 金台铁路).
_SUFFIXES = ("永康段", "工程", "项目")


def text_of(data: bytes, name: str) -> str:
    """The text of an upload: a PDF's text layer, or UTF-8 / GBK text."""
    if data[:5] == b"%PDF-":
        try:
            reader = PdfReader(io.BytesIO(data))
            pages = [page.extract_text() or "" for page in reader.pages]
        except (PdfReadError, ValueError, KeyError) as error:
            raise ValidationError(
                {
                    "file": _("%(file)s cannot be read as a PDF: %(detail)s")
                    % {"file": name, "detail": error}
                }
            ) from error
        text = "\n\n".join(pages)
        if not text.strip():
            raise ValidationError(
                {
                    "file": _("%(file)s has no text layer (a scan): it cannot be read.")
                    % {"file": name}
                }
            )
        return text
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        {"file": _("%(file)s is neither a PDF nor UTF-8 or GBK text.") % {"file": name}}
    )


def project_names() -> tuple[ProjectName, ...]:
    """Every project under its name and its short name; each programme under its own."""
    names = []
    for code, name in Project.objects.values_list("code", "name"):
        short = name
        for suffix in _SUFFIXES:
            if short.endswith(suffix) and len(short) > len(suffix) + 2:
                short = short[: -len(suffix)]
        names.append(ProjectName(code, tuple(dict.fromkeys((name, short)))))
    for programme in sorted(
        set(Project.objects.exclude(programme="").values_list("programme", flat=True))
    ):
        names.append(ProjectName("", (programme,)))
    return tuple(names)


@dataclass
class Intake:
    page: Page
    facts: list[Fact]


#: The longest text read at once: a newspaper page is about 10,000 characters.
INTAKE_TEXT_LIMIT = 200_000


def intake_read(
    *, text: str, issue: date, projects: tuple[ProjectName, ...] | None = None
) -> Intake:
    """Restore *text* and find its facts; nothing is stored.

    *projects* are the names to recognise (guatu's projects, read from the
    database unless given).
    """
    if len(text) > INTAKE_TEXT_LIMIT:
        raise ValidationError(
            {
                "text": _(
                    "The text has %(length)d characters; a page or report has at most "
                    "%(limit)d. Send it in parts."
                )
                % {"length": len(text), "limit": INTAKE_TEXT_LIMIT}
            }
        )
    page = restore(text)
    names = project_names() if projects is None else projects
    return Intake(page, page_facts(page, issue=issue, projects=names))


def change_counts(page: Page) -> dict[str, int]:
    """How many doubled characters, blanks and line breaks restoration removed."""
    counts: dict[str, int] = {}
    for change in page.changes:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    return counts


def intake_as_dict(intake: Intake) -> dict:
    """The restored page and its numbered facts as plain data (the API's and the command's JSON)."""
    page = intake.page
    return {
        "articles": [
            {
                "kicker": a.kicker,
                "headline": a.headline,
                "subheadline": a.subheadline,
                "byline": a.byline,
                "reporters": a.reporters,
                "dateline": a.dateline,
                "paragraphs": a.paragraphs,
            }
            for a in page.articles
        ],
        "captions": [
            {"title": c.title, "text": c.text, "credit": c.credit, "photographer": c.photographer}
            for c in page.captions
        ],
        "teasers": [{"title": t.title, "lines": t.lines} for t in page.teasers],
        "facts": [{"index": i, **asdict(fact)} for i, fact in enumerate(intake.facts)],
        "changes": change_counts(page),
    }


def evidence_accept(
    *,
    actor,
    text: str,
    issue: date,
    source: str,
    choices: list[tuple[int, Project]],
) -> list[Evidence]:
    """Attach the facts numbered in *choices* (index in ``intake_read``'s facts) to projects.

    The text is read again here rather than trusting fact values sent back by
    a form, so what is stored is what guatu found in that text.
    """
    require(
        is_supervisor(actor),
        user=actor,
        action="evidence_accept",
        target=choices[0][1] if choices else current_city(),
    )
    intake = intake_read(text=text, issue=issue)
    stored = []
    with transaction.atomic():
        for index, project in choices:
            if not 0 <= index < len(intake.facts):
                raise ValidationError(_("That fact is not in this text."))
            fact = intake.facts[index]
            article = intake.page.articles[fact.article].headline if fact.article >= 0 else ""
            stored.append(
                Evidence.objects.create(
                    project=project,
                    source=source[:200],
                    issue_date=issue,
                    article=article[:200],
                    kind=fact.kind,
                    text=fact.text[:200],
                    value=fact.value[:200],
                    quote=fact.sentence,
                    accepted_by=actor,
                )
            )
        for evidence in stored:
            audit_record(
                user=actor,
                action="evidence_accept",
                target=evidence.project,
                detail={"source": source, "kind": evidence.kind, "value": evidence.value},
            )
    return stored
