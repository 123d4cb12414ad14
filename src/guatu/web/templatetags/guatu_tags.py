"""Small pieces of markup used on every row of long tables, as Python, not includes.

A 2,000-item wall chart table renders each of these thousands of times; an
``{% include %}`` per cell costs more than the rest of the page.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def _light_names() -> dict[str, str]:
    return {
        "green": _("green"),
        "yellow": _("yellow"),
        "red": _("red"),
        "done": _("done"),
        "not_started": _("not started"),
    }


def _reason_names() -> dict[str, str]:
    return {
        "overdue": _("past its late finish and not done"),
        "lag_red": _("behind plan beyond the red line"),
        "lag_yellow": _("behind plan beyond the yellow line"),
        "forecast": _("early warning: at the recent pace it will finish after its late finish"),
        "on_track": _("on track"),
        "done": _("done"),
        "not_started": _("not due to start yet"),
    }


@register.simple_tag
def light_badge(light: str, reason: str = "") -> str:
    """The coloured badge of a light, its reason as the tooltip."""
    if not light:
        return ""
    return format_html(
        '<span class="light light-{}" title="{}">{}</span>',
        light,
        _reason_names().get(reason, ""),
        _light_names().get(light, light),
    )


@register.simple_tag
def reason_text(reason: str) -> str:
    return _reason_names().get(reason, "")


@register.simple_tag
def node_flag(flag: str) -> str:
    """The wall chart's flag of a time node: red on time, orange late, black overdue."""
    labels = {
        "done_on_time": ("flag-red", _("done on time")),
        "done_late": ("flag-late", _("done late")),
        "overdue": ("flag-black", _("overdue")),
    }
    if flag not in labels:
        return ""
    css, text = labels[flag]
    return format_html('<span class="flag {}" title="{}">⚑ {}</span>', css, text, text)
