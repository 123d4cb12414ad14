"""Reports: converted or refused units, the reporting rules, and append-only history."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import translation

from guatu.progress.models import ProgressReport
from guatu.progress.selectors import latest_reports, report_history
from guatu.progress.services import report_submit

pytestmark = pytest.mark.django_db
TODAY = date(2019, 11, 15)


@pytest.fixture
def land(make_item):
    """征地 of 126 亩."""
    return make_item("zd", name="外迁征地", quantity_target=Decimal(126), unit="mu")


def submit(item, user, **fields):
    fields.setdefault("reported_on", TODAY)
    return report_submit(work_item=item, reported_by=user, today=TODAY, **fields)


def test_a_report_in_square_metres_is_converted_into_mu(land, users):
    report = submit(land, users["town"], quantity=Decimal(42000), unit="平方米")
    assert report.quantity_done == Decimal("63.0000")  # 42000 × 15 / 10000
    assert report.percent_complete == Decimal("50.00")
    assert (report.quantity_entered, report.unit_entered) == (Decimal(42000), "m2")


def test_a_report_in_households_for_an_item_in_mu_is_refused_in_chinese(land, users):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        submit(land, users["town"], quantity=Decimal(3), unit="户")
    message = raised.value.message_dict["unit"][0]
    assert message == "无法把 3 户 换算为亩：户 计量的是户数，亩 计量的是面积。"
    assert not ProgressReport.objects.exists()


def test_an_unknown_unit_is_refused_with_the_known_ones_listed(land, users):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        submit(land, users["town"], quantity=Decimal(3), unit="斤")
    message = raised.value.message_dict["unit"][0]
    assert "斤" in message and "亩、平方米" in message


def test_every_problem_is_reported_at_once(land, users):
    with pytest.raises(ValidationError) as raised:
        submit(land, users["town"], reported_on=date(2019, 12, 1), quantity=None)
    assert set(raised.value.message_dict) == {"reported_on", "quantity"}


def test_progress_may_not_go_down_without_a_correction(land, users):
    submit(land, users["town"], reported_on=date(2019, 11, 8), quantity=Decimal(60))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        submit(land, users["town"], quantity=Decimal(50))
    assert "倒退" in raised.value.message_dict["quantity"][0]
    assert ProgressReport.objects.count() == 1


def test_above_target_needs_an_explanation(land, users):
    with pytest.raises(ValidationError) as raised:
        submit(land, users["town"], quantity=Decimal(130))
    assert "note" in raised.value.message_dict
    report = submit(land, users["town"], quantity=Decimal(130), note="设计变更增加4亩")
    assert report.percent_complete == Decimal("103.17")


def test_a_correction_supersedes_and_both_stay_in_the_history(land, users):
    wrong = submit(land, users["town"], quantity=Decimal(80))
    with pytest.raises(ValidationError):
        submit(land, users["town"], quantity=Decimal(60), supersedes=wrong)  # no reason
    right = submit(
        land,
        users["town"],
        quantity=Decimal(60),
        supersedes=wrong,
        correction_reason="误将计划数填为完成数",
    )
    assert latest_reports(work_item_ids=[land.pk])[land.pk] == right
    assert list(report_history(work_item_id=land.pk)) == [wrong, right]
    with pytest.raises(ValidationError):
        submit(
            land,
            users["town"],
            quantity=Decimal(61),
            supersedes=wrong,
            correction_reason="再次更正",
        )


def test_an_item_without_a_quantity_reports_a_percentage(make_item, users):
    design = make_item("sj", name="设计")
    report = submit(design, users["town"], percent=Decimal(40))
    assert report.percent_complete == Decimal(40) and report.quantity_done is None


def test_the_database_refuses_to_update_or_delete_a_report(land, users):
    report = submit(land, users["town"], quantity=Decimal(10))
    report.note = "改写历史"
    with pytest.raises(DatabaseError), transaction.atomic():
        report.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        ProgressReport.objects.filter(pk=report.pk).update(percent_complete=99)
    with pytest.raises(DatabaseError), transaction.atomic():
        ProgressReport.objects.filter(pk=report.pk).delete()
    report.refresh_from_db()
    assert report.note == "" and report.percent_complete == Decimal("7.94")
