"""Progress weighted by planned value: one computation in the read model, read by the bulletin."""

from datetime import date
from decimal import Decimal

import pytest

from guatu.core.periods import parse_period
from guatu.progress.overview import progress_overview
from guatu.progress.services import report_submit
from guatu.supervision.bulletins import bulletin_content

pytestmark = pytest.mark.django_db
TODAY = date(2016, 7, 8)  # the eighth day of items that all start on 1 July


@pytest.fixture
def reported(city, users, make_item):
    city.status_date = TODAY
    city.save()
    # 10, 20 and 5 days (calendar days, the default): 80 %, 40 % and 100 % planned by today.
    # The third has no planned value and weighs the average of the others (200 万元).
    a = make_item("a", duration_days=10, planned_value=Decimal(300))
    b = make_item("b", duration_days=20, planned_value=Decimal(100))
    make_item("c", duration_days=5)
    for item, percent in ((a, 50), (b, 100)):
        report_submit(
            work_item=item,
            reported_by=users["town"],
            reported_on=TODAY,
            percent=Decimal(percent),
            today=TODAY,
        )
    return city


def test_weighted_progress_by_hand(reported):
    progress = progress_overview(city=reported).progress
    assert progress.planned == (80 * 300 + 40 * 100 + 100 * 200) / 600  # 80.0
    assert progress.actual == round((50 * 300 + 100 * 100 + 0 * 200) / 600, 1)  # 41.7


def test_the_bulletin_and_its_curve_read_the_overview_s_figures(reported):
    content = bulletin_content(city=reported, period=parse_period("2016-W27"))
    progress = progress_overview(city=reported).progress
    assert (content.weighted_planned, content.weighted_actual) == progress == (80.0, 41.7)
    (curve,) = content.curves
    today = curve["points"][-1]
    assert today["date"] == TODAY.isoformat()
    assert (today["planned"], today["actual"]) == progress
