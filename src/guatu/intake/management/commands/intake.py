"""``guatu intake FILE --date 2019-11-16 --format json|md``: restore a page and list its facts."""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from guatu.intake.services import intake_as_dict, intake_read, text_of


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
            intake = intake_read(text=text, issue=issue)
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
    lines.append("| kind | text | value | sentence |\n|---|---|---|---|")
    for f in intake.facts:
        lines.append(f"| {f.kind} | {f.text} | {f.value} {f.detail} | {f.sentence} |")
    return "\n".join(lines) + "\n"
