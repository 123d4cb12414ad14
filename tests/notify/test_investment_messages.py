"""投资调度 as a chain of people: each step reaches the next one's inbox and 待办."""

from datetime import date
from decimal import Decimal

import pytest

from guatu.investment.services import (
    MonthFigures,
    flag_clear,
    monthly_review,
    monthly_submit,
    plan_set,
)
from guatu.notify.investment import investment_reminders
from guatu.notify.models import Notice
from guatu.notify.todo import todo
from tests.office import office

TODAY = date(2019, 11, 15)


@pytest.fixture
def invested(city, project, towns):
    city.status_date = TODAY
    city.save()
    project.responsible_town = towns["石柱镇"]
    project.save()
    plan_set(actor=office(), project=project, year=2019, amount=Decimal(1200))
    return project


def kinds(user, city, today=TODAY) -> dict[str, int]:
    return {entry.kind: entry.count for entry in todo(user, city, today)}


def test_report_review_return_correct_approve(city, users, invested):
    town, supervisor = users["town"], users["supervisor"]
    assert kinds(town, city)["investment_to_report"] == 1
    report = monthly_submit(
        actor=town, project=invested, year=2019, month=10, today=TODAY,
        figures=MonthFigures(amount=Decimal(700), in_library=True),
    )  # fmt: skip
    assert "investment_to_report" not in kinds(town, city)
    # The office hears of it, with the check it raised (above half the plan).
    asked = Notice.objects.get(recipient=supervisor, event=f"investment:{report.pk}")
    assert "2019年10月" in asked.title and "50%" in asked.body
    office_todo = kinds(supervisor, city)
    assert office_todo["investment_review"] == 1 and office_todo["investment_checks"] == 1
    # Returned with a reason: the unit hears it and has it to correct.
    monthly_review(actor=supervisor, report=report, approve=False, note="请核对统计口径")
    asked.refresh_from_db()
    assert asked.read_at is not None
    told = Notice.objects.get(recipient=town, event=f"investment-reviewed:{report.pk}")
    assert "退回" in told.title and "请核对统计口径" in told.body
    assert kinds(town, city)["investment_returned"] == 1
    assert "investment_review" not in kinds(supervisor, city)
    assert "investment_checks" not in kinds(supervisor, city)  # a returned month's checks wait
    # The correction goes back to the office.
    fixed = monthly_submit(
        actor=town, project=invested, year=2019, month=10, today=TODAY,
        figures=MonthFigures(amount=Decimal(300), in_library=True),
        supersedes=report, correction_reason="按统计口径核减",
    )  # fmt: skip
    assert "investment_returned" not in kinds(town, city)
    told.refresh_from_db()
    assert told.read_at is not None  # the 退回 is answered by the correction
    assert kinds(supervisor, city)["investment_review"] == 1
    assert "按统计口径核减" in Notice.objects.get(event=f"investment:{fixed.pk}").body
    for flag in fixed.flags.all():
        flag_clear(actor=supervisor, flag=flag, note="属实")
    monthly_review(actor=supervisor, report=fixed, approve=True)
    told = Notice.objects.get(recipient=town, event=f"investment-reviewed:{fixed.pk}")
    assert "同意" in told.title
    assert "investment_review" not in kinds(supervisor, city)


def test_reminders_before_the_due_day_and_overdue_after(city, users, invested):
    town, supervisor = users["town"], users["supervisor"]
    assert investment_reminders(city, today=date(2019, 11, 2)) == 0  # not yet
    assert investment_reminders(city, today=date(2019, 11, 3)) >= 1  # two days before the 5th
    assert investment_reminders(city, today=date(2019, 11, 3)) == 0  # once
    reminded = Notice.objects.get(recipient=town, event__startswith="investment-remind:")
    assert invested.name in reminded.body and "2019-11-05" in reminded.body
    assert investment_reminders(city, today=date(2019, 11, 5)) >= 1  # on the day
    assert "investment_overdue" not in kinds(supervisor, city, date(2019, 11, 5))
    assert kinds(supervisor, city, date(2019, 11, 6))["investment_overdue"] == 1
    # Another town's official hears nothing of it.
    assert not Notice.objects.filter(
        recipient__town__name="前仓镇", event__startswith="investment-remind:"
    ).exists()


def test_the_unit_answering_for_the_project_hears_the_outcome_whoever_reported(
    city, users, invested
):
    supervisor, town = users["supervisor"], users["town"]
    report = monthly_submit(
        actor=supervisor, project=invested, year=2019, month=10, today=TODAY,
        figures=MonthFigures(amount=Decimal(100), in_library=True),
    )  # fmt: skip
    monthly_review(actor=supervisor, report=report, approve=False, note="请镇里核实")
    told = Notice.objects.get(recipient=town, event=f"investment-reviewed:{report.pk}")
    assert "请镇里核实" in told.body
    assert not Notice.objects.filter(recipient=supervisor, event__startswith="investment-reviewed")
    assert kinds(town, city)["investment_returned"] == 1
    # The lead department does not answer for a town's project: not in its 待办.
    assert "investment_returned" not in kinds(users["department"], city)
