"""投资调度's messages: every step reaches the next person, and the proposer the outcome.

- a monthly report stored → the office (to review; its checks named);
- the office's 同意 / 退回 → the unit that reported (with the reason), the office's own
  notice settled;
- the due day of the month coming (two days before, the day itself) → the units whose
  projects' last month is not reported, each with its list, once a day;
- the 待办 entries (``investment_todo``) are computed from the records, like the others.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from guatu.accounts.models import Role
from guatu.investment.models import AnnualPlan, MonthlyReport
from guatu.investment.rules import due_day, reporting_month
from guatu.investment.services import check_text
from guatu.notify.models import Kind
from guatu.notify.services import notice_settled, notify, office_users, sent, unit_users
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.projects.models import Project


def project_url(project_id: int) -> str:
    return reverse("investment:project", args=[project_id])


def on_investment_reported(report: MonthlyReport) -> int:
    """A unit's month to the office, to review; the checks it raised named."""
    project = report.project
    if report.supersedes_id:
        # The corrected report can no longer be reviewed, and its 退回 is answered.
        notice_settled(f"investment:{report.supersedes_id}")
        notice_settled(f"investment-reviewed:{report.supersedes_id}")
    flags = list(report.flags.all())
    title = _("Monthly investment to review: %(project)s, %(year)s-%(month)02d") % {
        "project": project.name,
        "year": report.year,
        "month": report.month,
    }
    body = _("%(who)s reported %(amount)s 万元.") % {
        "who": report.reported_by,
        "amount": report.amount,
    }
    if report.supersedes_id:
        body += " " + _("A correction: %(reason)s") % {"reason": report.correction_reason[:300]}
    if flags:
        body += "\n" + "\n".join(f"- {check_text(flag)}" for flag in flags)
    for photo in report.photos.filter(far_from_site=True):
        body += "\n- " + _("A 形象进度 photo was taken %(metres)s m from the project's place.") % {
            "metres": photo.distance_m
        }
    return notify(
        city=project.city,
        kind=Kind.INVESTMENT,
        event=f"investment:{report.pk}",
        title=title,
        body=body,
        url=project_url(project.pk),
        users=office_users(city=project.city),
        office=True,
    )


def on_investment_batch(reports) -> int:
    """A 月报 workbook's rows to the office as one message: how many months, from whom,
    how many raised a check; each is in the office's 待办 and review list. The calls the
    corrected reports had made are settled, as one report's would be."""
    first = reports[0]
    project = first.project
    for report in reports:
        if report.supersedes_id:
            notice_settled(f"investment:{report.supersedes_id}")
            notice_settled(f"investment-reviewed:{report.supersedes_id}")
    flagged = sum(1 for report in reports if report.flags.exists())
    title = _("Monthly investment to review: %(count)d projects, %(year)s-%(month)02d") % {
        "count": len(reports),
        "year": first.year,
        "month": first.month,
    }
    body = _("%(who)s uploaded the 月报 workbook; %(flagged)d of them raised a check.") % {
        "who": first.reported_by,
        "flagged": flagged,
    }
    body += "\n" + "\n".join(
        f"- {report.project.name}: {report.amount} 万元" for report in reports[:20]
    )
    return notify(
        city=project.city,
        kind=Kind.INVESTMENT,
        event=f"investment-batch:{first.pk}-{reports[-1].pk}",
        title=title,
        body=body,
        url=reverse("investment:review"),
        users=office_users(city=project.city),
        office=True,
    )


def on_investment_reviewed(review) -> int:
    """The office's decision to the unit that reported, with the reason; its notice settled."""
    report = review.report
    project = report.project
    notice_settled(f"investment:{report.pk}")
    approved = review.decision == "approved"
    words = {"project": project.name, "year": report.year, "month": report.month}
    title = (
        _("Monthly investment approved: %(project)s, %(year)s-%(month)02d")
        if approved
        else _("Monthly investment returned: %(project)s, %(year)s-%(month)02d — correct it")
    ) % words
    body = _("%(amount)s 万元. The supervision office: %(note)s") % {
        "amount": report.amount,
        "note": review.note[:300] or "—",
    }
    reporter = report.reported_by
    # The unit that answers for the project's month hears it, whoever typed the figure (the
    # office may have reported for it), and the one who reported it.
    town, department = responsible_unit(project)
    towns = {unit.pk: unit for unit in (town, reporter.town) if unit is not None}
    departments = {unit.pk: unit for unit in (department, reporter.department) if unit is not None}
    people = [reporter] if reporter.pk != review.reviewed_by_id else []
    people += unit_users(towns=towns.values(), departments=departments.values())
    return notify(
        city=project.city,
        kind=Kind.INVESTMENT,
        event=f"investment-reviewed:{report.pk}",
        title=title,
        body=body,
        url=project_url(project.pk),
        users=[user for user in people if user.pk != review.reviewed_by_id],
        towns=towns.values(),
        departments=departments.values(),
    )


def responsible_unit(project: Project):
    """Who answers for a project's month: its 责任镇街, else its lead department (as the
    reminders, the 待办 and the messages all say)."""
    if project.responsible_town_id is not None:
        return project.responsible_town, None
    return None, project.owner_department


@dataclass(frozen=True)
class UnitDue:
    """A unit and its projects whose month is not reported."""

    unit: object  # Town or Department
    kind: str  # "town" | "department"
    projects: list[Project]


def unreported_month(city: City, year: int, month: int) -> list[Project]:
    """The projects with a plan for *year* whose *month* has no report in force."""
    reported = MonthlyReport.objects.filter(
        project__city=city, year=year, month=month, superseded_by__isnull=True
    ).values("project_id")
    planned = AnnualPlan.objects.filter(project__city=city, year=year, amount__gt=0).values(
        "project_id"
    )
    return list(
        Project.objects.filter(city=city, pk__in=planned)
        .exclude(pk__in=reported)
        .select_related("responsible_town", "owner_department")
        .order_by("code")
    )


def units_due(city: City, year: int, month: int) -> list[UnitDue]:
    """Who reports each unreported project: its responsible town, else its lead department."""
    towns: dict[int, UnitDue] = {}
    departments: dict[int, UnitDue] = {}
    for project in unreported_month(city, year, month):
        town, department = responsible_unit(project)
        if town is not None:
            due = towns.setdefault(town.pk, UnitDue(town, "town", []))
        else:
            due = departments.setdefault(department.pk, UnitDue(department, "department", []))
        due.projects.append(project)
    return [*towns.values(), *departments.values()]


def investment_reminders(city: City, today: date | None = None) -> int:
    """Two days before the due day and on it: each unit with last month still to report,
    once. Answers how many units were reminded."""
    today = today or city_today(city)
    year, month = reporting_month(today)
    due_on = due_date(city, year, month)
    left = (due_on - today).days
    if left not in (2, 0):
        return 0
    reminded = 0
    for due in units_due(city, year, month):
        town = due.kind == "town"
        names = [project.name for project in due.projects]
        event = f"investment-remind:{year}-{month:02d}:{due.kind}:{due.unit.pk}:{left}"
        if sent([event]):
            continue
        reminded += 1
        notify(
            city=city,
            kind=Kind.INVESTMENT,
            event=event,
            title=_("%(unit)s: %(count)d projects' investment of %(year)s-%(month)02d to report")
            % {"unit": due.unit, "count": len(names), "year": year, "month": month},
            body=(
                _("Due on %(date)s.") % {"date": due_on.isoformat()}
                + "\n"
                + "\n".join(f"- {name}" for name in names[:20])
            ),
            url=reverse("investment:city"),
            users=unit_users(
                towns=[due.unit] if town else [], departments=[] if town else [due.unit]
            ),
            towns=[due.unit] if town else [],
            departments=[] if town else [due.unit],
        )
    return reminded


def own_projects(user) -> Q:
    """The projects whose month *user*'s unit answers for (``responsible_unit``): a town's
    own; a department's where no town answers. (A lead department may still report a
    town's project: ``access.can_report_investment``.)"""
    if user.role == Role.TOWN:
        return Q(responsible_town_id=user.town_id) if user.town_id else Q(pk__in=[])
    if user.role == Role.DEPARTMENT:
        return Q(owner_department_id=user.department_id, responsible_town__isnull=True)
    return Q(pk__in=[])


def returned_to(user):
    """The returned reports of *user*'s projects that no correction has replaced."""
    own = Project.objects.filter(own_projects(user)).values("pk")
    return (
        MonthlyReport.objects.filter(
            project__in=own, superseded_by__isnull=True, review__decision="returned"
        )
        .select_related("project", "review")
        .order_by("year", "month")
    )


def to_report(user, city: City, today: date) -> list[Project]:
    """*user*'s projects whose last month is not reported yet."""
    year, month = reporting_month(today)
    own = set(Project.objects.filter(own_projects(user)).values_list("pk", flat=True))
    return [project for project in unreported_month(city, year, month) if project.pk in own]


def due_date(city: City, year: int, month: int) -> date:
    """The day *month*'s report is due: the due day of the month after it."""
    following = date(year + month // 12, month % 12 + 1, 1)
    return following.replace(day=due_day(city, year, month))


def overdue(city: City, today: date) -> list[Project]:
    """The projects whose last month is still not reported after its due day."""
    year, month = reporting_month(today)
    if today <= due_date(city, year, month):
        return []
    return unreported_month(city, year, month)
