"""The first passwords of a new city's users, written once for whoever set it up."""

import csv
import os
from pathlib import Path

from django.utils.translation import gettext as _

from guatu.common.spreadsheet import csv_safe


def write_passwords(target: Path, passwords: list[tuple[str, str, str]]) -> None:
    """Write (login, name, first password) rows as CSV readable by the file's owner only."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([_("Username"), _("Full name"), _("First password")])
        # A name from the workbook such as =HYPERLINK(…) stays text in Excel.
        writer.writerows([csv_safe(cell) for cell in row] for row in passwords)
