"""待办: what waits for the acting user, by role, each entry linking to where it is done.

One function answers for the home page, the count in the menu and
``GET /api/v1/todo``, so the three never disagree. An entry is computed
from the records themselves (a request awaiting review, a report above its
target not yet judged, an item not reported this week…), never stored: when
the work is done the entry is gone, without anyone ticking it off.

- the office (督查办): units not yet reported this week, reports to verify
  (超目标待核实), 节点调整 to review, problems to 交办, answers to verify, levels proposed, bulletin
  drafts to publish, notices whose answer is late, public information to publish (公开);
- a leader: 节点调整 to decide, the red items of the projects they lead;
- a town or a department: items to report this week, requests returned to
  them, notices to answer, problems they answer for (反馈);
- 投资调度 (``notify.investment``): the office's months to review, checks to clear and
  months overdue; a unit's last month to report and its returned months.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from guatu.access import reports_own_items
from guatu.accounts.models import Role
from guatu.baselines.models import Adjustment
from guatu.core.periods import period_label
from guatu.investment.rules import reporting_month
from guatu.investment.selectors import open_flags, waiting_reports
from guatu.notify import investment, problems
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.org.selectors import current_city
from guatu.progress.my_work import (
    own_items,
    units_not_reported,
    units_not_reported_count,
    unreported_items,
    unreported_query,
)
from guatu.progress.selectors import reports_awaiting_review
from guatu.progress.status import items_status
from guatu.projects.models import WorkItem
from guatu.projects.selectors import led_by
from guatu.public.items import items_due
from guatu.supervision.models import Bulletin, EscalationEvent, NoticeReply
from guatu.supervision.selectors import answers_overdue

#: Rows listed under an entry on the page (the count is always the full one).
SHOWN = 20


@dataclass(frozen=True)
class TodoRow:
    text: str
    url: str


@dataclass(frozen=True)
class TodoEntry:
    """One kind of waiting work: how many, and where it is done."""

    kind: str
    title: str
    count: int
    url: str
    rows: list[TodoRow] = field(default_factory=list)


def todo(
    user, city: City | None, today: date | None = None, *, rows: bool = True
) -> list[TodoEntry]:
    """The acting user's 待办 in *city* (their own), the largest first within each role.

    Without *rows* (the menu's count and the home page's card: every page), what is
    still to report is counted by the database alone (``unreported_query``); the entries
    then carry no rows for those kinds, and the same counts."""
    if city is None or not getattr(user, "is_authenticated", False):
        return []
    today = today or city_today(city)
    entries: list[TodoEntry] = []
    if user.role == Role.SUPERVISOR:  # the office's work, not a system administrator's
        entries += _office(city, today, rows)
    if user.role == Role.LEADER:
        entries += _leader(user, city, today)
    if reports_own_items(user):
        entries += _unit(user, city, today, rows)
    return [entry for entry in entries if entry.count]


def _entry(kind: str, title: str, rows: list[TodoRow], url: str, shown: int = SHOWN) -> TodoEntry:
    """An entry linking to its only row's place when there is one, else to its list."""
    return TodoEntry(kind, title, len(rows), rows[0].url if len(rows) == 1 else url, rows[:shown])


def _counted(kind: str, title: str, query, place: str, url: str) -> TodoEntry:
    """An entry counted by the database (no rows): linking to its only row's *place*
    (a route taking the row's pk) when there is one, else to its list."""
    pks = list(query.values_list("pk", flat=True)[:2])
    count = query.count() if len(pks) > 1 else len(pks)
    return TodoEntry(kind, title, count, reverse(place, args=[pks[0]]) if count == 1 else url)


def _office(city: City, today: date, rows: bool) -> list[TodoEntry]:
    units = units_not_reported(city, today) if rows else []
    unreported = TodoEntry(
        "unreported",
        _("Units not yet reported this week"),
        len(units) if rows else units_not_reported_count(city, today),
        reverse("notify:unreported"),
        [
            TodoRow(
                _("%(unit)s: %(count)d items") % {"unit": due.unit, "count": len(due.rows)},
                reverse("notify:unreported"),
            )
            for due in units[:SHOWN]
        ],
    )
    reviews = [
        TodoRow(
            _("%(project)s · %(item)s — %(percent)s%% reported by %(who)s")
            % {
                "project": report.work_item.project.name,
                "item": report.work_item.name,
                "percent": report.percent_complete,
                "who": report.reported_by,
            },
            reverse("web:item-detail", args=[report.work_item_id]) + "#reports",
        )
        for report in reports_awaiting_review(city=city)
    ]
    adjustments = [
        TodoRow(f"{row.project.name} · {row.work_item.name}", _request_url(row))
        for row in _adjustments(city, Adjustment.Status.PENDING)
    ]
    drafts = [
        TodoRow(
            _("Bulletin of %(period)s") % {"period": period_label(bulletin.period)},
            reverse("supervision:bulletin", args=[bulletin.pk]),
        )
        for bulletin in Bulletin.objects.filter(city=city, status=Bulletin.Status.DRAFT).order_by(
            "-created_at"
        )
    ]
    late = [
        TodoRow(
            _("%(unit)s · %(level)s: %(item)s, answer due %(date)s")
            % {
                "unit": event.town or event.department,
                "level": event.get_level_display(),
                "item": event.work_item.name,
                "date": event.reply_by.isoformat(),
            },
            reverse("supervision:escalation", args=[event.pk]),
        )
        for event in answers_overdue(city=city, today=today)
    ]
    return [
        unreported,
        *_office_investment(city, today),
        _entry(
            "review",
            _("Reports above target to verify"),
            reviews,
            reverse("web:report-list") + "?to_review=1",
        ),
        _entry(
            "adjustment_review",
            _("Node adjustments to review"),
            adjustments,
            reverse("baselines:all") + "?status=pending",
        ),
        *_office_problems(city, today),
        _entry(
            "bulletin_draft",
            _("Bulletin drafts to publish"),
            drafts,
            reverse("supervision:bulletins"),
        ),
        _entry(
            "answer_late",
            _("Notices whose answer is late"),
            late,
            reverse("supervision:escalations") + "?overdue=1",
        ),
        _office_public(city, today),
    ]


def _office_public(city: City, today: date) -> TodoEntry:
    """公开: information arisen and not yet published, within 20 working days (``public``)."""
    page = reverse("public:manage") + "#due"
    rows = [
        TodoRow(
            (
                _("%(project)s · %(item)s: due %(date)s, %(days)s working days left")
                if row.left >= 0
                else _("%(project)s · %(item)s: due %(date)s, %(days)s working days late")
            )
            % {
                "project": row.item.project.name,
                "item": row.item.title,
                "date": row.due.isoformat(),
                "days": abs(row.left),
            },
            page,
        )
        for row in items_due(city, today)
    ]
    return _entry("public_due", _("Public information to publish"), rows, page)


def _problem_rows(blockers) -> list[TodoRow]:
    return [
        TodoRow(
            f"{blocker.work_item.project.name} · {blocker.description[:60]}",
            problems.problem_url(blocker.pk),
        )
        for blocker in blockers
    ]


def _office_problems(city: City, today: date) -> list[TodoEntry]:
    """问题清单: problems to 交办, answers to verify, levels proposed (``notify.problems``)."""
    board = reverse("web:blocker-board")
    return [
        _entry(
            "problem_assign",
            _("Problems to assign (交办)"),
            _problem_rows(problems.to_assign(city)),
            board,
        ),
        _entry(
            "problem_verify",
            _("Answers to verify (核实)"),
            _problem_rows(problems.to_verify(city)),
            board + "?state=replied",
        ),
        _entry(
            "problem_level",
            _("Problems proposed for the next level"),
            _problem_rows(problems.to_decide(city, today)),
            board + "?state=proposed",
        ),
    ]


def _office_investment(city: City, today: date) -> list[TodoEntry]:
    """The office's 投资调度: months to review, checks to clear, months overdue."""
    month = _("%(year)s-%(month)02d")
    waiting = [
        TodoRow(
            f"{report.project.name} · "
            + month % {"year": report.year, "month": report.month}
            + f" · {report.amount} 万元",
            investment.project_url(report.project_id),
        )
        for report in waiting_reports(city)
    ]
    checks = [
        TodoRow(
            f"{flag.report.project.name} · "
            + month % {"year": flag.report.year, "month": flag.report.month},
            investment.project_url(flag.report.project_id),
        )
        for flag in open_flags(city)
    ]
    late = [
        TodoRow(project.name, investment.project_url(project.pk))
        for project in investment.overdue(city, today)
    ]
    review_list = reverse("investment:review")
    return [
        _entry("investment_review", _("Monthly investment to review"), waiting, review_list),
        _entry("investment_checks", _("Statistics checks to clear"), checks, review_list),
        _entry(
            "investment_overdue",
            _("Monthly investment overdue"),
            late,
            reverse("investment:city") + "#unreported",
        ),
    ]


def _leader(user, city: City, today: date) -> list[TodoEntry]:
    decide = [
        TodoRow(f"{row.project.name} · {row.work_item.name}", _request_url(row))
        for row in _adjustments(city, Adjustment.Status.REVIEWED)
    ]
    # A leader's projects: those they own as 包联市领导 (``led_by``, the one rule).
    items = list(
        WorkItem.objects.filter(project__in=led_by(user), project__city=city).select_related(
            "project"
        )
    )
    statuses = items_status(items=items, as_of=today) if items else {}
    red = [
        TodoRow(
            f"{item.project.name} · {item.name}",
            reverse("web:item-detail", args=[item.pk]),
        )
        for item in items
        if statuses.get(item.pk) is not None and statuses[item.pk].light == "red"
    ]
    return [
        _entry(
            "adjustment_decide",
            _("Node adjustments to decide"),
            decide,
            reverse("baselines:all") + "?status=reviewed",
        ),
        _entry(
            "problem_instruct",
            _("Problems waiting for your instruction (批示)"),
            _problem_rows(problems.to_instruct(user, city, today)),
            reverse("notify:todo") + "#problem_instruct",
            shown=SHOWN * 5,
        ),
        # Listed in full on the 待办 page: the item list has no "my projects" filter.
        _entry(
            "red_items",
            _("Red items of the projects you lead"),
            red,
            reverse("notify:todo") + "#red_items",
            shown=len(red),
        ),
    ]


def _unit(user, city: City, today: date, rows: bool) -> list[TodoEntry]:
    to_report = [
        TodoRow(
            f"{row.item.project.name} · {row.item.name}",
            reverse("web:item-report", args=[row.item.pk]),
        )
        for row in (unreported_items(own_items(user), today) if rows else [])
    ]
    returned = [
        TodoRow(f"{row.project.name} · {row.work_item.name}", _request_url(row))
        for row in Adjustment.objects.filter(
            proposed_by=user, status=Adjustment.Status.RETURNED
        ).select_related("project", "work_item")
    ]
    unit = (
        {"town_id": user.town_id}
        if user.role == Role.TOWN
        else {"department_id": user.department_id}
    )
    answered = NoticeReply.objects.filter(escalation_id=OuterRef("pk"))
    notices = [
        TodoRow(
            _("%(level)s: %(project)s · %(item)s, answer due %(date)s")
            % {
                "level": event.get_level_display(),
                "project": event.work_item.project.name,
                "item": event.work_item.name,
                "date": event.reply_by.isoformat(),
            },
            reverse("supervision:escalation", args=[event.pk]),
        )
        for event in EscalationEvent.objects.filter(
            **unit, reply_by__isnull=False, resolved_at__isnull=True
        )
        .exclude(Exists(answered))
        .select_related("work_item__project")
        .order_by("reply_by")
    ]
    blockers = _problem_rows(problems.to_answer(user, city))
    month = _("%(year)s-%(month)02d")
    investment_due = [
        TodoRow(project.name, investment.project_url(project.pk))
        for project in investment.to_report(user, city, today)
    ]
    investment_returned = [
        TodoRow(
            f"{report.project.name} · "
            + month % {"year": report.year, "month": report.month}
            + f" · {report.review.note[:60]}",
            investment.project_url(report.project_id),
        )
        for report in investment.returned_to(user)
    ]
    return [
        _entry(
            "investment_to_report",
            _investment_due_title(city, today),
            investment_due,
            reverse("investment:city"),
        ),
        _entry(
            "investment_returned",
            _("Monthly investment returned to you"),
            investment_returned,
            reverse("investment:city"),
        ),
        _entry("report_to_file", _("Items to report this week"), to_report, reverse("web:my-work"))
        if rows
        else _counted(
            "report_to_file",
            _("Items to report this week"),
            unreported_query(own_items(user), today),
            "web:item-report",
            reverse("web:my-work"),
        ),
        _entry(
            "adjustment_returned",
            _("Node adjustments returned to you"),
            returned,
            reverse("baselines:all") + "?status=returned",
        ),
        _entry(
            "notice_answer", _("Notices to answer"), notices, reverse("supervision:escalations")
        ),
        _entry(
            "blocker_assigned",
            _("Problems to answer (反馈)"),
            blockers,
            reverse("web:blocker-board"),
        ),
    ]


def _investment_due_title(city: City, today: date) -> str:
    """The unit's entry says when last month is due, and that it is late once it is."""
    due = investment.due_date(city, *reporting_month(today))
    if today > due:
        return _("Last month's investment overdue (it was due %(date)s)") % {
            "date": due.isoformat()
        }
    return _("Last month's investment to report (due %(date)s)") % {"date": due.isoformat()}


def _adjustments(city: City, status: str):
    return (
        Adjustment.objects.filter(project__city=city, status=status)
        .select_related("project", "work_item")
        .order_by("proposed_at")
    )


def _request_url(adjustment: Adjustment) -> str:
    return reverse("baselines:request", args=[adjustment.pk])


def todo_of_request(request) -> list[TodoEntry]:
    """``todo`` for the request's user in their city, counted (no rows of what is still
    to report), worked out once per request: the home page's card and the menu's count
    read the same entries."""
    found = getattr(request, "_guatu_todo", None)
    if found is None:
        found = todo(request.user, current_city(), rows=False)
        request._guatu_todo = found
    return found
