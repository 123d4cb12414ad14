"""What one report through the API costs the server (issue 29: 200 officials at once).

The figures a burst waits on are in bench/load.py and docs/PERFORMANCE.md; these
tests keep the work of one request from creeping back: the queries it sends, the
rate limit's single statement, a token's "last used" written once in a while.
"""

import json
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guatu.accounts.models import ApiToken, ThrottleCount, User
from guatu.accounts.tokens import TOUCH_EVERY, token_create
from guatu.api import throttle
from guatu.progress.models import ProgressReport
from guatu.projects.models import WorkItem

pytestmark = pytest.mark.django_db

#: A report: the rate limit (1), the token with its user and city (1), the item (1), then
#: in one transaction the item's lock, its reports in force and the two inserts (4).
#: Before issue 29's cut it was 32: the database cache's five, the token's update,
#: three lookups of the city, the model's constraint checks and the answer's re-read.
#: Issue 31 adds the schedule from the data date, moved by the report in its own
#: transaction (one truth: no page shows a report beside a schedule that has not heard of
#: it): the project's lock, its items, links, calendar days and reports, the items whose
#: dates moved and the project's finish (7; no savepoint of its own). The project is the
#: one already read. In a burst a report skips all but the lock, or even that.
REPORT_QUERIES = 9 + 7


def _report(client, item, token, day="2019-11-15", quantity=1.2):
    return client.post(
        f"/api/v1/items/{item.pk}/reports",
        json.dumps({"reported_on": day, "quantity": quantity, "unit": "公里", "note": "清表"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _town_item(demo) -> tuple[WorkItem, str]:
    official = User.objects.get(username="town_shizhu")
    item = WorkItem.objects.get(project__code="jintai-railway", code="wq-xl")  # 8.6 km, unreported
    return item, token_create(user=official)


def test_a_report_sends_few_queries(demo):
    item, token = _town_item(demo)
    client = Client()
    assert _report(client, item, token, day="2019-11-14", quantity=1.0).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        answer = _report(client, item, token)
    assert answer.status_code == 201, answer.content
    statements = [
        q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("BEGIN", "COMMIT"))
    ]
    assert len(statements) <= REPORT_QUERIES, "\n".join(s[:120] for s in statements)
    # The item is read in its city's scope once; its lock and its record hang from it
    # without joining the project again (they did: 3 joins, a third of a burst's time).
    joins = [
        s[:120]
        for s in statements
        if '"projects_project"' in s
        and s.startswith("SELECT")
        and "FOR UPDATE" not in s
        and '"projects_project"."id" = ' not in s
    ]
    assert len(joins) == 1, joins
    assert ProgressReport.objects.filter(work_item=item, reported_on="2019-11-15").exists()
    # The answer says the new report is superseded by nothing, without asking the database.
    assert answer.json()["superseded_by"] is None


def test_a_token_s_last_use_is_written_once_in_a_while(demo):
    item, token = _town_item(demo)
    client = Client()
    _report(client, item, token, day="2019-11-14", quantity=1.0)
    row = ApiToken.objects.get(user__username="town_shizhu")
    first = row.last_used_at
    assert first is not None
    _report(client, item, token)
    row.refresh_from_db()
    assert row.last_used_at == first  # a burst is not a burst of writes to the token
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=first - TOUCH_EVERY)
    assert client.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    row.refresh_from_db()
    assert timezone.now() - row.last_used_at < timedelta(minutes=1)


def test_the_count_starts_again_in_a_new_window_and_old_windows_are_pruned(demo, monkeypatch):
    assert throttle._count("call:test", 60) == 1
    assert throttle._count("call:test", 60) == 2
    now = time.time()
    monkeypatch.setattr(throttle.time, "time", lambda: now + 60)
    assert throttle._count("call:test", 60) == 1  # the next window
    monkeypatch.setattr(throttle.time, "time", lambda: now + 3 * 3600)
    throttle._count("call:fresh", 60)
    assert throttle.prune() == 1
    assert list(ThrottleCount.objects.values_list("key", flat=True)) == ["call:fresh"]
