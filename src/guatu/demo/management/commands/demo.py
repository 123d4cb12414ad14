"""``guatu demo``: migrate if needed, load the 永康 2019 scenario, print the logins."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from guatu.demo import scenario
from guatu.demo.build import demo_build


class Command(BaseCommand):
    help = (
        "Load the 永康 2019 demo scenario (金台铁路永康段 and the 小微企业园 programme, "
        "'today' = 2019-11-15) into the configured database, migrating it first if needed. "
        "Does nothing if the scenario is already loaded."
    )

    def handle(self, *args, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        summary = demo_build()
        database = connection.settings_dict["NAME"]
        if summary.created:
            self.stdout.write(self.style.SUCCESS(f"Demo scenario loaded into {database}."))
        else:
            self.stdout.write(f"Demo scenario already in {database}; left as it is.")
        self.stdout.write(
            f"  {summary.projects} projects, {summary.work_items} work items, "
            f"{summary.reports} progress reports, {summary.blockers} blockers, "
            f"{summary.escalations} escalations; 'today' in the story is {scenario.TODAY}."
        )
        self.stdout.write(f"Demo logins (password for all: {scenario.PASSWORD}):")
        for username, role, full_name, *_ in scenario.ROLE_LOGINS:
            self.stdout.write(f"  {role:<11} {username:<14} {full_name}")
        self.stdout.write(
            "  Every town and department has its own login too: town_<name>, dept_<name> "
            "(see the admin's user list)."
        )
