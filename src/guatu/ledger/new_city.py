"""A whole city's ledger into an empty database: its organisation first, then its projects.

An export of a city (``ledger export``) carries the organisation sheets; on a
new, migrated database they set the city up (``guatu.ledger.city_setup``) and the
ledger sheets then load into it — one transaction, so a problem in either
part leaves the database empty, and a dry run leaves nothing behind. What a
ledger does not carry (bulletins, escalations, photos …) is said in the
result's notes; ``guatu backup``/``guatu restore`` move a whole database.
"""

import io
from pathlib import Path
from typing import IO

from django.db import transaction

from guatu.accounts.models import Role, User
from guatu.core.ledger.columns import LEDGER_SHEETS
from guatu.ledger.city_setup import CityInit, city_init
from guatu.ledger.exporting import not_carried_note
from guatu.ledger.importing import ledger_import
from guatu.ledger.result import ImportResult


def ledger_import_new_city(
    *, source: str | Path | IO[bytes], name: str | None = None, dry_run: bool = False
) -> tuple[CityInit, ImportResult | None]:
    """Set up the city of the ledger in *source* and import its projects, or nothing at all."""
    if isinstance(source, str | Path):
        name = name or Path(source).name
        data = Path(source).read_bytes()
    else:
        data = source.read()
    with transaction.atomic():
        setup = city_init(source=io.BytesIO(data), name=name, others=LEDGER_SHEETS)
        if not setup.written:
            return setup, None
        actor = (
            User.objects.filter(role__in=(Role.SUPERVISOR, Role.ADMIN), is_active=True)
            .order_by("-role", "pk")  # a supervisor before an administrator
            .first()
        )
        result = ledger_import(
            source=io.BytesIO(data),
            name=name,
            actor=actor,
            city=setup.city,
            dry_run=dry_run,
            organisation_read=True,
        )
        if not result.ok or dry_run:
            transaction.set_rollback(True)
            setup.written = False
            setup.passwords = []
            setup.city = None
    if result.ok:
        # Said every time, not only in the workbook's 说明: the city starts without these.
        result.notes.append(not_carried_note())
    return setup, result
