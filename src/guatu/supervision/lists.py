"""The office's lists of supervision: the rungs of the ladder and the bulletins.

Each is a ``common.listing.ListSpec``: the page and its "导出 Excel" come from the
same rows, filtered, searched and sorted by the same code.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guatu.common.listing import Column, Filter, ListSpec
from guatu.core.periods import period_label
from guatu.org.models import Department, Town
from guatu.projects.models import Project
from guatu.supervision.models import Bulletin, EscalationEvent, EscalationLevel
from guatu.supervision.selectors import AnswerState

__all__ = ["BULLETINS", "ESCALATIONS", "answer_text"]


def _towns():
    return Town.objects.order_by("order", "name")


def _departments():
    return Department.objects.order_by("name")


def _projects():
    return Project.objects.order_by("code")


def _level_choices():
    """The rungs the city has issued, in the ladder's order (never a rung nobody got)."""
    issued = set(EscalationEvent.objects.values_list("level", flat=True).distinct())
    return [(code, name) for code, name in EscalationLevel.choices if code in issued]


def answer_text(answer: AnswerState) -> str:
    """Where a rung's answer stands, in words (the list's cell and its export)."""
    day = answer.day.isoformat() if answer.day else ""
    if answer.state == "answered":
        text = _("answered %(date)s") % {"date": day}
        # Never _() inside an f-string: xgettext does not look there, and the words
        # stay English (tests/test_i18n.py now reads the code for it).
        late = _("after the due date")
        return f"{text} {late}" if answer.late else text
    if answer.state == "overdue":
        missing, due = _("no answer by the due date"), _("due %(date)s") % {"date": day}
        return f"{missing} {due}"
    if answer.state == "awaiting":
        return _("answer due by %(date)s") % {"date": day} if day else _("no answer yet")
    return _("closed without an answer")


def _answer_choices():
    return [
        ("answered", _("answered")),
        ("awaiting", _("awaiting an answer")),
        ("overdue", _("no answer by the due date")),
        ("closed", _("closed without an answer")),
    ]


def _state(event: EscalationEvent) -> str:
    if event.resolved_at:
        return _("resolved: %(note)s") % {"note": event.resolution_note}
    return _("open")


ESCALATIONS = ListSpec(
    name=gettext_lazy("Accountability"),
    columns=(
        Column("period", gettext_lazy("Period"), lambda e: e.period, label=period_label),
        Column(
            "level",
            gettext_lazy("Level"),
            lambda e: e.get_level_display(),
            sort=lambda e: EscalationLevel.values.index(e.level),
            link=lambda e: reverse("supervision:escalation", args=[e.pk]),
        ),
        Column(
            "item",
            gettext_lazy("Work item"),
            lambda e: e.work_item.name,
            link=lambda e: reverse("web:item-detail", args=[e.work_item_id]),
        ),
        Column("project", gettext_lazy("Project"), lambda e: e.work_item.project.name),
        Column("town", gettext_lazy("Town"), lambda e: str(e.town or "")),
        Column("department", gettext_lazy("Department"), lambda e: str(e.department or "")),
        Column("why", gettext_lazy("Why"), lambda e: (e.evidence or {}).get("reason", "")),
        Column("state", gettext_lazy("Status"), _state),
        Column(
            "answer",
            gettext_lazy("Answer (整改反馈)"),
            lambda e: answer_text(e.answer),
            sort=lambda e: (e.answer.state, e.answer.day),
            css=lambda e: f"answer answer-{e.answer.state}",
        ),
    ),
    filters=(
        Filter.choice("level", gettext_lazy("Level"), _level_choices, lookup="level"),
        Filter.units("town", gettext_lazy("Town"), _towns),
        Filter.units("department", gettext_lazy("Department"), _departments),
        Filter.units("project", gettext_lazy("Project"), _projects, "work_item__project"),
        Filter.choice(
            "state",
            gettext_lazy("Status"),
            [("open", gettext_lazy("open")), ("resolved", gettext_lazy("resolved"))],
            where=lambda state: Q(resolved_at__isnull=state == "open"),
        ),
        Filter.choice(
            "answer",
            gettext_lazy("Answer (整改反馈)"),
            _answer_choices,
            test=lambda e, state: e.answer.state == state,
        ),
        Filter.flag(
            "overdue",
            gettext_lazy("Rungs whose answer is late"),
            test=lambda e: e.answer.state == "overdue",
        ),
        Filter.dates("issued", gettext_lazy("Issued"), "created_at__date"),
    ),
    search=("work_item__name", "work_item__project__name", "town__name", "department__name"),
    row_class=lambda e: "overdue" if e.answer.state == "overdue" else "",
)


BULLETINS = ListSpec(
    name=gettext_lazy("Bulletins"),
    columns=(
        Column("period", gettext_lazy("Period"), lambda b: b.period, label=period_label),
        Column(
            "title",
            gettext_lazy("Title"),
            lambda b: b.content.get("title", ""),
            link=lambda b: reverse("supervision:bulletin", args=[b.pk]),
        ),
        Column("number", gettext_lazy("Number"), lambda b: b.content.get("number_text", "")),
        Column("project", gettext_lazy("Project"), lambda b: b.project.name if b.project else ""),
        Column("status", gettext_lazy("Status"), lambda b: b.get_status_display()),
        Column("published", gettext_lazy("Published at"), lambda b: b.published_at),
    ),
    filters=(
        # No project filter: the draft form's project field is above the list (the search
        # finds a project's bulletins by its name).
        Filter.choice("status", gettext_lazy("Status"), Bulletin.Status.choices, lookup="status"),
        Filter.dates("published", gettext_lazy("Published at"), "published_at__date"),
    ),
    search=("period", "content__title", "project__name"),
)
