"""The round trip: an export imported into an empty database exports the same values."""

import io

import pytest
from django.db import transaction

from guatu.accounts.models import Role
from guatu.accounts.services import user_create
from guatu.demo.build import demo_build
from guatu.ledger.exporting import ledger_workbook
from guatu.ledger.importing import ledger_import
from guatu.org.models import City, Department, Town, Village
from guatu.org.selectors import current_city
from guatu.progress.models import StatusRuleSet
from tests.ledger.test_exporting import values

pytestmark = pytest.mark.django_db


def _copy_organisation(snapshot) -> City:
    city_fields, towns, villages, departments, rules = snapshot
    city = City.objects.create(**city_fields)
    town_of = {
        name: Town.objects.create(city=city, name=name, kind=kind, order=order, geometry=outline)
        for name, kind, order, outline in towns
    }
    for town, name in villages:
        Village.objects.create(town=town_of[town], name=name)
    for name, short in departments:
        Department.objects.create(city=city, name=name, short_name=short)
    supervisor = user_create(username="sup2", password="pw-sup-2", role=Role.SUPERVISOR)
    for rule in rules:
        StatusRuleSet.objects.create(city=city, created_by=supervisor, **rule)
    return city, supervisor


def test_importing_an_export_into_an_empty_database_and_exporting_again_gives_the_same_values():
    with transaction.atomic():
        demo_build()
        city = current_city()
        snapshot = (
            {
                f: getattr(city, f)
                for f in (
                    "name",
                    "code",
                    "status_date",
                    "office_name",
                    "document_prefix",
                    "longitude",
                    "latitude",
                )
            },
            list(Town.objects.values_list("name", "kind", "order", "geometry")),
            list(Village.objects.values_list("town__name", "name")),
            list(Department.objects.values_list("name", "short_name")),
            list(
                StatusRuleSet.objects.values(
                    "version",
                    "valid_from",
                    "yellow_lag",
                    "red_lag",
                    "window_days",
                    "s_curve",
                    "ladder_reset_after",
                    "ladder_from",
                    "note",
                )
            ),
        )
        first = ledger_workbook(city=city)
        transaction.set_rollback(True)
    city, supervisor = _copy_organisation(snapshot)
    result = ledger_import(
        source=io.BytesIO(first), name="export.xlsx", actor=supervisor, city=city
    )
    assert result.ok, [str(p) for p in result.problems[:5]]
    # The story's 63 items and 436 reports, and 龙山's 35 前期 nodes with their 21 reports.
    assert result.items.counts["created"] == 63 + 35
    assert result.progress.counts["created"] == 436 + 21
    second = ledger_workbook(city=city)
    # Users aside: this city was given one supervisor by hand (tests/org/test_setup.py
    # sets a whole city up from the export, users included).
    first_values, second_values = values(first), values(second)
    del first_values["用户"], second_values["用户"]
    assert second_values == first_values
