"""What trying issue 30 as each role found (a helper walked the demo as office, town,
leader, department and through the API); each case failed before its fix."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from guatu.accounts.models import User
from guatu.org.models import City
from guatu.supervision.models import EscalationEvent
from guatu.supervision.render_notice import notice_fields
from guatu.supervision.replies import notice_reply
from guatu.supervision.selectors import answer_state
from guatu.supervision.services import (
    bulletin_draft,
    bulletin_publish,
    bulletin_rung_decide,
    notice_template_save,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return User.objects.get(username="supervisor")


def _week(day):
    City.objects.update(status_date=day)
    return City.objects.get()


def _w48_draft(office):
    bulletin_publish(
        actor=office, bulletin=bulletin_draft(actor=office, city=_week(date(2019, 11, 15)),
                                              period_text="2019-W46"),
    )  # fmt: skip
    bulletin_publish(
        actor=office, bulletin=bulletin_draft(actor=office, city=_week(date(2019, 11, 22)),
                                              period_text="2019-W47"),
    )  # fmt: skip
    return bulletin_draft(actor=office, city=_week(date(2019, 11, 29)), period_text="2019-W48")


def test_an_answer_on_the_city_s_day_is_not_late(office):
    """An answer sent now to a city judging 2019-11-15 read 已反馈 2026-… （逾期反馈）."""
    event = EscalationEvent.objects.filter(town__name="古山镇", level="reminder").first()
    EscalationEvent.objects.filter(pk=event.pk).update(reply_by=date(2019, 11, 22))
    event.refresh_from_db()
    notice_reply(actor=User.objects.get(username="town_gushan"), escalation=event, text="已整改")
    state = answer_state(event, date(2019, 11, 15))
    assert state.state == "answered" and state.day == date(2019, 11, 15) and not state.late


def test_an_interview_s_answer_is_due_after_the_interview_and_never_in_the_past(office):
    draft = _w48_draft(office)
    rows = [r for r in draft.content["escalations"] if r["level_code"] == "interview"]
    with pytest.raises(ValidationError, match=r"interview_at|尚未到来|to come"):
        bulletin_rung_decide(
            actor=office, bulletin=draft, work_item_id=rows[0]["work_item"], level="interview",
            reason="", interview_at="2019-11-01 09:00", interview_place="305室",
        )  # fmt: skip
    for row in rows:
        bulletin_rung_decide(
            actor=office, bulletin=draft, work_item_id=row["work_item"], level="interview",
            reason="", interview_at="2019-12-05 11:00", interview_place="305室",
        )  # fmt: skip
    bulletin_publish(actor=office, bulletin=draft)
    event = EscalationEvent.objects.filter(period="2019-W48", level="interview").first()
    assert event.reply_by > date(2019, 12, 5)  # it was 12-04: answer before the interview


def test_a_lowered_rung_s_interview_time_is_saved_without_its_reason_again(office):
    draft = _w48_draft(office)
    row = next(r for r in draft.content["escalations"] if r["level_code"] == "criticism")
    bulletin_rung_decide(
        actor=office, bulletin=draft, work_item_id=row["work_item"], level="interview",
        reason="已有整改方案",
    )  # fmt: skip
    bulletin_rung_decide(
        actor=office, bulletin=draft, work_item_id=row["work_item"], level="interview",
        reason="", interview_at="2019-12-05 11:00", interview_place="305室",
    )  # fmt: skip
    draft.refresh_from_db()
    kept = next(r for r in draft.content["escalations"] if r["work_item"] == row["work_item"])
    assert kept["decision"]["reason"] == "已有整改方案" and kept["interview"]["place"] == "305室"
    # The record lists what changed (the lowering), not every save.
    assert len([d for d in draft.content["decisions"] if d["work_item"] == row["work_item"]]) == 1


def test_the_confirmation_warns_of_an_interview_without_its_time(office):
    draft = _w48_draft(office)
    client = Client()
    client.force_login(office)
    asked = client.post(f"/bulletins/{draft.pk}/", {"number": ""})
    assert asked.status_code == 200 and "约谈" in asked.text and 'role="alert"' in asked.text


def test_odd_input_is_a_4xx_or_a_message_not_a_500(office):
    client = Client(raise_request_exception=False)
    client.force_login(office)
    for value in ("abc", ""):
        assert client.post("/escalations/", {"event": value, "note": "x"}).status_code == 404
    draft = bulletin_draft(actor=office, city=City.objects.get(), period_text="2019-W46")
    answer = client.post(f"/bulletins/{draft.pk}/", {"number": "abc", "confirm": "1"}, follow=True)
    assert answer.status_code == 200 and "invalid literal" not in answer.text
    assert "99999" in answer.text


def test_a_notice_prints_its_dates_in_chinese_and_a_template_s_braces_are_checked(office):
    event = EscalationEvent.objects.filter(level="notice").first()
    table = dict(notice_fields(event))
    assert "2019-" not in table["各期灯色"] and "2019年" in table["各期灯色"]
    with pytest.raises(ValidationError):
        notice_template_save(
            actor=office, city=City.objects.get(), level="reminder", body="请{单位 整改"
        )
