"""The ``guatu`` console command.

``guatu`` is Django's ``manage.py`` under another name: every management
command (``migrate``, ``runserver``, ``createsuperuser`` …) works through it,
and guatu's own commands (``demo`` and those added by later features) are
listed first in ``guatu --help``.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a guatu or Django management command.

    ``guatu schedule`` on CSV files is tried first without Django (it needs no
    database, and Django's start-up would cost more than the schedule).
    """
    argv = argv if argv is not None else sys.argv
    if argv[1:2] == ["schedule"]:
        from guatu.projects.schedule_csv import fast_main  # no Django on this path

        if fast_main(argv[2:]):
            return
    from guatu.manage import DEFAULT_SETTINGS, GuatuUtility  # Django only when needed

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    utility = GuatuUtility(argv)
    utility.prog_name = "guatu"
    utility.execute()


if __name__ == "__main__":
    main()
