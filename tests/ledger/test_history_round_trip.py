"""Any history of reports, corrections and above-target reviews exports and re-imports unchanged.

A property test: hypothesis writes sequences of reports (some refused by the
rules, which is fine), corrections with reasons, above-target reports and the
office's verdicts on them; the ledger exported afterwards, imported as a dry
run, must change nothing at all.
"""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guatu.ledger.exporting import ledger_workbook
from guatu.ledger.importing import ledger_import
from guatu.progress.models import ProgressReport
from guatu.progress.selectors import reports_in_force
from guatu.progress.services import report_review, report_submit

pytestmark = pytest.mark.django_db
TODAY = date(2019, 11, 15)

step = st.tuples(
    st.sampled_from(["report", "report", "report", "correct", "correct", "above", "review"]),
    st.integers(min_value=0, max_value=20),  # days before today
    st.one_of(st.integers(0, 126), st.integers(127, 200)),  # 亩 (the target is 126)
    st.booleans(),  # which item
)


@pytest.fixture
def ledger_items(city, make_item, users):
    city.status_date = TODAY
    city.save()
    return (
        make_item("zd", name="征地", quantity_target=Decimal(126), unit="mu"),
        make_item("sj", name="设计"),
    )


def apply(step_, items, users) -> None:
    kind, back, amount, second = step_
    item = items[1] if second else items[0]
    day = TODAY - timedelta(days=back)
    figure = (
        {"percent": Decimal(amount) * 100 / 126}
        if item.quantity_target is None
        else {"quantity": Decimal(amount), "unit": "亩" if amount % 2 else "平方米"}
    )
    if "quantity" in figure and figure["unit"] == "平方米":
        figure["quantity"] = Decimal(amount) * 10000 / 15
    common = {"work_item": item, "reported_by": users["town"], "reported_on": day, "today": TODAY}
    in_force = list(reports_in_force(work_item_ids=[item.pk]))
    try:
        if kind == "report":
            report_submit(**common, **figure)
        elif kind == "above":
            report_submit(**common, **figure, above_target=True, note="含临时用地")
        elif kind == "correct" and in_force:
            target = in_force[amount % len(in_force)]
            report_submit(
                **{**common, "reported_on": target.reported_on},
                **figure,
                supersedes=target,
                correction_reason=f"更正{amount}",
                above_target=amount > 126,
                note="更正" if amount > 126 else "",
            )
        elif kind == "review":
            waiting = [r for r in in_force if r.above_target and not hasattr(r, "review")]
            if waiting:
                report_review(
                    actor=users["supervisor"],
                    report=waiting[0],
                    confirm=bool(amount % 2),
                    note="核实",
                )
    except ValidationError:
        pass  # the rules refused it: the history stays as it was


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=3, max_size=14))
def test_an_exported_history_re_imports_as_a_no_op(steps, ledger_items, users, city):
    with transaction.atomic():
        for step_ in steps:
            apply(step_, ledger_items, users)
        stored = ProgressReport.objects.count()
        book = ledger_workbook(city=city)
        result = ledger_import(
            source=io.BytesIO(book),
            name="export.xlsx",
            actor=users["supervisor"],
            city=city,
            dry_run=True,
            today=TODAY,
        )
        assert result.ok, [str(p) for p in result.problems[:5]]
        assert result.progress.counts["created"] == 0
        assert result.progress.counts["updated"] == 0
        written = ledger_import(
            source=io.BytesIO(book),
            name="export.xlsx",
            actor=users["supervisor"],
            city=city,
            today=TODAY,
        )
        assert written.ok and ProgressReport.objects.count() == stored
        transaction.set_rollback(True)
