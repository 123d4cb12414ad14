"""The rules every progress report obeys, whichever path brings it.

The report form, the API and the ledger import all hand their input here and
store what comes back, so the same figure gets the same result — or the same
message — on every path. The record a report joins is passed in as plain
values (the item's terms and the reports already in force); nothing here
touches a database.

The rules:

- the date is not after the city's data date, nor before the project's start
  or the item's planned start;
- an item with a quantity target is reported as a cumulative quantity (in any
  unit of the same dimension, converted exactly) or as a percentage of it;
  one without, as a percentage; nothing negative;
- above the target (over 100 %) only when the reporter says so and explains
  it in the note: such a report is flagged 超目标待核实 and counts only once
  the supervision office confirms it;
- progress never goes down from one date to the next, and a date already
  reported is not reported again, except by a correction that names the
  report it replaces and gives its reason.

>>> from datetime import date
>>> terms = ItemTerms(today=date(2019, 11, 15), project_start=date(2019, 1, 1),
...                   planned_start=None, target=Decimal(126), unit="mu")
>>> report, problems = check_report(terms, reported_on=date(2019, 11, 15),
...                                 quantity=Decimal(63))
>>> report.percent, problems
(Decimal('50.00'), [])
>>> figures, problems = check_report(terms, reported_on=date(2019, 11, 15),
...                                  quantity=Decimal(200))
>>> figures.percent, problems[0].field
(Decimal('158.73'), 'above_target')
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from guatu.core.errors import CoreError, UnitError
from guatu.core.i18n import gettext_noop
from guatu.core.units import convert, parse_unit

__all__ = [
    "ItemTerms",
    "Prior",
    "ReportError",
    "ReportFigures",
    "check_report",
    "percent_of",
]

HUNDRED = Decimal(100)
PERCENT_STEP = Decimal("0.01")
QUANTITY_STEP = Decimal("0.0001")


class ReportError(CoreError):
    """One broken rule, on the field the reporter must change."""

    def __init__(self, field: str, template: str, **params) -> None:
        self.field = field
        super().__init__(template, **params)


@dataclass(frozen=True, slots=True)
class ItemTerms:
    """What a report on one work item is judged against."""

    today: date
    project_start: date
    planned_start: date | None
    target: Decimal | None
    #: The item's unit code ("" when it has no quantity target).
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Prior:
    """A report already in the record and in force (not superseded)."""

    reported_on: date
    percent: Decimal
    #: Whether it counts for progress (an above-target report counts once confirmed).
    counts: bool = True
    key: object = None


@dataclass(frozen=True, slots=True)
class ReportFigures:
    """What is stored for a report that passes every rule."""

    quantity_done: Decimal | None
    quantity_entered: Decimal | None
    unit_entered: str
    percent: Decimal
    above_target: bool


def percent_of(done: Decimal, target: Decimal) -> Decimal:
    """Return *done* as a percentage of *target*, to the hundredth (banker's rounding)."""
    return (done * HUNDRED / target).quantize(PERCENT_STEP, rounding=ROUND_HALF_EVEN)


def check_report(
    terms: ItemTerms,
    *,
    reported_on: date | None,
    quantity: Decimal | None = None,
    unit: str = "",
    percent: Decimal | None = None,
    note: str = "",
    above_target: bool = False,
    corrects: Prior | None = None,
    correction_reason: str = "",
    record: Sequence[Prior] = (),
) -> tuple[ReportFigures | None, list[ReportError]]:
    """Judge one report; return its figures and every problem found.

    The report may be stored only if there is no problem. The figures are
    returned whenever the amount could be worked out (None otherwise), so a
    caller can tell a re-read of what is stored from a change.
    *record* holds the item's reports in force; *corrects* is the one this
    report replaces, if it is a correction (it must be in *record*).
    """
    problems: list[ReportError] = []
    if reported_on is not None:
        problems += _date_problems(terms, reported_on)
    # Against the record only a date that can stand: a wrong date's comparisons are noise.
    compare = reported_on is not None and not problems
    figures = _figures(terms, quantity, unit, percent, problems)
    if corrects is not None and not correction_reason.strip():
        problems.append(
            ReportError("correction_reason", gettext_noop("A correction must give its reason."))
        )
    if figures is not None and figures.percent > HUNDRED:
        if not above_target:
            problems.append(
                ReportError(
                    "above_target",
                    gettext_noop(
                        "%(percent)s%% is above the target: check the figure, or state that "
                        "the work went beyond the target and explain why in the note."
                    ),
                    percent=figures.percent,
                )
            )
        elif not note.strip():
            problems.append(
                ReportError(
                    "note",
                    gettext_noop("%(percent)s%% is above the target: explain why in the note."),
                    percent=figures.percent,
                )
            )
    elif figures is not None and above_target:
        problems.append(
            ReportError(
                "above_target",
                gettext_noop(
                    "%(percent)s%% is not above the target: do not mark the report as above it."
                ),
                percent=figures.percent,
            )
        )
    if figures is not None and compare:
        field = "quantity" if terms.target is not None else "percent"
        problems += _record_problems(reported_on, figures.percent, corrects, record, field)
    return figures, problems


def _date_problems(terms: ItemTerms, day: date) -> list[ReportError]:
    if day > terms.today:
        return [
            ReportError(
                "reported_on",
                gettext_noop("The date %(date)s is after today (%(today)s)."),
                date=day.isoformat(),
                today=terms.today.isoformat(),
            )
        ]
    if day < terms.project_start:
        return [
            ReportError(
                "reported_on",
                gettext_noop("The date %(date)s is before the project started (%(start)s)."),
                date=day.isoformat(),
                start=terms.project_start.isoformat(),
            )
        ]
    if terms.planned_start is not None and day < terms.planned_start:
        return [
            ReportError(
                "reported_on",
                gettext_noop(
                    "The date %(date)s is before the work item's planned start (%(start)s)."
                ),
                date=day.isoformat(),
                start=terms.planned_start.isoformat(),
            )
        ]
    return []


def _figures(
    terms: ItemTerms,
    quantity: Decimal | None,
    unit: str,
    percent: Decimal | None,
    problems: list[ReportError],
) -> ReportFigures | None:
    """Turn what was entered into stored figures, or add the problem and return None."""
    if percent is not None and not isinstance(percent, Decimal):
        percent = Decimal(str(percent))
    if quantity is not None and not isinstance(quantity, Decimal):
        quantity = Decimal(str(quantity))
    if percent is not None and percent < 0:
        problems.append(ReportError("percent", gettext_noop("A percentage cannot be negative.")))
        return None
    if terms.target is None:
        if quantity is not None and percent is None:
            problems.append(
                ReportError(
                    "percent",
                    gettext_noop(
                        "This work item has no quantity target: report the percentage complete."
                    ),
                )
            )
            return None
        if percent is None:
            problems.append(ReportError("percent", gettext_noop("Enter the percentage complete.")))
            return None
        percent = percent.quantize(PERCENT_STEP, rounding=ROUND_HALF_EVEN)
        return ReportFigures(None, None, "", percent, percent > HUNDRED)
    if quantity is None:
        if percent is None:
            problems.append(
                ReportError("quantity", gettext_noop("Enter the cumulative quantity done."))
            )
            return None
        done = (terms.target * percent / HUNDRED).quantize(QUANTITY_STEP, ROUND_HALF_EVEN)
        percent = percent.quantize(PERCENT_STEP, rounding=ROUND_HALF_EVEN)
        return ReportFigures(done, None, "", percent, percent > HUNDRED)
    if quantity < 0:
        problems.append(ReportError("quantity", gettext_noop("A quantity cannot be negative.")))
        return None
    try:
        source = parse_unit(unit or terms.unit)
        done = convert(quantity, source, terms.unit)
    except UnitError as error:
        problems.append(ReportError("unit", error.template, **error.params))
        return None
    percent = percent_of(done, terms.target)
    return ReportFigures(done, quantity, source.code, percent, percent > HUNDRED)


def _record_problems(
    day: date, percent: Decimal, corrects: Prior | None, record: Sequence[Prior], field: str
) -> list[ReportError]:
    """The rules that depend on the reports already in force."""
    others = [prior for prior in record if corrects is None or prior.key != corrects.key]
    same_day = [prior for prior in others if prior.reported_on == day]
    if same_day:
        return [
            ReportError(
                "reported_on",
                gettext_noop(
                    "%(date)s has already been reported (%(percent)s%%): to change it, "
                    "correct that report and give the reason."
                ),
                date=day.isoformat(),
                percent=same_day[-1].percent,
            )
        ]
    if corrects is not None:
        # A correction may put the figure anywhere: that is what corrections are for.
        return []
    counted = [prior for prior in others if prior.counts]
    before = [prior for prior in counted if prior.reported_on < day]
    if before:
        latest = max(before, key=lambda prior: (prior.percent, prior.reported_on))
        if percent < latest.percent:
            return [
                ReportError(
                    field,
                    gettext_noop(
                        "Progress cannot go down (%(new)s%% after %(old)s%% on %(date)s) "
                        "unless it corrects an earlier report."
                    ),
                    new=percent,
                    old=latest.percent,
                    date=latest.reported_on.isoformat(),
                )
            ]
    after = [prior for prior in counted if prior.reported_on > day]
    if after:
        lowest = min(after, key=lambda prior: (prior.percent, prior.reported_on))
        if percent > lowest.percent:
            return [
                ReportError(
                    field,
                    gettext_noop(
                        "%(new)s%% is more than the %(old)s%% reported later, on %(date)s: "
                        "progress cannot go down unless it corrects an earlier report."
                    ),
                    new=percent,
                    old=lowest.percent,
                    date=lowest.reported_on.isoformat(),
                )
            ]
    return []
