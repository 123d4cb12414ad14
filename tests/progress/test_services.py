"""Reports: converted or refused units, the reporting rules, and append-only history."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import translation

from guatu.progress.models import ProgressReport
from guatu.progress.selectors import latest_reports, report_history, reports_awaiting_review
from guatu.progress.services import report_review, report_submit
from guatu.progress.status import items_status

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


def test_above_target_is_refused_unless_stated_and_explained(land, users):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        submit(land, users["town"], quantity=Decimal(200))
    assert "超出目标" in raised.value.message_dict["above_target"][0]
    with pytest.raises(ValidationError) as raised:
        submit(land, users["town"], quantity=Decimal(130), above_target=True)
    assert "note" in raised.value.message_dict
    assert not ProgressReport.objects.exists()
    report = submit(land, users["town"], quantity=Decimal(130), above_target=True, note="设计变更")
    assert report.percent_complete == Decimal("103.17") and report.above_target


def test_a_report_above_target_does_not_count_until_the_office_confirms_it(land, users):
    """The seen bug: 200 亩 on a 126 亩 item turned the light to 完成 and blocked 92 亩."""
    submit(land, users["town"], reported_on=date(2019, 11, 8), quantity=Decimal(80))
    flagged = submit(
        land,
        users["town"],
        reported_on=date(2019, 11, 12),
        quantity=Decimal(200),
        above_target=True,
        note="含临时用地",
    )
    assert items_status(items=[land], as_of=TODAY)[land.pk].light != "done"
    assert latest_reports(work_item_ids=[land.pk])[land.pk].quantity_done == Decimal(80)
    assert list(reports_awaiting_review()) == [flagged]
    # The true figure on a later date is not "going down": the flagged one does not count.
    true = submit(land, users["town"], quantity=Decimal(92))
    assert latest_reports(work_item_ids=[land.pk])[land.pk] == true
    with pytest.raises(PermissionDenied):
        report_review(actor=users["town"], report=flagged, confirm=True)
    report_review(actor=users["supervisor"], report=flagged, confirm=False, note="临时用地不计入")
    assert not reports_awaiting_review().exists()
    assert latest_reports(work_item_ids=[land.pk])[land.pk] == true


def test_a_confirmed_report_above_target_counts_as_done(land, users):
    flagged = submit(land, users["town"], quantity=Decimal(130), above_target=True, note="变更")
    report_review(actor=users["supervisor"], report=flagged, confirm=True)
    assert items_status(items=[land], as_of=TODAY)[land.pk].light == "done"
    with pytest.raises(ValidationError):
        report_review(actor=users["supervisor"], report=flagged, confirm=False, note="再审")


def test_a_second_report_on_the_same_date_must_be_a_correction(land, users):
    first = submit(land, users["town"], quantity=Decimal(60))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        submit(land, users["town"], quantity=Decimal(70))
    assert "更正" in raised.value.message_dict["reported_on"][0]
    second = submit(
        land, users["town"], quantity=Decimal(70), supersedes=first, correction_reason="漏报"
    )
    assert latest_reports(work_item_ids=[land.pk])[land.pk] == second


def test_a_backdated_report_above_a_later_one_is_refused(land, users):
    submit(land, users["town"], reported_on=date(2019, 11, 14), quantity=Decimal(60))
    with pytest.raises(ValidationError) as raised:
        submit(land, users["town"], reported_on=date(2019, 11, 10), quantity=Decimal(70))
    assert "quantity" in raised.value.message_dict


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


def test_a_review_reads_as_words_not_codes(land, users):
    """Admin lists and the audit show a review by its report and its verdict in Chinese."""
    from django.utils import translation

    flagged = submit(land, users["town"], quantity=Decimal(130), above_target=True, note="变更")
    review = report_review(actor=users["supervisor"], report=flagged, confirm=True)
    with translation.override("zh-hans"):
        text = str(review)
    assert "外迁征地" in text and "confirmed" not in text and text.endswith("已确认")
