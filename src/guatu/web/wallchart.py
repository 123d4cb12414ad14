"""Build the wall chart of a project from its stored schedule and current status."""

from django.db.models import Q
from django.utils.translation import gettext as _

from guatu.core.wallchart import WallLabels, WallRow, render_svg
from guatu.org.clock import city_today
from guatu.progress.status import status_table
from guatu.projects.models import Project, WorkItem

GROUPINGS = ("town", "phase")
ZOOMS = ("week", "month", "quarter")


def wallchart_svg(
    *,
    project: Project,
    group: str = "town",
    zoom: str = "month",
    paper: str | None = None,
    items: list[WorkItem] | None = None,
    statuses: dict | None = None,
) -> str:
    """Return the project's wall chart as SVG, grouped by town or phase.

    The project page passes the *items* (with town and phase loaded) and
    *statuses* it already has, so nothing is computed twice.
    """
    group = group if group in GROUPINGS else "town"
    zoom = zoom if zoom in ZOOMS else "month"
    if items is None:
        items = list(WorkItem.objects.filter(project=project).select_related("town", "phase"))
    items = [item for item in items if item.early_start is not None]
    if statuses is None:
        statuses = status_table(items=Q(project=project), city=project.city).statuses()

    def key(item: WorkItem):
        if group == "phase":
            return (
                item.phase.order if item.phase else 999,
                item.phase_id or 0,
                item.early_start,
                item.order,
            )
        return (
            item.town.order if item.town else 999,
            item.town_id or 0,
            item.early_start,
            item.order,
        )

    today = city_today(project.city)
    rows = []
    for item in sorted(items, key=key):
        status = statuses.get(item.pk)
        owner = item.phase if group == "phase" else item.town
        rows.append(
            WallRow(
                group=str(owner) if owner else _("(whole project)"),
                name=item.name,
                start=item.early_start,
                finish=item.early_finish,
                late_start=item.late_start,
                late_finish=item.late_finish,
                percent=status.actual if status else None,
                light=status.light if status else "",
                critical=item.critical,
                milestone=item.is_milestone,
                flag=_node_flag(item, status, today),
                total_float=item.total_float,
                deadline=item.deadline,
            )
        )
    labels = WallLabels(
        title=_("%(project)s — wall chart (挂图作战)") % {"project": project.name},
        today=_("today"),
        legend={
            "green": _("green"),
            "yellow": _("yellow"),
            "red": _("red"),
            "done": _("done"),
            "critical": _("critical path"),
            "float": _("float to the late finish"),
            "done_on_time": _("done on time"),
            "done_late": _("done late"),
            "overdue": _("overdue"),
        },
    )
    return render_svg(rows, today=today, zoom=zoom, labels=labels, paper=paper)


def _node_flag(item: WorkItem, status, today) -> str:
    """The flag on an item's time node: reached on time or late, or overdue."""
    if status is None:
        return ""
    if item.is_milestone or item.deadline is None:
        return status.flag if item.is_milestone else ""
    if status.light == "done" and status.done_on is not None:
        return "done_on_time" if status.done_on <= item.deadline else "done_late"
    return "overdue" if today > item.deadline else ""
