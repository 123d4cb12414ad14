"""Monthly investment reports: who may write, once a month, corrections, checks, reviews."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from guatu.core.investment import Check
from guatu.investment.models import MonthlyReport
from guatu.investment.selectors import city_standing
from guatu.investment.services import (
    MonthFigures,
    flag_clear,
    monthly_review,
    monthly_submit,
    plan_set,
    rules_change,
)
from tests.investment.conftest import TODAY, figures


def submit(user, project, month, amount, **kwargs):
    return monthly_submit(
        actor=user,
        project=project,
        year=2019,
        month=month,
        figures=kwargs.pop("figs", None) or figures(amount),
        today=TODAY,
        **kwargs,
    )


def test_role_rules(invested, users, departments):
    # The responsible town and the lead department report; a leader does not.
    submit(users["town"], invested, 1, 800)
    submit(users["department"], invested, 2, 900)
    with pytest.raises(PermissionDenied):
        submit(users["leader"], invested, 3, 100)
    other = users["department"]
    other.department = departments["自然资源局"]
    other.save()
    with pytest.raises(PermissionDenied):
        submit(other, invested, 3, 100)
    # Only the office reviews.
    report = MonthlyReport.objects.get(month=1)
    with pytest.raises(PermissionDenied):
        monthly_review(actor=users["town"], report=report, approve=True)
    with pytest.raises(PermissionDenied):
        plan_set(actor=users["town"], project=invested, year=2019, amount=Decimal(1))


def test_once_a_month_then_corrections(invested, users):
    first = submit(users["town"], invested, 1, 800)
    with pytest.raises(ValidationError) as refused:
        submit(users["town"], invested, 1, 900)
    assert "month" in refused.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        submit(users["town"], invested, 1, 900, supersedes=first)
    assert "correction_reason" in no_reason.value.message_dict
    second = submit(users["town"], invested, 1, 900, supersedes=first, correction_reason="漏报")
    with pytest.raises(ValidationError):  # the old one is no longer the one in force
        submit(users["town"], invested, 1, 950, supersedes=first, correction_reason="再改")
    assert city_standing(invested.city, 2019, 1).total.done == 900
    assert second.supersedes_id == first.pk


def test_history_is_append_only(invested, users):
    report = submit(users["town"], invested, 1, 800)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.filter(pk=report.pk).update(amount=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.filter(pk=report.pk).delete()


def test_a_month_not_over_and_bad_figures(invested, users):
    with pytest.raises(ValidationError) as refused:
        submit(users["town"], invested, 11, 100)
    assert "month" in refused.value.message_dict
    with pytest.raises(ValidationError) as split:
        submit(
            users["town"],
            invested,
            1,
            0,
            figs=figures(100, construction=Decimal(60), equipment=Decimal(30)),
        )
    assert "amount" in split.value.message_dict
    with pytest.raises(ValidationError) as huge:
        submit(users["town"], invested, 1, 0, figs=figures("1e30"))
    assert "amount" in huge.value.message_dict
    with pytest.raises(ValidationError) as fund:
        submit(users["town"], invested, 1, 0, figs=figures(5, funds=(("fund_bond", Decimal(-1)),)))
    assert "fund_bond" in fund.value.message_dict
    assert not MonthlyReport.objects.exists()


def test_a_flag_blocks_approval_until_cleared(invested, users):
    report = submit(users["town"], invested, 1, 7000)  # above half the year's plan
    first, flag = report.flags.all()  # and above 1,000 万 without a 形象进度确认单
    assert (first.check_code, flag.check_code) == (Check.NO_CONFIRMATION, Check.MONTH_SHARE)
    flag_clear(actor=users["supervisor"], flag=first, note="确认单已线下报送")
    with pytest.raises(ValidationError):
        monthly_review(actor=users["supervisor"], report=report, approve=True)
    with pytest.raises(ValidationError):
        flag_clear(actor=users["supervisor"], flag=flag, note=" ")
    with pytest.raises(PermissionDenied):
        flag_clear(actor=users["town"], flag=flag, note="设备一次性到货")
    flag_clear(actor=users["supervisor"], flag=flag, note="设备一次性到货")
    review = monthly_review(actor=users["supervisor"], report=report, approve=True)
    assert review.decision == "approved"
    with pytest.raises(ValidationError):  # once
        monthly_review(actor=users["supervisor"], report=report, approve=False, note="x")


def test_each_stored_check(invested, users):
    months = {1: 0, 2: 0, 3: 0}
    reports = {m: submit(users["town"], invested, m, a) for m, a in months.items()}
    assert [f.check_code for f in reports[3].flags.all()] == [Check.IDLE]
    assert not reports[2].flags.exists()
    neg = submit(users["town"], invested, 4, -10)
    assert {f.check_code for f in neg.flags.all()} == {Check.NEGATIVE}
    lib = submit(users["town"], invested, 5, 10, figs=not_in_library(50))
    assert Check.NOT_IN_LIBRARY in {f.check_code for f in lib.flags.all()}


def not_in_library(amount) -> MonthFigures:
    return MonthFigures(amount=Decimal(amount), in_library=False)


def test_returned_stops_counting_and_is_corrected(invested, users):
    report = submit(users["town"], invested, 1, 800)
    with pytest.raises(ValidationError):
        monthly_review(actor=users["supervisor"], report=report, approve=False, note="")
    monthly_review(actor=users["supervisor"], report=report, approve=False, note="与统计局数据不符")
    assert city_standing(invested.city, 2019, 1).total.done == 0
    submit(users["town"], invested, 1, 760, supersedes=report, correction_reason="按统计口径核减")
    assert city_standing(invested.city, 2019, 1).total.done == 760


def test_rules_are_versioned_and_never_for_the_past(invested, users, city):
    with pytest.raises(ValidationError):
        rules_change(actor=users["supervisor"], city=city, valid_from=TODAY.replace(year=2000))
    with pytest.raises(PermissionDenied):
        rules_change(actor=users["town"], city=city)
    first = rules_change(actor=users["supervisor"], city=city, month_share=Decimal(90))
    second = rules_change(actor=users["supervisor"], city=city, month_share=Decimal(95))
    assert (first.version, second.version) == (1, 2)
    with pytest.raises(ValidationError):
        rules_change(actor=users["supervisor"], city=city, curve=[10] * 12)


def test_a_project_reporting_without_a_plan_is_named_not_summed(invested, users, city, departments):
    from datetime import date

    from guatu.projects.models import Project

    other = Project.objects.create(
        city=city, code="noplan", name="无计划项目", start_date=date(2019, 1, 1),
        owner_department=departments["交通局"],
    )  # fmt: skip
    submit(users["supervisor"], other, 1, 300)
    submit(users["town"], invested, 1, 800)
    standing = city_standing(city, 2019, 1)
    assert standing.total.done == 800 and [p.code for p in standing.unplanned] == ["noplan"]


def test_checks_read_only_what_counts_and_look_back_across_the_year(invested, users):
    """A returned January counted in February's year total (缺确认单 on 9,100 of which the
    page showed 100); and three empty months over New Year raised nothing."""
    january = submit(users["town"], invested, 1, 9000)
    monthly_review(actor=users["supervisor"], report=january, approve=False, note="数据有误")
    february = submit(users["town"], invested, 2, 100)
    assert Check.NO_CONFIRMATION not in {f.check_code for f in february.flags.all()}
    assert Check.IDLE not in {f.check_code for f in february.flags.all()}


def test_idle_months_run_across_new_year(invested, users):
    for month, amount in ((10, 50), (11, 0), (12, 0)):
        monthly_submit(
            actor=users["town"], project=invested, year=2018, month=month,
            figures=figures(amount), today=TODAY,
        )  # fmt: skip
    january = submit(users["town"], invested, 1, 0)
    assert Check.IDLE in {f.check_code for f in january.flags.all()}  # Nov, Dec, Jan
