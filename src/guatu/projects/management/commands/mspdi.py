"""``guatu mspdi``: plans into and out of the database.

guatu mspdi import FILE --code CODE --department NAME [--name NAME]
    FILE: Microsoft Project .xml/.mpp/.mpx or Primavera .xer/.pmxml (the last four
    through MPXJ, with a Java runtime)
guatu mspdi export CODE FILE   (Microsoft Project XML)
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from guatu.accounts.models import Role, User
from guatu.org.models import Department
from guatu.projects.interchange import project_export_mspdi, project_import_mspdi
from guatu.projects.models import Project


class Command(BaseCommand):
    help = (
        "Import a plan (Microsoft Project .xml/.mpp/.mpx, Primavera .xer/.pmxml) as a "
        "project, or export a project as Microsoft Project XML."
    )

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="create a project from a plan file")
        load.add_argument("file")
        load.add_argument("--code", required=True)
        load.add_argument("--department", required=True, help="owner department (name)")
        load.add_argument("--name")
        dump = actions.add_parser("export", help="write a project and its schedule as MSPDI")
        dump.add_argument("code")
        dump.add_argument("file")

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                if options["action"] == "import":
                    self._import(options)
                else:
                    self._export(options)
            except ValidationError as error:
                raise CommandError("\n".join(error.messages)) from error

    def _import(self, options) -> None:
        department = Department.objects.filter(name=options["department"]).first() or (
            Department.objects.filter(short_name=options["department"]).first()
        )
        if department is None:
            raise CommandError(
                _("No department named “%(name)s”.") % {"name": options["department"]}
            )
        actor = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError(_("No active supervisor user to act as."))
        project = project_import_mspdi(
            path=options["file"],
            code=options["code"],
            name=options["name"],
            city=department.city,
            owner_department=department,
            actor=actor,
        )
        self.stdout.write(
            _("Imported “%(name)s” with %(count)d work items.")
            % {"name": project.name, "count": project.work_items.count()}
        )

    def _export(self, options) -> None:
        project = Project.objects.filter(code=options["code"]).first()
        if project is None:
            raise CommandError(
                _("No project with the code “%(code)s”.") % {"code": options["code"]}
            )
        Path(options["file"]).write_bytes(project_export_mspdi(project=project))
        self.stdout.write(_("Wrote %(file)s.") % {"file": options["file"]})
