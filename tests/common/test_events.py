"""The event hook: subscribers run inside the publisher's transaction (or after its commit)."""

import pytest
from django.db import transaction

from guatu.audit.models import AuditEntry
from guatu.audit.services import audit_record
from guatu.common import events
from guatu.common.events import CalendarChanged, ReportsStored, publish, subscribe, subscribers

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean(monkeypatch):
    """Subscriptions made by a test end with it (the apps' own stay as they were)."""
    monkeypatch.setattr(events, "_subscribers", events.defaultdict(list))


def _record(event) -> None:
    audit_record(user=None, action="probe", target=None, detail={"city": event.city_id})


def test_a_subscriber_writes_with_its_cause_and_rolls_back_with_it(clean):
    subscribe(CalendarChanged, _record)
    with transaction.atomic():
        publish(CalendarChanged(city_id=1))
    assert AuditEntry.objects.filter(action="probe").count() == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(CalendarChanged(city_id=2))
        raise RuntimeError("the cause failed")
    assert AuditEntry.objects.filter(action="probe").count() == 1, "rolled back with it"


def test_after_commit_waits_for_the_commit(clean, django_capture_on_commit_callbacks):
    subscribe(CalendarChanged, _record, after_commit=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        publish(CalendarChanged(city_id=3))
        assert not AuditEntry.objects.filter(action="probe").exists()
    assert len(callbacks) == 1
    assert AuditEntry.objects.filter(action="probe").count() == 1


def test_subscribing_twice_runs_once_and_other_kinds_are_not_called(clean):
    subscribe(CalendarChanged, _record)
    subscribe(CalendarChanged, _record)
    assert subscribers(CalendarChanged) == [_record]
    publish(ReportsStored(()))
    publish(CalendarChanged(city_id=4))
    assert AuditEntry.objects.filter(action="probe").count() == 1


def test_the_apps_subscribe_when_they_start():
    """notify answers stored reports, escalations and bulletins; projects the calendar and
    the reports (the schedule from the data date moves with them, first)."""
    names = {
        kind.__name__: [f"{h.__module__}.{h.__name__}" for h in subscribers(kind)]
        for kind in (ReportsStored, events.EscalationRecorded, events.BulletinPublished,
                     CalendarChanged)
    }  # fmt: skip
    assert names == {
        "ReportsStored": [
            "guatu.projects.subscribers.reports_stored",
            "guatu.notify.subscribers.reports_stored",
        ],
        "EscalationRecorded": ["guatu.notify.subscribers.escalation_recorded"],
        "BulletinPublished": ["guatu.notify.subscribers.bulletin_published"],
        "CalendarChanged": ["guatu.projects.subscribers.calendar_changed"],
    }
