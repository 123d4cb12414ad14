"""公开 on the demo, from outside: the office publishes, the public reads without signing in,
every other role is refused, bad input is refused at its field, and a publish shows at once.
"""

import io
import re

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from guatu.accounts.models import User
from guatu.audit.models import AuditEntry
from guatu.notify.todo import todo
from guatu.org.models import City
from guatu.projects.models import Project
from guatu.public.models import Approval, Disclosure, PublishedItem, Snapshot

pytestmark = pytest.mark.django_db

MANAGE = "/public/manage/"


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def city() -> City:
    return City.objects.get(name="永康市")


def month_page(year=2019, month=10) -> str:
    return f"/public/{city().code}/{year}/{month}/"


def test_the_demo_publishes_october_and_the_public_reads_it_signed_out(demo):
    snapshot = Snapshot.objects.get()
    assert (snapshot.year, snapshot.month, snapshot.version) == (2019, 10, 1)
    anyone = Client()
    for url in ("/public/", f"/public/{city().code}/", month_page()):
        page = anyone.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert "金台铁路永康段" in text and "2016-330784-53-01-000128" in text
        assert "可行性研究报告批复（示例）" in text and "浙发改设计〔2016〕000号（示例）" in text
        # Each item: the day it arose and the day it was published.
        assert "2016-06-30" in text and "2019-11-15" in text
        assert not page.cookies, "a public page sets no cookie (no session, no CSRF token)"
        assert "csrfmiddlewaretoken" not in text
        assert page["Cache-Control"] == "public, max-age=60"
        assert "Content-Security-Policy" in page
        assert "<script" not in text and "style=" not in text  # nothing the CSP would refuse
    # 龙山's 施工许可 was approved in November: not in October's snapshot.
    assert "建筑工程施工许可证（示例）" not in anyone.get(month_page()).content.decode()


def test_the_workbook_and_the_feed(demo):
    anyone = Client()
    answer = anyone.get(month_page() + "snapshot.xlsx")
    assert answer.status_code == 200 and not answer.cookies
    assert "attachment" in answer["Content-Disposition"]
    book = load_workbook(io.BytesIO(answer.content), read_only=True)
    cells = [
        v for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
    ]
    assert "2016-330784-53-01-000128" in cells and "浙发改设计〔2016〕000号（示例）" in cells
    feed = anyone.get(f"/public/{city().code}/feed.xml")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "<feed" in body and f"http://testserver/public/{city().code}/2019/10/" in body


def test_a_cached_page_costs_no_query_and_sets_nothing(demo, django_assert_num_queries):
    anyone, url = Client(), month_page()
    first = anyone.get(url)
    with django_assert_num_queries(0):
        again = anyone.get(url)
    assert again.content == first.content
    assert anyone.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


@pytest.fixture
def cache_table(settings):
    """Production's cache: the database's cache table, and the workers' own copies."""
    from django.core.management import call_command

    from guatu.public import cache as public_cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "guatu_public_test_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    public_cache.forget()
    yield public_cache
    public_cache.forget()


def test_with_the_cache_table_a_page_read_again_costs_no_query(demo, cache_table):
    anyone, url = Client(), month_page()
    with CaptureQueriesContext(connection) as first:
        assert anyone.get(url).status_code == 200
    assert any("guatu_public_test_cache" in q["sql"] for q in first.captured_queries)
    with CaptureQueriesContext(connection) as again:
        assert anyone.get(url).status_code == 200
    assert not again.captured_queries, [q["sql"] for q in again.captured_queries]


def test_another_workers_publish_shows_within_seconds(demo, cache_table, monkeypatch):
    """A publish elsewhere sets the shared heads: this worker trusts the head it read for
    ``HEAD_TTL`` seconds, then asks again and draws the new version."""
    import time

    from guatu.public.services import snapshot_publish

    anyone, url = Client(), month_page()
    assert b"version 2" not in anyone.get(url).content
    clock = [time.monotonic()]
    monkeypatch.setattr(cache_table.time, "monotonic", lambda: clock[0])
    anyone.get(url)  # read at the clock's time
    office = User.objects.get(username="supervisor")
    snapshot_publish(actor=office, city=city(), year=2019, month=10)  # no commit hook here
    # Another worker's commit hook: the shared heads only, not this worker's memory.
    from django.core.cache import cache as shared

    shared.set(cache_table.head_key(city().code), Snapshot.objects.order_by("-pk")[0].pk)
    assert not re.search(r"version 2|第 ?2 ?版", anyone.get(url).content.decode())
    clock[0] += cache_table.HEAD_TTL + 0.1
    assert re.search(r"version 2|第 ?2 ?版", anyone.get(url).content.decode())


def test_a_new_publish_shows_at_once_as_a_new_version(demo, django_capture_on_commit_callbacks):
    anyone = Client()
    assert "批复（新增）" not in anyone.get(month_page()).content.decode()
    office = signed_in("supervisor")
    railway = Project.objects.get(code="jintai-railway")
    answer = office.post(
        MANAGE,
        {
            "action": "approval",
            "approval-project": railway.pk,
            "approval-matter": "初步设计批复（新增）",
            "approval-authority": "浙江省发展和改革委员会",
            "approval-number": "浙发改设计〔2017〕1号",
            "approval-approved_on": "2017-03-01",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    # Recorded, not yet published: the public page is as it was.
    assert "初步设计批复（新增）" not in anyone.get(month_page()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = office.post(MANAGE, {"action": "publish", "month": "2019-10"})
    assert answer.status_code == 302
    assert list(Snapshot.objects.filter(year=2019, month=10).values_list("version", flat=True)) == [
        2,
        1,
    ]
    for url in (month_page(), f"/public/{city().code}/", "/public/"):
        text = anyone.get(url).content.decode()
        assert "初步设计批复（新增）" in text, url
        assert re.search(r"version 2|第 ?2 ?版", text), url
    book = load_workbook(io.BytesIO(anyone.get(month_page() + "snapshot.xlsx").content))
    assert "初步设计批复（新增）" in [
        c.value for row in book.worksheets[1].iter_rows() for c in row
    ]
    # The new approval is published today; what October 1 published keeps its day.
    item = PublishedItem.objects.get(
        key=f"approval:{Approval.objects.get(number__contains='1号').pk}"
    )
    assert item.published_on.isoformat() == "2019-11-15"
    assert AuditEntry.objects.filter(action="public_publish", allowed=True).exists()


def test_a_published_snapshot_is_never_changed(demo):
    snapshot = Snapshot.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        Snapshot.objects.filter(pk=snapshot.pk).update(content={})
    with pytest.raises(DatabaseError), transaction.atomic():
        Snapshot.objects.filter(pk=snapshot.pk).delete()


@pytest.mark.parametrize("username", ["leader", "town_shizhu", "dept_jiaotong"])
def test_every_other_role_is_refused_and_audited(demo, username):
    client = signed_in(username)
    before = (Snapshot.objects.count(), Approval.objects.count(), Disclosure.objects.count())
    refused = AuditEntry.objects.filter(allowed=False).count()
    assert client.get(MANAGE).status_code == 403
    railway = Project.objects.get(code="jintai-railway")
    for form in (
        {"action": "publish", "month": "2019-10"},
        {"action": "disclose", "project": railway.pk, "on": "0"},
        {"action": "approval_remove", "approval": Approval.objects.first().pk},
    ):
        answer = client.post(MANAGE, form)
        assert answer.status_code == 403 and "topbar" in answer.content.decode()
    after = (Snapshot.objects.count(), Approval.objects.count(), Disclosure.objects.count())
    assert after == before
    assert AuditEntry.objects.filter(allowed=False).count() == refused + 4


def test_signed_out_the_office_page_sends_to_sign_in(demo):
    anyone = Client()
    for answer in (
        anyone.get(MANAGE),
        anyone.post(MANAGE, {"action": "publish", "month": "2019-10"}),
    ):
        assert answer.status_code == 302 and answer["Location"].startswith("/login/")
    assert Snapshot.objects.count() == 1


def test_the_services_refuse_other_roles_whatever_the_path(demo):
    from django.core.exceptions import PermissionDenied

    from guatu.public.services import approval_add, disclosure_set, snapshot_publish

    town = User.objects.get(username="town_shizhu")
    railway = Project.objects.get(code="jintai-railway")
    with pytest.raises(PermissionDenied):
        snapshot_publish(actor=town, city=city(), year=2019, month=10)
    with pytest.raises(PermissionDenied):
        disclosure_set(actor=town, project=railway, disclosed=False)
    with pytest.raises(PermissionDenied):
        approval_add(
            actor=town, project=railway, matter="x", authority="y", number="z",
            approved_on=railway.start_date,
        )  # fmt: skip


def field_errors(answer) -> dict[str, str]:
    """Each field's error, as the page shows it beside the field."""
    found = {}
    for block in answer.content.decode().split('<div class="field">')[1:]:
        name = re.match(r'<label for="id_(?:approval-)?(\w+)">', block)[1]
        error = re.search(r'<div class="errors" role="alert">(.*?)</div>', block, flags=re.S)
        if error:
            found[name] = re.sub(r"<[^>]+>", "", error[1]).strip()
    return found


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("approved_on", "9999-01-01", "2200-12-31"),
        ("approved_on", "2019-11-16", "2019-11-15"),  # after the city's today
        ("number", "浙" * 61, "60"),
        ("matter", "批复\x07", "控制字符"),
        ("authority", "省发改\r\n委", "控制字符"),
        ("matter", "", "必填"),
    ],
)
def test_bad_approvals_are_refused_at_their_field(demo, field, value, words):
    office = signed_in("supervisor")
    railway = Project.objects.get(code="jintai-railway")
    form = {
        "action": "approval",
        "approval-project": railway.pk,
        "approval-matter": "初步设计批复",
        "approval-authority": "浙江省发展和改革委员会",
        "approval-number": "浙发改设计〔2017〕1号",
        "approval-approved_on": "2017-03-01",
        f"approval-{field}": value,
    }
    before = Approval.objects.count()
    answer = office.post(MANAGE, form)
    assert answer.status_code == 400
    errors = field_errors(answer)
    assert list(errors) == [field], errors
    assert words in errors[field]
    assert Approval.objects.count() == before


@pytest.mark.parametrize(
    ("month", "words"),
    [("2019-13", "YYYY-MM"), ("9999-01", "2019-11"), ("2019-12", "2019-11"), ("1999-12", "2000")],
)
def test_a_month_out_of_reach_is_refused_at_its_field(demo, month, words):
    answer = signed_in("supervisor").post(MANAGE, {"action": "publish", "month": month})
    assert answer.status_code == 400
    errors = field_errors(answer)
    assert list(errors) == ["month"] and words in errors["month"], errors
    assert Snapshot.objects.count() == 1


def test_the_office_page_and_its_clock_in_the_todo(demo):
    office = User.objects.get(username="supervisor")
    (entry,) = [e for e in todo(office, city()) if e.kind == "public_due"]
    # 龙山's 施工许可 of 2019-11-12 (a Tuesday): due 20 working days on, 2019-12-10.
    assert entry.count == 1 and entry.url == "/public/manage/#due"
    assert "2019-12-10" in entry.rows[0].text and "17" in entry.rows[0].text
    page = signed_in("supervisor").get(MANAGE).content.decode()
    assert "建筑工程施工许可证（示例）" in page and "2019-12-10" in page
    # Published (November, as of today): gone from the office's 待办.
    from guatu.public.services import snapshot_publish

    snapshot_publish(actor=office, city=city(), year=2019, month=11)
    assert "public_due" not in {e.kind for e in todo(office, city())}


def test_unknown_months_cities_and_photos_are_404_inside_the_site(demo):
    anyone = Client()
    code = city().code
    for url in (
        f"/public/{code}/2019/9/",
        f"/public/{code}/2019/13/",
        f"/public/{code}/9999/10/",
        f"/public/{code}/2019/10/photos/1.jpg",
        f"/public/{code}/2019/10/photos/99999999999.jpg",
        "/public/999999/",
        "/public/999999/feed.xml",
    ):
        answer = anyone.get(url)
        assert answer.status_code == 404, url
        assert "topbar" in answer.content.decode()
    assert anyone.post(month_page()).status_code == 405


def test_the_cache_starts_empty_after_a_clear(demo):
    cache.clear()
    assert Client().get(month_page()).status_code == 200


@pytest.mark.parametrize("month", ["abc", "9999-01", "2019-13", "1999-12"])
def test_the_photo_month_asked_for_is_checked(demo, month):
    answer = signed_in("supervisor").get(MANAGE, {"month": month})
    assert answer.status_code == 400 and "topbar" in answer.content.decode()


def test_taking_a_project_off_and_on_never_restarts_its_clock(demo):
    from datetime import date

    from guatu.public.services import disclosure_set

    office = User.objects.get(username="supervisor")
    park = Project.objects.get(code="park-gushan")
    first = disclosure_set(actor=office, project=park, disclosed=True, today=date(2019, 11, 1))
    disclosure_set(actor=office, project=park, disclosed=False, today=date(2019, 11, 5))
    again = disclosure_set(actor=office, project=park, disclosed=True, today=date(2019, 11, 20))
    assert first.since == again.since == date(2019, 11, 1) and again.disclosed
