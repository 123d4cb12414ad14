"""The words for what intake finds: a fact's kind, its value and its note, in the user's language.

The core names facts with codes (``deadline``, ``on_track``, a project's
code); pages, evidence lists and exports show these words instead.
"""

from django.utils.translation import gettext as _

from guatu.projects.models import Project


def kind_label(kind: str) -> str:
    return {
        "date": _("date"),
        "deadline": _("deadline"),
        "count": _("count"),
        "person": _("person"),
        "status": _("progress"),
        "phase": _("phase"),
        "project": _("project"),
    }.get(kind, kind)


def status_label(status: str) -> str:
    return {
        "done": _("completed"),
        "behind": _("behind schedule"),
        "progress": _("marked progress"),
        "on_track": _("steady progress"),
        "clear_for_construction": _("clear for construction"),
    }.get(status, status)


def value_label(kind: str, value: str, names: dict[str, str] | None = None) -> str:
    """A fact's value as a person reads it: a project's name, a status in words."""
    if kind == "project":
        if names is None:
            names = dict(Project.objects.filter(code=value).values_list("code", "name"))
        return names.get(value, value)
    if kind == "status":
        return status_label(value)
    return value


def detail_label(detail: str) -> str:
    """A fact's note: "relative" (a date like 15日 placed in the issue's month) in words."""
    return {"relative": _("placed in the issue's month")}.get(detail, detail)
