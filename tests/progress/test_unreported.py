"""What is still to report this week: the database's first cut (``unreported_items``)
gives exactly what the one rule (``due_items`` over every item) gives."""

from datetime import date

import pytest
from django.db.models import Q

from guatu.org.models import City
from guatu.progress.my_work import (
    due_items,
    units_not_reported,
    units_not_reported_count,
    unreported_items,
    unreported_query,
)
from guatu.progress.status import items_status
from guatu.projects.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("today", [date(2019, 11, 15), date(2019, 11, 20), date(2020, 3, 2)])
def test_the_cut_keeps_exactly_what_the_rule_keeps(demo, today):
    city = City.objects.get()
    every = list(WorkItem.objects.filter(kind=WorkItem.Kind.TASK))
    statuses = items_status(items=every, as_of=today)
    expected = sorted(
        row.item.pk for row in due_items(every, statuses, today) if not row.reported_this_week
    )
    found = sorted(row.item.pk for row in unreported_items(Q(project__city=city), today))
    assert found == expected and expected  # and there is something to report
    # The database's query alone is the rule: what the menu's count reads on every page.
    assert sorted(unreported_query(Q(project__city=city), today).values_list("pk", flat=True)) == (
        expected
    )
    assert units_not_reported_count(city, today) == len(units_not_reported(city, today))
