"""The worker computes the day's risks ahead of the readers."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guatu.org.models import City
from guatu.projects.models import Project
from guatu.risk import services
from guatu.risk.tasks import TASK_PATH, WARM_EVERY, schedule_warm, warm_risks

pytestmark = pytest.mark.django_db


def test_after_the_warm_up_a_page_reads_the_risk_without_computing_it(demo, monkeypatch):
    cache.clear()
    assert warm_risks.call() == 1
    waiting = DBTaskResult.objects.get(task_path=TASK_PATH, status="READY")
    assert waiting.run_after > timezone.now() + WARM_EVERY - timedelta(minutes=1)
    assert not schedule_warm()  # one chain of runs, however many workers start

    def computing(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(services, "project_risk", computing)
    railway = Project.objects.get(code="jintai-railway")
    risk = services.project_risk_cached(railway)
    assert risk is not None and risk.target_probability is not None
    assert services.nodes_at_risk(City.objects.get())  # the dashboard's card, also ready


def test_a_city_that_fails_does_not_stop_the_chain(demo, monkeypatch):
    def broken(city, **kwargs):
        raise RuntimeError("a plan the engine refuses")

    monkeypatch.setattr(services, "city_risks", broken)
    assert warm_risks.call() == 1
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").count() == 1
