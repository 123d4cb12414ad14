"""整改反馈 due dates reach the people who must act (issue 30): the unit two days before,
the unit and the office once the date has passed without an answer; once each."""

from datetime import date

import pytest

from guatu.accounts.models import User
from guatu.notify.models import Notice
from guatu.notify.services import answer_alerts
from guatu.org.models import City
from guatu.supervision.models import EscalationEvent
from guatu.supervision.replies import notice_reply

pytestmark = pytest.mark.django_db
TODAY = date(2019, 11, 15)  # the demo's


def _due(event, day):
    EscalationEvent.objects.filter(pk=event.pk).update(reply_by=day)
    event.refresh_from_db()
    return event


def test_the_unit_is_reminded_and_the_office_told_when_an_answer_is_late(demo):
    city = City.objects.get()
    rungs = EscalationEvent.objects.filter(town__name="古山镇").order_by("pk")
    soon, late, answered = (
        _due(rungs[0], date(2019, 11, 16)),
        _due(rungs[1], date(2019, 11, 14)),
        _due(rungs[2], date(2019, 11, 14)),
    )
    EscalationEvent.objects.exclude(pk__in=[soon.pk, late.pk, answered.pk]).update(reply_by=None)
    notice_reply(actor=User.objects.get(username="town_gushan"), escalation=answered, text="已整改")
    before = Notice.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert answer_alerts(city, TODAY) > 0
    new = Notice.objects.filter(pk__gt=before)
    town = User.objects.get(username="town_gushan")
    office = User.objects.get(username="supervisor")
    assert new.filter(recipient=town, url=f"/escalations/{soon.pk}/").count() == 1
    assert new.filter(recipient=town, url=f"/escalations/{late.pk}/").count() == 1
    assert new.filter(recipient=office, url=f"/escalations/{late.pk}/").count() == 1
    assert not new.filter(recipient=office, url=f"/escalations/{soon.pk}/").exists()
    assert not new.filter(url=f"/escalations/{answered.pk}/").exists()  # answered: quiet
    assert "11月16日" in new.get(recipient=town, url=f"/escalations/{soon.pk}/").title
    # The sweep runs every ten minutes: nothing twice.
    count = Notice.objects.count()
    answer_alerts(city, TODAY)
    assert Notice.objects.count() == count
