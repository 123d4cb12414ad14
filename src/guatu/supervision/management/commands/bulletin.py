"""``guatu bulletin --period 2019-W46 --out DIR``: a 定期通报 in Word, PDF, Excel and HTML."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from guatu.accounts.models import Role, User
from guatu.common.scope import scoped_to
from guatu.org.selectors import NoSuchCity, city_for_command
from guatu.projects.models import Project
from guatu.supervision import render
from guatu.supervision.models import Bulletin
from guatu.supervision.services import bulletin_draft, bulletin_publish


class Command(BaseCommand):
    help = (
        "Compute the bulletin (定期通报) of a period — 2019-W46, 2019-11 or "
        "2019-11-01..2019-11-15 — for the city or one project as a draft (the escalation "
        "ladder proposed), and write it as .docx, .pdf, .xlsx and .html into --out. With "
        "--publish it is numbered and frozen and its escalations recorded; run again, it "
        "writes the published bulletin's own files."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--project", help="project code (default: the whole city)")
        parser.add_argument("--publish", action="store_true")
        parser.add_argument("--number", type=int, help="document number when publishing")
        parser.add_argument("--user", help="the supervisor acting (default: the first one)")
        parser.add_argument(
            "--city", help="the city, by name or code (needed where there are several)"
        )

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                city = city_for_command(options["city"])
            except NoSuchCity as error:
                raise CommandError(str(error)) from error
            if city is None:
                raise CommandError(_("No city yet: run `guatu demo` or import data first."))
            with scoped_to((city.pk,)):  # its users, projects and bulletins only
                self._bulletin(city, options)

    def _bulletin(self, city, options) -> None:
        users = User.objects.filter(role=Role.SUPERVISOR, is_active=True)
        actor = (users.filter(username=options["user"]) if options["user"] else users).first()
        if actor is None:
            raise CommandError(_("No active supervisor user to act as."))
        project = None
        if options["project"]:
            project = Project.objects.filter(code=options["project"]).first()
            if project is None:
                raise CommandError(
                    _("No project with the code “%(code)s”.") % {"code": options["project"]}
                )
        published = None
        if options["publish"]:
            # Publishing again (say, after an interrupted run) fetches what was published.
            published = (
                Bulletin.objects.filter(
                    city=city,
                    period=options["period"].strip(),
                    project=project,
                    status=Bulletin.Status.PUBLISHED,
                )
                .filter(**({"number": options["number"]} if options["number"] else {}))
                .order_by("-number")
                .first()
            )
        try:
            bulletin = published or bulletin_draft(
                actor=actor, city=city, period_text=options["period"], project=project
            )
            if options["publish"] and published is None:
                bulletin = bulletin_publish(
                    actor=actor, bulletin=bulletin, number=options["number"]
                )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        stem = f"bulletin-{bulletin.period}" + (f"-{project.code}" if project else "")
        content = bulletin.content
        for kind, lay_out in (
            ("docx", render.to_docx),
            ("pdf", render.to_pdf),
            ("xlsx", render.to_xlsx),
        ):
            stored = getattr(bulletin, kind)
            if bulletin.status == Bulletin.Status.PUBLISHED and stored:
                with stored.open("rb") as handle:
                    (out / f"{stem}.{kind}").write_bytes(handle.read())
            else:
                (out / f"{stem}.{kind}").write_bytes(lay_out(content))
        (out / f"{stem}.html").write_text(
            render.to_html(content, standalone=True), encoding="utf-8"
        )
        self.stdout.write(
            _("%(title)s %(number)s → %(folder)s")
            % {"title": content["title"], "number": content["number_text"], "folder": out}
        )
