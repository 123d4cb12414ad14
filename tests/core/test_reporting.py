"""The report rules on plain values: small cases checked by hand."""

from datetime import date
from decimal import Decimal

from guatu.core.reporting import ItemTerms, Prior, check_report

TERMS = ItemTerms(
    today=date(2019, 11, 15),
    project_start=date(2019, 1, 1),
    planned_start=date(2019, 3, 1),
    target=Decimal(126),
    unit="mu",
)
PERCENT_ONLY = ItemTerms(date(2019, 11, 15), date(2019, 1, 1), None, None)


def fields(problems):
    return [problem.field for problem in problems]


def test_square_metres_are_converted_exactly_into_mu():
    figures, problems = check_report(
        TERMS, reported_on=date(2019, 11, 1), quantity=Decimal(42000), unit="平方米"
    )
    assert problems == []
    assert (figures.quantity_done, figures.percent, figures.unit_entered) == (
        Decimal(63),
        Decimal("50.00"),
        "m2",
    )


def test_dates_outside_the_item_and_today_are_refused():
    for day in (date(2019, 11, 16), date(2018, 12, 31), date(2019, 2, 28)):
        _, problems = check_report(TERMS, reported_on=day, quantity=Decimal(1))
        assert fields(problems) == ["reported_on"], day


def test_above_target_needs_the_statement_and_a_reason():
    day = date(2019, 11, 15)
    _, problems = check_report(TERMS, reported_on=day, quantity=Decimal(200))
    assert fields(problems) == ["above_target"]
    _, problems = check_report(TERMS, reported_on=day, quantity=Decimal(200), above_target=True)
    assert fields(problems) == ["note"]
    figures, problems = check_report(
        TERMS, reported_on=day, quantity=Decimal(200), above_target=True, note="临时用地"
    )
    assert problems == [] and figures.above_target and figures.percent == Decimal("158.73")
    _, problems = check_report(TERMS, reported_on=day, quantity=Decimal(100), above_target=True)
    assert fields(problems) == ["above_target"]


def test_a_date_already_reported_only_by_correction():
    stored = Prior(date(2019, 11, 8), Decimal(40), key=1)
    day = date(2019, 11, 8)
    _, problems = check_report(TERMS, reported_on=day, quantity=Decimal(60), record=[stored])
    assert fields(problems) == ["reported_on"]
    _, problems = check_report(
        TERMS, reported_on=day, quantity=Decimal(30), record=[stored], corrects=stored
    )
    assert fields(problems) == ["correction_reason"]
    _, problems = check_report(
        TERMS,
        reported_on=day,
        quantity=Decimal(30),
        record=[stored],
        corrects=stored,
        correction_reason="笔误",
    )
    assert problems == []


def test_progress_never_goes_down_either_way_in_time():
    record = [
        Prior(date(2019, 11, 1), Decimal(40), key=1),
        Prior(date(2019, 11, 8), Decimal(50), key=2),
    ]
    _, problems = check_report(
        TERMS, reported_on=date(2019, 11, 15), quantity=Decimal(40), record=record
    )
    assert fields(problems) == ["quantity"]  # 31.75 % after 50 %
    _, problems = check_report(
        TERMS, reported_on=date(2019, 11, 5), quantity=Decimal(70), record=record
    )
    assert fields(problems) == ["quantity"]  # 55.56 % before a later 50 %
    _, problems = check_report(
        TERMS, reported_on=date(2019, 11, 5), quantity=Decimal(55), record=record
    )
    assert problems == []


def test_a_report_that_does_not_count_is_no_floor():
    flagged = Prior(date(2019, 11, 8), Decimal(158), counts=False, key=1)
    _, problems = check_report(
        TERMS, reported_on=date(2019, 11, 15), quantity=Decimal(92), record=[flagged]
    )
    assert problems == []


def test_an_item_without_target_takes_a_percentage_only():
    _, problems = check_report(PERCENT_ONLY, reported_on=date(2019, 11, 1), quantity=Decimal(3))
    assert fields(problems) == ["percent"]
    figures, problems = check_report(
        PERCENT_ONLY, reported_on=date(2019, 11, 1), percent=Decimal("33.333")
    )
    assert problems == [] and figures.percent == Decimal("33.33")
