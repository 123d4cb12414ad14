"""Small pieces of markup used on every row of long tables, as Python, not includes.

A 2,000-item wall chart table renders each of these thousands of times; an
``{% include %}`` per cell costs more than the rest of the page.
"""

from decimal import ROUND_HALF_EVEN, Decimal

from django import template
from django.utils.html import format_html

from guatu.core.periods import period_label
from guatu.progress.labels import (
    change_label,
    flag_label,
    light_label,
    reason_label,
    review_label,
)
from guatu.progress.selectors import blocker_overdue, review_state

register = template.Library()
FLAG_CLASSES = {"done_on_time": "flag-red", "done_late": "flag-late", "overdue": "flag-black"}


@register.simple_tag
def light_badge(light: str, reason: str = "") -> str:
    """The coloured badge of a light, its reason as the tooltip."""
    if not light:
        return ""
    return format_html(
        '<span class="light light-{}" title="{}">{}</span>',
        light,
        reason_label(reason),
        light_label(light),
    )


@register.simple_tag
def reason_text(reason: str) -> str:
    return reason_label(reason)


@register.simple_tag
def node_flag(flag: str) -> str:
    """The wall chart's flag of a time node: red on time, orange late, black overdue."""
    if flag not in FLAG_CLASSES:
        return ""
    text = flag_label(flag)
    return format_html(
        '<span class="flag {}" title="{}">⚑ {}</span>', FLAG_CLASSES[flag], text, text
    )


@register.filter
def overdue(blocker, today) -> bool:
    """Whether a blocker is overdue at *today* (``progress.selectors.blocker_overdue``)."""
    return blocker_overdue(blocker, today=today)


@register.simple_tag
def review_badge(report) -> str:
    """超目标待核实 / 已确认 / 不予认定 for a report above its target; nothing otherwise."""
    state = review_state(report)
    if state is None:
        return ""
    return format_html('<span class="review review-{}">{}</span>', state, review_label(state))


@register.filter
def quantity(value) -> str:
    """A stored quantity as people write it: at most two decimals, no trailing zeros."""
    if value is None:
        return ""
    rounded = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN).normalize()
    return f"{rounded:f}"


@register.simple_tag
def change_text(change) -> str:
    return change_label(change)


@register.filter
def period(key: str) -> str:
    """A period's key (2019-W46) as people name it (2019年第46周)."""
    return period_label(key)
