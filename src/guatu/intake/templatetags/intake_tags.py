"""Facts and evidence in words, for the intake page and the project page."""

from django import template

from guatu.intake.labels import detail_label, kind_label, value_label

register = template.Library()


@register.filter
def fact_kind(kind: str) -> str:
    return kind_label(kind)


@register.filter
def fact_detail(detail: str) -> str:
    return detail_label(detail)


@register.simple_tag
def fact_value(kind: str, value: str) -> str:
    return value_label(kind, value)
