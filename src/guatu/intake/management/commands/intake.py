"""``guatu intake FILE --date 2019-11-16 --format json|md``: restore a page and list its facts."""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _

from guatu.intake.labels import detail_label, kind_label, value_label
from guatu.intake.services import intake_as_dict, intake_read, project_names, text_of


class Command(BaseCommand):
    help = (
        "Restore the text of a newspaper page or report (.txt, or .pdf with a text layer) into "
        "its articles, captions and teasers, and list the facts found, as JSON or Markdown."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--date", required=True, help="issue date, e.g. 2019-11-16")
        parser.add_argument("--format", choices=["json", "md"], default="md")

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(_("No file %(file)s.") % {"file": path})
            try:
                issue = date.fromisoformat(options["date"])
                text = text_of(path.read_bytes(), path.name)
            except ValueError as error:
                raise CommandError(str(error)) from error
            except ValidationError as error:
                raise CommandError("\n".join(error.messages)) from error
            known = True
            try:
                names = project_names()
            except DatabaseError:
                # Reading a text needs no database; only naming guatu's projects does.
                names, known = (), False
            try:
                intake = intake_read(text=text, issue=issue, projects=names)
            except ValidationError as error:
                raise CommandError("\n".join(error.messages)) from error
            if not known:
                self.stderr.write(
                    _(
                        "No database yet: the facts are listed without guatu's projects "
                        "(run `guatu migrate` or `guatu demo` first to have them named)."
                    )
                )
            if options["format"] == "json":
                self.stdout.write(json.dumps(intake_as_dict(intake), ensure_ascii=False, indent=2))
            else:
                self.stdout.write(_as_markdown(intake))


def _as_markdown(intake) -> str:
    page = intake.page
    lines: list[str] = []
    for a in page.articles:
        if a.kicker:
            lines.append(f"*{a.kicker}*\n")
        lines.append(f"## {a.headline}\n")
        if a.byline:
            lines.append(f"{a.byline}\n")
        lines.extend(f"{p}\n" for p in a.paragraphs)
    for c in page.captions:
        lines.append(f"> **{c.title}** {c.text} {c.credit}\n")
    for t in page.teasers:
        lines.append(f"**{t.title}**: " + " / ".join(t.lines) + "\n")
    lines.append("## " + _("Facts") + "\n")
    head = (_("Kind"), _("As written"), _("Value"), _("Sentence"))
    lines.append("| " + " | ".join(head) + " |\n|---|---|---|---|")
    names = {}
    for f in intake.facts:
        value = value_label(f.kind, f.value, names) if f.kind != "project" else f.text
        detail = detail_label(f.detail)
        lines.append(f"| {kind_label(f.kind)} | {f.text} | {value} {detail} | {f.sentence} |")
    return "\n".join(lines) + "\n"
