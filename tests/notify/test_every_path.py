"""A report above its target reaches the office the same way whatever path stored it.

The form, the API and the ledger each store one above-target report on an item
of their own; the office gets one 填报待核实 notice for each (the ledger path
sent none before the event hook: it wrote its rows itself).
"""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from guatu.accounts.models import Role, User
from guatu.accounts.tokens import token_create
from guatu.ledger.importing import ledger_import
from guatu.notify.models import Kind, Notice
from guatu.progress.models import ProgressReport
from tests.ledger.files import csv_file

pytestmark = pytest.mark.django_db
ON = date(2020, 3, 31)


@pytest.fixture
def items(make_item):
    return {
        path: make_item(code, name=f"征地{code}", quantity_target=Decimal(126), unit="mu")
        for path, code in (("form", "F1"), ("api", "A1"), ("ledger", "L1"))
    }


def office_notices(item) -> list[Notice]:
    return list(Notice.objects.filter(kind=Kind.REVIEW, title__contains=item.name))


def test_each_path_sends_the_office_one_notice(items, users, tmp_path):
    town = users["town"]
    web = Client()
    web.force_login(town)
    response = web.post(
        f"/items/{items['form'].pk}/",
        {
            "action": "report", "reported_on": ON.isoformat(), "quantity": "130",
            "unit": "mu", "above_target": "on", "note": "含临时用地",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:500]

    token = token_create(user=town)
    response = Client().post(
        f"/api/v1/items/{items['api'].pk}/reports",
        json.dumps(
            {
                "reported_on": ON.isoformat(),
                "quantity": 130,
                "unit": "mu",
                "above_target": True,
                "note": "含临时用地",
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in (200, 201), response.content.decode()[:500]

    rows = [
        ["项目编码", "事项编码", "填报日期", "累计完成", "单位", "说明", "超出目标"],
        ["railway", "L1", ON.isoformat(), 130, "亩", "含临时用地", "是"],
    ]
    result = ledger_import(source=csv_file(tmp_path / "进度.csv", rows), actor=town)
    assert result.ok and result.written, result.problems

    office = set(User.objects.filter(role=Role.SUPERVISOR).values_list("username", flat=True))
    assert "supervisor" in office
    for path, item in items.items():
        report = ProgressReport.objects.get(work_item=item)
        assert report.above_target, path
        notices = office_notices(item)
        assert sorted(n.recipient.username for n in notices) == sorted(office), path
        assert {n.event for n in notices} == {f"review:{report.pk}"}, path
