"""The same report through the form, the API and a ledger: the same result or the same message."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.ledger.importing import ledger_import
from guatu.progress.models import ProgressReport
from tests.ledger.files import xlsx

pytestmark = pytest.mark.django_db
TODAY = date(2019, 11, 15)
HEADER = [
    "项目编码",
    "事项编码",
    "填报日期",
    "累计完成",
    "计量单位",
    "说明",
    "超出目标",
    "更正原因",
]


@pytest.fixture
def land(make_item, city):
    city.status_date = TODAY
    city.save()
    return make_item("zd", name="征地", quantity_target=Decimal(126), unit="mu")


def by_form(item, fields) -> list[str]:
    user = User.objects.get(username="town")
    user.set_password("pw")
    user.save()
    client = Client()
    client.force_login(user)
    data = {"action": "report", "reported_on": fields["date"], "quantity": fields["quantity"]}
    data["unit"] = "mu"
    if fields.get("above"):
        data["above_target"] = "on"
    data["note"] = fields.get("note", "")
    response = client.post(f"/items/{item.pk}/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    if response.status_code == 302:
        return []
    return [
        re.sub(r"<.*?>", "", message)
        for message in re.findall(r'class="errorlist"[^>]*><li>(.*?)</li>', response.text)
    ]


def by_api(item, fields) -> list[str]:
    token = token_create(user=User.objects.get(username="town"))
    body = {"reported_on": fields["date"], "quantity": fields["quantity"], "unit": "亩"}
    body["note"] = fields.get("note", "")
    body["above_target"] = bool(fields.get("above"))
    response = Client().post(
        f"/api/v1/items/{item.pk}/reports",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    if response.status_code == 201:
        return []
    detail = response.json()
    return [message for messages in detail.get("errors", {}).values() for message in messages]


def by_ledger(item, fields, tmp_path) -> list[str]:
    row = [
        item.project.code,
        item.code,
        fields["date"],
        fields["quantity"],
        "亩",
        fields.get("note", ""),
        "是" if fields.get("above") else "",
        "",
    ]
    path = xlsx(tmp_path / "progress.xlsx", {"进度": [HEADER, row]})
    with translation.override("zh-hans"):
        result = ledger_import(
            source=path, actor=User.objects.get(username="town"), city=item.project.city
        )
        return [problem.message for problem in result.problems]


CASES = {
    "above target, not stated": {"date": "2019-11-15", "quantity": "200"},
    "above target, stated without a reason": {"date": "2019-11-15", "quantity": "200", "above": 1},
    "in the future": {"date": "2019-11-20", "quantity": "10"},
    "above target, stated and explained": {
        "date": "2019-11-15",
        "quantity": "130",
        "above": 1,
        "note": "设计变更",
    },
    "within target": {"date": "2019-11-15", "quantity": "63"},
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("path", ["form", "api", "ledger"])
def test_each_path_gives_the_same_answer(case, path, land, users, tmp_path):
    fields = CASES[case]
    messages = {
        "form": lambda: by_form(land, fields),
        "api": lambda: by_api(land, fields),
        "ledger": lambda: by_ledger(land, fields, tmp_path),
    }[path]()
    with translation.override("zh-hans"):
        expected = [m for m in by_core(land, fields)]
    assert sorted(messages) == sorted(expected)
    stored = ProgressReport.objects.filter(work_item=land)
    if expected:
        assert not stored.exists()
    else:
        report = stored.get()
        assert report.above_target == bool(fields.get("above"))


def by_core(item, fields) -> list[str]:
    """What the rules themselves say (translated): every path must say exactly this."""
    from guatu.core.reporting import check_report
    from guatu.errors import translate
    from guatu.progress.services import report_terms

    _figures, problems = check_report(
        report_terms(item, today=TODAY),
        reported_on=date.fromisoformat(fields["date"]),
        quantity=Decimal(fields["quantity"]),
        unit="mu",
        note=fields.get("note", ""),
        above_target=bool(fields.get("above")),
    )
    return [translate(problem) for problem in problems]
