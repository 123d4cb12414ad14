"""The ladder as an office uses it (issue 30): one rung a bulletin, the office's say over
each proposed rung, 印发 that asks first, one message a unit, a new city's clean slate."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from guatu.accounts.models import User
from guatu.audit.models import AuditEntry
from guatu.notify.models import Kind, Notice
from guatu.org.models import City
from guatu.supervision.models import Bulletin, EscalationEvent, Score
from guatu.supervision.services import (
    bulletin_draft,
    bulletin_publish,
    bulletin_rung_decide,
    publish_summary,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return User.objects.get(username="supervisor")


def _next_week(city):
    """The office's data date moves on a week (no reports came in meanwhile)."""
    City.objects.filter(pk=city.pk).update(status_date=date(2019, 11, 22))
    return City.objects.get(pk=city.pk)


def _proposed(bulletin, level=None):
    return [
        row
        for row in bulletin.content["escalations"]
        if not row["recorded"] and (level is None or row["level_code"] == level)
    ]


def test_the_ladder_climbs_a_rung_a_bulletin_on_the_demo(office):
    """W46 proposes only first rungs (and keeps 古山's 约谈 as issued); once W46 is
    published, W47 proposes the next rung for the items still red, never two up."""
    city = City.objects.get()
    w46 = bulletin_publish(
        actor=office, bulletin=bulletin_draft(actor=office, city=city, period_text="2019-W46")
    )
    issued = {e.work_item_id: e.level for e in EscalationEvent.objects.filter(period="2019-W46")}
    assert "criticism" not in issued.values()
    assert EscalationEvent.objects.get(work_item__code="wj", period="2019-W46").level == "interview"
    w47 = bulletin_draft(actor=office, city=_next_week(city), period_text="2019-W47")
    climb = {"reminder": "notice", "notice": "interview", "interview": "criticism"}
    proposed = _proposed(w47)
    assert proposed
    for row in proposed:
        last = issued.get(row["work_item"])
        assert row["level_code"] == (climb[last] if last else "reminder"), row["item"]
    # The story's item climbs 提醒 → 督办单 → 约谈 → 通报批评, a rung a week.
    story = EscalationEvent.objects.get(work_item__code="wj", period="2019-W46").work_item_id
    wj = next(r for r in proposed if r["work_item"] == story)
    assert wj["level_code"] == "criticism"
    assert w46.content["escalations"]  # the published bulletin lists what it issued


def test_the_office_keeps_lowers_or_strikes_each_rung_with_a_reason(office):
    city = City.objects.get()
    bulletin_publish(
        actor=office, bulletin=bulletin_draft(actor=office, city=city, period_text="2019-W46")
    )
    draft = bulletin_draft(actor=office, city=_next_week(city), period_text="2019-W47")
    notices = _proposed(draft, "notice")
    assert len(notices) >= 2
    lowered, struck = notices[0], notices[1]
    with pytest.raises(ValidationError, match=r"理由|why"):
        bulletin_rung_decide(
            actor=office, bulletin=draft, work_item_id=lowered["work_item"], level="reminder",
            reason="",
        )  # fmt: skip
    with pytest.raises(ValidationError):  # never above what the ladder proposes
        bulletin_rung_decide(
            actor=office, bulletin=draft, work_item_id=lowered["work_item"], level="criticism",
            reason="严肃问责",
        )  # fmt: skip
    bulletin_rung_decide(
        actor=office, bulletin=draft, work_item_id=lowered["work_item"], level="reminder",
        reason="已签约，正在腾空",
    )  # fmt: skip
    bulletin_rung_decide(
        actor=office,
        bulletin=draft,
        work_item_id=struck["work_item"],
        level="",
        reason="政策处理已完成",
    )
    draft.refresh_from_db()
    summary = publish_summary(draft)
    assert summary["struck"] == 1 and summary["lowered"] == 1
    assert AuditEntry.objects.filter(action="bulletin_rung_decide").count() == 2
    published = bulletin_publish(actor=office, bulletin=draft)
    recorded = dict(
        EscalationEvent.objects.filter(period="2019-W47").values_list("work_item_id", "level")
    )
    assert recorded[lowered["work_item"]] == "reminder"
    assert struck["work_item"] not in recorded
    # The published bulletin's record says what the office decided and why.
    client = Client()
    client.force_login(office)
    page = client.get(f"/bulletins/{published.pk}/").text
    assert "已签约，正在腾空" in page and "政策处理已完成" in page
    # A published bulletin's rungs cannot be decided again.
    with pytest.raises(ValidationError):
        bulletin_rung_decide(
            actor=office, bulletin=published, work_item_id=lowered["work_item"], level="",
            reason="x",
        )  # fmt: skip


def test_the_draft_page_decides_and_only_the_office_may(office):
    city = City.objects.get()
    draft = bulletin_draft(actor=office, city=city, period_text="2019-W46")
    row = _proposed(draft)[0]
    client = Client()
    client.force_login(office)
    page = client.get(f"/bulletins/{draft.pk}/")
    assert 'id="rungs"' in page.text and "不下发" in page.text
    answer = client.post(
        f"/bulletins/{draft.pk}/rungs/",
        {"work_item": row["work_item"], "level": "", "reason": "已约谈分管领导"},
    )
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert [r["work_item"] for r in draft.content["struck"]] == [row["work_item"]]
    # Restored: the proposed rung again, no reason needed.
    client.post(
        f"/bulletins/{draft.pk}/rungs/", {"work_item": row["work_item"], "level": "reminder"}
    )
    draft.refresh_from_db()
    assert not draft.content["struck"]
    for name in ("town_shizhu", "leader"):
        other = Client()
        other.force_login(User.objects.get(username=name))
        refused = other.post(
            f"/bulletins/{draft.pk}/rungs/",
            {"work_item": row["work_item"], "level": "", "reason": "x"},
        )
        assert refused.status_code in (403, 404), name
    draft.refresh_from_db()
    assert not draft.content["struck"]


def test_a_unit_hears_of_its_rungs_in_one_message(office):
    city = City.objects.get()
    draft = bulletin_draft(actor=office, city=city, period_text="2019-W46")
    towns = {}
    for row in _proposed(draft):
        towns[row["town"]] = towns.get(row["town"], 0) + 1
    busiest = max(towns, key=towns.get)
    assert towns[busiest] >= 2  # the case that sent one message a rung
    before = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    bulletin_publish(actor=office, bulletin=draft)
    official = User.objects.filter(town__name=busiest).first()
    got = Notice.objects.filter(kind=Kind.ESCALATION, recipient=official, pk__gt=before)
    assert got.count() == 1
    assert got.get().body.count("\n") + 1 == towns[busiest]
    assert "提醒" in got.get().body and str(towns[busiest]) in got.get().title


def test_no_points_off_for_rungs_never_issued_and_none_for_a_reminder(office):
    city = City.objects.get()
    bulletin_publish(
        actor=office, bulletin=bulletin_draft(actor=office, city=city, period_text="2019-W46")
    )
    for score in Score.objects.filter(period="2019-W46"):
        rungs = score.parts["escalations"]
        assert score.parts["escalation_points"] <= 4.0 * rungs
        assert score.score >= 0


def test_a_draft_older_than_a_published_bulletin_is_not_published(office):
    """Its rungs were worked out against the rungs issued before: drafted again, not stale."""
    city = City.objects.get()
    older = bulletin_draft(actor=office, city=city, period_text="2019-W46")
    newer = bulletin_draft(actor=office, city=city, period_text="2019-W46")
    bulletin_publish(actor=office, bulletin=newer)
    with pytest.raises(ValidationError, match=r"重新生成|again"):
        bulletin_publish(actor=office, bulletin=older)
    assert Bulletin.objects.get(pk=older.pk).status == "draft"


def test_the_office_sets_where_the_ladder_starts_and_when_it_starts_again(office):
    """The rules page's two ladder fields reach the ladder (a new version of the rules)."""
    client = Client()
    client.force_login(office)
    answer = client.post(
        "/rules/",
        {
            "yellow_lag": "10", "red_lag": "30", "window_days": "28",
            "ladder_reset_after": "2", "ladder_from": "2019-11-11",
            "valid_from": "2019-11-15", "note": "问责自第46周起算",
        },
    )  # fmt: skip
    assert answer.status_code == 302
    page = client.get("/rules/").text
    assert "2019-11-11" in page and "问责起算日期" in page
    draft = bulletin_draft(actor=office, city=City.objects.get(), period_text="2019-W46")
    for row in _proposed(draft):
        assert row["evidence"]["dates"] == ["2019-11-15"] and row["evidence"]["red_periods"] == 1
