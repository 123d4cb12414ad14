"""The audit log reads in words: every action the code records has a name."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from guatu.audit.labels import ACTIONS, action_label
from guatu.audit.models import AuditEntry

SOURCE = Path(__file__).resolve().parents[2] / "src" / "guatu"
#: argparse's actions share the keyword; they are not audited.
NOT_AUDITED = {"store_true", "store_false", "append", "count"}


def test_every_action_the_code_records_has_a_name():
    found = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        found |= set(re.findall(r'action\s*=\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
        found |= set(re.findall(r'"([a-z_]+)" if supersedes', path.read_text(encoding="utf-8")))
    found -= NOT_AUDITED
    assert len(found) > 30
    assert sorted(found - set(ACTIONS)) == []


def test_a_name_in_chinese_and_what_has_none_is_marked():
    with translation.override("zh-hans"):
        assert action_label("estimate_set") == "设定三点估计"
        assert action_label("page:bulletin_view") == "页面 bulletin_view"
        assert action_label("something_new") == "未命名操作 something_new"


@pytest.mark.django_db
def test_the_admin_log_lists_actions_by_name_in_city_time(demo, admin_client):
    from datetime import UTC, datetime

    from guatu.accounts.models import User

    entry = AuditEntry.objects.create(
        user=User.objects.get(username="supervisor"), action="report_review",
        target_type="progress.progressreport", target_id="1", target_repr="外迁征地",
        channel="api", at=datetime(2019, 11, 15, 17, 30, tzinfo=UTC),
    )  # fmt: skip
    page = admin_client.get("/admin/audit/auditentry/?action=report_review").text
    assert "外迁征地" in page  # filtered by the action's code, listed by its name
    assert "核实超目标填报" in page and "接口" in page and ">report_review<" not in page
    with translation.override("zh-hans"):
        assert "2019-11-16 01:30" in str(entry)  # Beijing time, not UTC
