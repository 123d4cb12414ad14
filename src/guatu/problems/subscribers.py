"""What the problems app does when something happens elsewhere (``ProblemsConfig.ready``)."""

import logging

from guatu.common.scope import scoped_to
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.problems.prework import prework_slips
from guatu.problems.services import problem_reported

log = logging.getLogger(__name__)


def on_blocker_opened(event) -> None:
    """A reported 卡点 starts its life in the 问题清单 (its first step)."""
    problem_reported(event.blocker, actor=event.actor)


def on_risks_warmed(event) -> None:
    """After each of the worker's rounds: the 前期 nodes that slipped become problems."""
    for city in City.everywhere.filter(pk__in=event.city_ids):
        try:
            with scoped_to((city.pk,)):
                prework_slips(city, city_today(city))
        except Exception:  # one city's failure must not stop the others
            log.exception("前期 sweep failed for city %s", city.pk)
