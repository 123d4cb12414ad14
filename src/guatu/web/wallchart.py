"""Build the wall chart of a project from its stored schedule and current status.

One place turns items and statuses into the chart's rows and words; the
page (``wallchart_screen``), the SVG export (``wallchart_svg``) and the
printed sheets (``wallchart_sheets``, ``wallchart_pdf``) all start here.
"""

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from guatu.baselines.models import BaselineItem
from guatu.core.wallchart import (
    ScreenChart,
    WallLabels,
    WallRow,
    noted,
    render_screen,
    render_svg,
)
from guatu.core.wallpaper import PAPER_MM, SheetWords, render_sheets
from guatu.org.clock import city_today
from guatu.progress.labels import flag_label, light_label
from guatu.progress.nodes import item_flag
from guatu.progress.status import status_table
from guatu.projects.models import Project, WorkItem
from guatu.risk.services import project_risk_cached

GROUPINGS = ("town", "phase")
ZOOMS = ("week", "month", "quarter")
PAPERS = tuple(PAPER_MM)


def wall_rows(
    *,
    project: Project,
    group: str = "town",
    items: list[WorkItem] | None = None,
    statuses: dict | None = None,
    baseline: int | None = None,
) -> list[WallRow]:
    """The chart's rows, grouped by town or phase, each with its hover text; the 前期
    items (made from the city's template) come first, in a band of their own.

    The project page passes the *items* (with town and phase loaded) and
    *statuses* it already has, so nothing is computed twice.
    """
    group = group if group in GROUPINGS else "town"
    if items is None:
        items = list(WorkItem.objects.filter(project=project).select_related("town", "phase"))
    items = [item for item in items if item.early_start is not None]
    if statuses is None:
        statuses = status_table(items=Q(project=project), city=project.city).statuses()

    def key(item: WorkItem):
        owner = item.phase if group == "phase" else item.town
        return (
            not item.prework_code,  # the 前期 band first (docs/PREWORK.md)
            owner.order if owner else 999,
            getattr(owner, "pk", 0),
            item.early_start,
            item.order,
        )

    frozen = _baseline_dates(project, baseline)
    p80 = node_p80(project)
    today = city_today(project.city)
    words = _TipWords()
    whole = _("(whole project)")
    prework = _("preliminary approvals (前期)")
    rows = []
    for item in sorted(items, key=key):
        status = statuses.get(item.pk)
        owner = item.phase if group == "phase" else item.town
        flag = _node_flag(item, status, today)
        rows.append(
            WallRow(
                group=prework if item.prework_code else str(owner) if owner else whole,
                name=item.name,
                start=item.early_start,
                finish=item.early_finish,
                late_start=item.late_start,
                late_finish=item.late_finish,
                percent=status.actual if status else None,
                light=status.light if status else "",
                critical=item.critical,
                milestone=item.is_milestone,
                flag=flag,
                total_float=item.total_float,
                deadline=item.deadline,
                tip=words.tip(item, status, flag),
                baseline_start=frozen.get(item.code, (None, None))[0],
                baseline_finish=frozen.get(item.code, (None, None))[1],
                p80=p80.get(item.pk),
            )
        )
    return rows


def node_p80(project: Project) -> dict[int, object]:
    """The P80 finish of each time node of *project* (schedule risk, cached)."""
    risk = project_risk_cached(project)
    return {row.item.pk: row.p80 for row in risk.nodes} if risk else {}


def _baseline_dates(project: Project, number: int | None) -> dict[str, tuple]:
    """Each item's (start, finish) in baseline *number* of *project*; empty for none."""
    if not number:
        return {}
    return {
        code: (start, finish)
        for code, start, finish in BaselineItem.objects.filter(
            baseline__project=project, baseline__number=number
        ).values_list("code", "early_start", "early_finish")
    }


class _TipWords:
    """The hover text's words, looked up once per chart rather than once per bar."""

    def __init__(self) -> None:
        self.plan = _("plan %(start)s – %(finish)s")
        self.scheduled = _("from the data date %(start)s – %(finish)s")
        self.reported = _("reported %(actual)s, planned %(planned)s")
        self.light = _("light: %(light)s")
        self.float = _("total float %(days)s days")
        self.node = _("time node %(date)s")
        self.lights = {name: light_label(name) for name in LIGHTS}
        self.flags = {name: flag_label(name) for name in FLAGS}

    def tip(self, item: WorkItem, status, flag: str) -> str:
        """What hovering or tapping a bar says: the plan, the bar's own dates from the data
        date where they differ, progress, light, float and node."""
        parts = [item.name]
        if item.plan_start is not None and item.plan_finish is not None:
            parts.append(
                self.plan
                % {"start": item.plan_start.isoformat(), "finish": item.plan_finish.isoformat()}
            )
        if (item.early_start, item.early_finish) != (item.plan_start, item.plan_finish):
            parts.append(
                self.scheduled
                % {"start": item.early_start.isoformat(), "finish": item.early_finish.isoformat()}
            )
        if status is not None:
            progress = "—" if status.actual is None else f"{status.actual:.0f}%"
            parts.append(self.reported % {"actual": progress, "planned": f"{status.planned:.0f}%"})
            parts.append(
                self.light % {"light": self.lights.get(status.light) or light_label(status.light)}
            )
        if item.total_float is not None:
            parts.append(self.float % {"days": item.total_float})
        if item.deadline is not None:
            # A pending node (or any flag without words) has no bracket at all.
            node = self.node % {"date": item.deadline.isoformat()}
            parts.append(noted(node, self.flags.get(flag) or flag_label(flag)))
        return " · ".join(parts)


LIGHTS = ("green", "yellow", "red", "done", "not_started")
FLAGS = ("done_on_time", "done_late", "overdue")


def chart_choices() -> dict:
    """The page's controls: groupings, zooms and papers, with their words."""
    return {
        "groupings": [("town", _("town")), ("phase", _("phase"))],
        "zooms": [("week", _("week")), ("month", _("month")), ("quarter", _("quarter"))],
        "papers": PAPERS,
    }


def wall_labels(project: Project) -> WallLabels:
    return WallLabels(
        title=_("%(project)s — wall chart (挂图作战)") % {"project": project.name},
        today=_("today"),
        target=_("target"),
        continued=_("(continued)"),
        p80=_("P80 %(date)s"),
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
            "today": _("today"),
            "target": _("target"),
            "p80": _("P80 finish (schedule risk)"),
        },
    )


def wallchart_screen(
    *,
    project: Project,
    group: str = "town",
    zoom: str = "month",
    items=None,
    statuses=None,
    baseline: int | None = None,
) -> ScreenChart:
    """The chart for the project page, in pieces that keep header and labels in place."""
    rows = wall_rows(
        project=project, group=group, items=items, statuses=statuses, baseline=baseline
    )
    return render_screen(
        rows,
        today=city_today(project.city),
        zoom=zoom if zoom in ZOOMS else "month",
        target=project.deadline,
        labels=wall_labels(project),
    )


def wallchart_svg(
    *, project: Project, group: str = "town", zoom: str = "month", baseline: int | None = None
) -> str:
    """The whole chart as one SVG document."""
    return render_svg(
        wall_rows(project=project, group=group, baseline=baseline),
        today=city_today(project.city),
        zoom=zoom if zoom in ZOOMS else "month",
        target=project.deadline,
        labels=wall_labels(project),
    )


def wallchart_sheets(
    *, project: Project, paper: str, group: str = "town", baseline: int | None = None
) -> list[str]:
    """The chart on *paper* (A3, A1 or A0): one SVG per sheet, tiled when the rows need it."""
    city = project.city
    today = city_today(city)
    facts = [
        city.name,
        _("data date %(date)s") % {"date": date_format(today, "DATE_FORMAT")},
    ]
    if city.office_name:
        facts.append(_("issued by %(office)s") % {"office": city.office_name})
    words = SheetWords(
        title=_("%(project)s — wall chart (挂图作战)") % {"project": project.name},
        facts=tuple(facts),
        sheet=_("sheet %(page)s/%(pages)s"),
        tiled=_(
            "%(pages)s sheets, tiled top to bottom, each repeating the label column and the "
            "date header; this sheet holds rows %(first)s–%(last)s of %(total)s"
        ),
        labels=wall_labels(project),
    )
    return render_sheets(
        wall_rows(project=project, group=group, baseline=baseline),
        today=today,
        paper=paper,
        words=words,
        target=project.deadline,
    )


def wallchart_pdf(
    *, project: Project, paper: str, group: str = "town", baseline: int | None = None
) -> bytes:
    """The printed chart as one PDF, a page per sheet."""
    from guatu.web.pdf import svgs_to_pdf  # loads cairo on first print, not at start-up

    return svgs_to_pdf(
        wallchart_sheets(project=project, paper=paper, group=group, baseline=baseline)
    )


def _node_flag(item: WorkItem, status, today) -> str:
    """The flag on an item's time node (``progress.nodes.item_flag``, one rule for all)."""
    return item_flag(item, status, today)
