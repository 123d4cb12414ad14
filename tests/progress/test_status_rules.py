"""Versioned thresholds: a change applies from its date; past lights stay as they were."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from guatu.accounts.models import User
from guatu.org.models import City
from guatu.progress.models import StatusRuleSet
from guatu.progress.services import status_rules_change
from guatu.progress.status import items_status
from guatu.projects.models import WorkItem

pytestmark = pytest.mark.django_db


def light_of(item: WorkItem, on: date) -> str:
    return items_status(items=[item], as_of=on)[item.pk].light


def test_a_change_of_thresholds_leaves_past_lights_as_they_were(demo):
    city = City.objects.get()
    supervisor = User.objects.get(username="supervisor")
    item = WorkItem.objects.get(project__code="jintai-railway", code="zx-tj-3")  # lag 14.9
    past = date(2019, 11, 8)
    before_past, before_today = light_of(item, past), light_of(item, date(2019, 11, 15))
    assert before_today == "yellow"
    status_rules_change(
        actor=supervisor, city=city, yellow_lag=Decimal(5), red_lag=Decimal(12), note="从严"
    )
    assert light_of(item, date(2019, 11, 15)) == "red"
    assert light_of(item, past) == before_past
    assert StatusRuleSet.objects.filter(city=city).count() == 2


def test_rules_cannot_be_rewritten_for_the_past_nor_by_others(demo):
    city = City.objects.get()
    with pytest.raises(ValidationError):
        status_rules_change(
            actor=User.objects.get(username="supervisor"),
            city=city,
            yellow_lag=Decimal(5),
            red_lag=Decimal(12),
            valid_from=date(2019, 11, 1),
        )
    with pytest.raises(PermissionDenied):
        status_rules_change(
            actor=User.objects.get(username="town_shizhu"),
            city=city,
            yellow_lag=Decimal(50),
            red_lag=Decimal(90),
        )
    with pytest.raises(ValidationError):
        status_rules_change(
            actor=User.objects.get(username="supervisor"),
            city=city,
            yellow_lag=Decimal(20),
            red_lag=Decimal(10),
        )


def test_the_rules_page(demo):
    supervisor = Client()
    supervisor.force_login(User.objects.get(username="supervisor"))
    assert "亮灯规则" in supervisor.get("/rules/").text
    response = supervisor.post(
        "/rules/",
        {"yellow_lag": "8", "red_lag": "25", "window_days": "21", "valid_from": "2019-11-15"},
    )
    assert response.status_code == 302
    assert StatusRuleSet.objects.latest("version").red_lag == Decimal(25)
    town = Client()
    town.force_login(User.objects.get(username="town_shizhu"))
    assert (
        town.post(
            "/rules/",
            {"yellow_lag": "50", "red_lag": "90", "window_days": "21", "valid_from": "2019-11-15"},
        ).status_code
        == 403
    )
