"""The investment pages' forms: input schemas only (the services judge the rest).

Each field is bounded where it is typed (a year 9999, 1e30 万元, a NUL character are
refused beside their field before a service sees them), and its label is the model's own
``verbose_name`` where there is one, so the page, the admin and the 月报 workbook name a
figure alike.
"""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from guatu.common.bounds import DAY_VALIDATORS
from guatu.common.forms import MultipleFileField
from guatu.core import investment as core
from guatu.investment.models import FUND_SOURCES, SPLIT, InvestmentRuleSet, MonthlyReport
from guatu.investment.services import MAX_MONEY, TEXT_LIMIT, MonthFigures

#: The years a page accepts (``services.plan_set``'s own bounds).
FIRST_YEAR, LAST_YEAR = 2000, 2100
MONTHS = [(month, str(month)) for month in range(1, 13)]
#: How the numbers of a curve or a list of targets may be separated (, ， 、 ; or spaces).
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _verbose(model, name: str):
    return model._meta.get_field(name).verbose_name


def _money(label, *, required: bool = False, minimum: Decimal = -MAX_MONEY) -> forms.DecimalField:
    """An amount in 万元 as MonthlyReport stores it: 14 digits, 2 decimals."""
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=2,
        min_value=minimum,
        max_value=MAX_MONEY,
    )


class DateInput(forms.DateInput):
    """A native date picker; it needs ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _year_field(label=None) -> forms.IntegerField:
    return forms.IntegerField(label=label or _("year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)


def _numbers(text: str) -> list[Decimal]:
    """The numbers written in *text*; raises ValueError on anything that is not one."""
    values = [Decimal(part) for part in _SEPARATORS.split(text.strip()) if part]
    # A share is 0–100: anything else (1e400, 1e999999999) is refused before it is ever
    # made an int or a float, which would overflow or take minutes.
    if any(not value.is_finite() or not 0 <= value <= 100 for value in values):
        raise ValueError(text)
    return values


def _plain(value: Decimal) -> float | int:
    """A share as stored in the rules' JSON: 30, not 30.0."""
    return int(value) if value == value.to_integral_value() else float(value)


def curve_text(curve) -> str:
    """A stored curve as the form shows it: "5, 12, 20, … 100"."""
    return ", ".join(str(_plain(Decimal(str(value)))) for value in curve or [])


def targets_text(targets: dict | tuple) -> str:
    """开工率 targets as the form shows them: "3:30, 6:60, 9:85, 10:100"."""
    pairs = targets.items() if isinstance(targets, dict) else targets
    return ", ".join(
        f"{int(month)}:{_plain(Decimal(str(share)))}"
        for month, share in sorted(pairs, key=lambda p: int(p[0]))
    )


class CurveField(forms.CharField):
    """Twelve cumulative percentages, written in one line; empty: no curve of its own."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault(
            "help_text",
            _(
                "Twelve cumulative percentages, January to December, ending at 100; "
                "empty: the even 序时 (month ÷ 12)."
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return [_plain(number) for number in _numbers(text)]
        except (ArithmeticError, ValueError):
            raise forms.ValidationError(
                _("Write twelve numbers separated by commas, e.g. 5, 12, 20, … 100.")
            ) from None


class MonthlyReportForm(forms.Form):
    """填报本月投资: a month's investment, its split, funds in place and 形象进度."""

    year = _year_field()
    month = forms.TypedChoiceField(label=_("month"), choices=MONTHS, coerce=int)
    amount = _money(_verbose(MonthlyReport, "amount"), required=True)
    construction = _money(_verbose(MonthlyReport, "construction"))
    equipment = _money(_verbose(MonthlyReport, "equipment"))
    other = _money(_verbose(MonthlyReport, "other"))
    fund_central = _money(_verbose(MonthlyReport, "fund_central"), minimum=Decimal(0))
    fund_provincial = _money(_verbose(MonthlyReport, "fund_provincial"), minimum=Decimal(0))
    fund_local = _money(_verbose(MonthlyReport, "fund_local"), minimum=Decimal(0))
    fund_bond = _money(_verbose(MonthlyReport, "fund_bond"), minimum=Decimal(0))
    fund_loan = _money(_verbose(MonthlyReport, "fund_loan"), minimum=Decimal(0))
    fund_self = _money(_verbose(MonthlyReport, "fund_self"), minimum=Decimal(0))
    fund_other = _money(_verbose(MonthlyReport, "fund_other"), minimum=Decimal(0))
    progress_text = forms.CharField(
        label=_verbose(MonthlyReport, "progress_text"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    in_library = forms.BooleanField(label=_verbose(MonthlyReport, "in_library"), required=False)
    in_statistics = forms.BooleanField(
        label=_verbose(MonthlyReport, "in_statistics"), required=False
    )
    confirmation = forms.FileField(
        label=_verbose(MonthlyReport, "confirmation"),
        required=False,
        help_text=_("A PDF or a photo (JPEG, PNG, WebP), at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )
    photos = MultipleFileField(label=_("形象进度 photos"), required=False)
    correction_reason = forms.CharField(
        label=_verbose(MonthlyReport, "correction_reason"),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("Only to correct a month already reported (or returned): say why."),
    )

    def figures(self) -> MonthFigures:
        """The month's figures for ``services.monthly_submit`` (an empty fund: 0)."""
        data = self.cleaned_data
        return MonthFigures(
            amount=data["amount"],
            construction=data.get("construction"),
            equipment=data.get("equipment"),
            other=data.get("other"),
            funds=tuple((name, data.get(name) or Decimal(0)) for name, _label in FUND_SOURCES),
            progress_text=data.get("progress_text", ""),
            in_library=data.get("in_library", False),
            in_statistics=data.get("in_statistics", False),
        )

    #: The fields the template lays out in groups (split, funds).
    split_fields = [name for name, _label in SPLIT]
    fund_fields = [name for name, _label in FUND_SOURCES]


class ReviewForm(forms.Form):
    """同意 or 退回 (with its reason) one monthly report."""

    decision = forms.ChoiceField(
        label=_("decision"), choices=[("approve", _("同意")), ("return", _("退回"))]
    )
    note = forms.CharField(
        label=_("note (the reason, when returned)"), required=False, max_length=TEXT_LIMIT
    )


class ClearForm(forms.Form):
    """Clear one statistics check: why the figure stands."""

    note = forms.CharField(label=_("why the figure stands"), required=False, max_length=TEXT_LIMIT)


class PlanForm(forms.Form):
    """年度投资计划: a project's plan for a year, with its own curve if it has one."""

    year = _year_field()
    amount = _money(_("annual plan (万元)"), required=True, minimum=Decimal(0))
    curve = CurveField(label=_("own plan curve (cumulative % by month)"))


class TargetsField(forms.CharField):
    """开工率 targets as "month:share" pairs: "3:30, 6:60, 9:85, 10:100"."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return {}
        targets: dict[str, float | int] = {}
        for pair in _SEPARATORS.split(text.strip()):
            month, colon, share = pair.replace("：", ":").partition(":")
            try:
                number = Decimal(share) if colon else None
            except ArithmeticError:
                number = None
            if (
                number is None
                or not number.is_finite()
                or not month.isascii()
                or not month.isdigit()
                or not 1 <= int(month) <= 12
                or not 0 <= number <= 100
            ):
                raise forms.ValidationError(
                    _(
                        "“%(pair)s” is not a target: write month:share pairs such as "
                        "3:30, 6:60 (month 1–12, share 0–100)."
                    ),
                    params={"pair": pair[:40]},
                )
            targets[str(int(month))] = _plain(number)
        return targets


class RulesForm(forms.Form):
    """A new version of the city's investment rules, from a date."""

    valid_from = forms.DateField(
        label=_verbose(InvestmentRuleSet, "valid_from"),
        widget=DateInput(),
        validators=DAY_VALIDATORS,
    )
    yellow_gap = forms.DecimalField(
        label=_verbose(InvestmentRuleSet, "yellow_gap"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=1,
    )
    red_gap = forms.DecimalField(
        label=_verbose(InvestmentRuleSet, "red_gap"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=1,
    )
    due_day = forms.IntegerField(
        label=_verbose(InvestmentRuleSet, "due_day"), min_value=1, max_value=28
    )
    curve = CurveField(label=_verbose(InvestmentRuleSet, "curve"))
    start_targets = TargetsField(
        label=_verbose(InvestmentRuleSet, "start_targets"),
        required=False,
        max_length=200,
        help_text=_("Month:share pairs, e.g. 3:30, 6:60, 9:85, 10:100; empty: these defaults."),
    )
    overrun_ratio = forms.DecimalField(
        label=_verbose(InvestmentRuleSet, "overrun_ratio"),
        min_value=1,
        max_value=99,
        max_digits=4,
        decimal_places=2,
    )
    idle_months = forms.IntegerField(
        label=_verbose(InvestmentRuleSet, "idle_months"), min_value=1, max_value=24
    )
    confirmation_above = _money(
        _verbose(InvestmentRuleSet, "confirmation_above"), required=True, minimum=Decimal(0)
    )
    month_share = forms.DecimalField(
        label=_verbose(InvestmentRuleSet, "month_share"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=1,
    )
    score_weight = forms.DecimalField(
        label=_verbose(InvestmentRuleSet, "score_weight"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=4,
        decimal_places=1,
    )
    list_size = forms.IntegerField(
        label=_verbose(InvestmentRuleSet, "list_size"), required=False, min_value=0, max_value=50
    )
    note = forms.CharField(
        label=_verbose(InvestmentRuleSet, "note"), max_length=200, required=False
    )


def rules_initial(row: InvestmentRuleSet | None, today, default_due_day: int) -> dict:
    """The rules form's starting values: the version in force, else the defaults."""
    if row is None:
        defaults = core.InvestmentRules()
        return {
            "valid_from": today,
            "yellow_gap": defaults.yellow_gap,
            "red_gap": defaults.red_gap,
            "due_day": default_due_day,
            "curve": "",
            "start_targets": targets_text(defaults.start_targets),
            "overrun_ratio": defaults.overrun_ratio,
            "idle_months": defaults.idle_months,
            "confirmation_above": defaults.confirmation_above,
            "month_share": defaults.month_share * 100,
            "score_weight": 0,
            "list_size": 3,
        }
    return {
        "valid_from": today,
        "yellow_gap": row.yellow_gap,
        "red_gap": row.red_gap,
        "due_day": row.due_day,
        "curve": curve_text(row.curve),
        "start_targets": targets_text(row.start_targets or core.InvestmentRules().start_targets),
        "overrun_ratio": row.overrun_ratio,
        "idle_months": row.idle_months,
        "confirmation_above": row.confirmation_above,
        "month_share": row.month_share,
        "score_weight": row.score_weight,
        "list_size": row.list_size,
    }
