"""Deciding who hears of what: one call per event, in the event's own transaction.

``notify`` writes an inbox notice for every person and a pending delivery for
every email address and every robot of the units concerned. An event has a
key (``escalation:12``, ``remind:town:3:2019-W46:2``): a notice or delivery
already written for the same key and target is not written again, so a rerun,
a retry or two workers never send one event twice. Sending is the worker's
(``guatu.notify.delivery``).
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guatu.access import is_supervisor, require
from guatu.accounts.models import Role, User
from guatu.audit.services import audit_record
from guatu.common.scope import scoped_to
from guatu.core.periods import chinese_date, period_label
from guatu.notify.models import Channel, Delivery, Kind, Notice, Preference, Robot, Rules
from guatu.notify.sealed import Unreadable
from guatu.org.clock import city_today
from guatu.org.models import City, Department, Town
from guatu.org.selectors import cities_below
from guatu.progress.models import Blocker
from guatu.progress.my_work import my_work, units_not_reported
from guatu.progress.selectors import blocker_overdue, blockers_due_within
from guatu.supervision.selectors import answers_due, answers_overdue

__all__ = [
    "answer_alerts",
    "blocker_alerts",
    "notify",
    "on_bulletin_published",
    "on_escalation_resolved",
    "on_escalations",
    "on_notice_answered",
    "on_report_to_review",
    "report_reminders",
    "robot_refuse",
    "robot_save",
    "robot_secrets_reseal",
    "robots_check",
    "rules_for",
    "rules_save",
]


def rules_for(city: City) -> Rules:
    return Rules.objects.get_or_create(city=city)[0]


def unit_users(*, towns: Iterable[Town] = (), departments: Iterable[Department] = ()) -> list:
    """The active officials of the given towns and departments."""
    town_ids = [t.pk for t in towns if t is not None]
    department_ids = [d.pk for d in departments if d is not None]
    found = list(User.objects.filter(is_active=True, role=Role.TOWN, town_id__in=town_ids))
    found += User.objects.filter(
        is_active=True, role=Role.DEPARTMENT, department_id__in=department_ids
    )
    return found


def office_users(*, city: City, leaders: bool = False) -> list:
    """The city's own supervision office (and leaders): never another city's, whoever runs
    this (a request of that city, or the worker, which sees every city)."""
    roles = [Role.SUPERVISOR, Role.LEADER] if leaders else [Role.SUPERVISOR]
    return list(User.objects.filter(is_active=True, role__in=roles, city=city))


def notify(
    *,
    city: City,
    kind: str,
    event: str,
    title: str,
    body: str,
    url: str = "",
    users: Iterable = (),
    towns: Iterable[Town] = (),
    departments: Iterable[Department] = (),
    office: bool = False,
    always: bool = False,
) -> int:
    """Inbox notices for *users*, deliveries to their email and to the units' robots.

    Returns how many deliveries were queued (0 when the city's rules switch
    this kind off, unless *always*: a person asked for it to be sent now). Nothing
    is written twice for one *event*.
    """
    rules = rules_for(city)
    if not always and not rules.allows(kind):
        return 0
    people = {user.pk: user for user in users if user is not None and user.is_active}
    Notice.objects.bulk_create(
        [
            Notice(recipient=user, kind=kind, title=title, body=body, url=url, event=event)
            for user in people.values()
        ],
        ignore_conflicts=True,
    )
    now = timezone.now()
    off = set(
        Preference.objects.filter(user_id__in=people, email=False).values_list("user_id", flat=True)
    )
    common = {"city": city, "kind": kind, "event": event, "title": title, "body": body, "url": url}
    deliveries = [
        Delivery(
            channel=Channel.EMAIL,
            target=f"user:{user.pk}",
            recipient=user,
            address=user.email,
            next_attempt_at=now,
            **common,
        )
        for user in people.values()
        if settings.GUATU_EMAIL_HOST and user.email and user.pk not in off
    ]
    robots = Robot.objects.filter(city=city, enabled=True).filter(
        _unit_filter(towns, departments, office)
    )
    mobiles = dict(
        Preference.objects.filter(user_id__in=people)
        .exclude(mobile="")
        .values_list("user_id", "mobile")
    )
    deliveries += [
        Delivery(
            channel=robot.kind,
            target=f"robot:{robot.pk}",
            robot=robot,
            address=robot.name,
            next_attempt_at=now,
            mentions=",".join(_mentions(robot, people.values(), mobiles)),
            **common,
        )
        for robot in robots
    ]
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(deliveries)


def _mentions(robot: Robot, people, mobiles: dict[int, str]) -> list[str]:
    """The robot's own @ list, and the mobiles of the people concerned who are in its unit."""
    found = robot.mobiles()
    for user in people:
        in_unit = (robot.town_id and user.town_id == robot.town_id) or (
            robot.department_id and user.department_id == robot.department_id
        )
        if (in_unit or robot.office) and mobiles.get(user.pk) and mobiles[user.pk] not in found:
            found.append(mobiles[user.pk])
    return found[:20]


def _unit_filter(towns, departments, office: bool):
    from django.db.models import Q

    found = Q(pk__in=[])
    town_ids = [t.pk for t in towns if t is not None]
    department_ids = [d.pk for d in departments if d is not None]
    if town_ids:
        found |= Q(town_id__in=town_ids)
    if department_ids:
        found |= Q(department_id__in=department_ids)
    if office:
        found |= Q(office=True)
    return found


def on_escalations(events) -> int:
    """New rungs (提醒 / 督办单 / 约谈 / 通报) to the responsible towns and departments:
    one message a unit, listing every rung it got together (a bulletin's), each with its
    notice — not one message a rung (a town got four 通报批评 in the same minute)."""
    by_unit: dict = {}
    for event in events:
        for unit in (event.town, event.department):
            if unit is not None:
                by_unit.setdefault(unit, []).append(event)
    sent = 0
    for unit, rungs in by_unit.items():
        first = rungs[0]
        city = first.work_item.project.city
        lines = [
            _("%(level)s: %(project)s · %(item)s (%(period)s)")
            % {
                "level": event.get_level_display(),
                "project": event.work_item.project.name,
                "item": event.work_item.name,
                "period": period_label(event.period),
            }
            for event in rungs
        ]
        if len(rungs) == 1:
            title = _("%(level)s: %(item)s") % {
                "level": first.get_level_display(),
                "item": first.work_item.name,
            }
            url = reverse("supervision:escalation", args=[first.pk])  # the page, its PDF
        else:
            title = _("%(count)d accountability notices for %(unit)s") % {
                "count": len(rungs),
                "unit": unit,
            }
            url = reverse("supervision:escalations")
        town = isinstance(unit, Town)
        sent += notify(
            city=city,
            kind=Kind.ESCALATION,
            # Bounded whatever the count: the unit's first rung of the batch names it.
            event=f"escalation:{first.pk}+{len(rungs)}:{'town' if town else 'dept'}{unit.pk}",
            title=title,
            body="\n".join(lines),
            url=url,
            users=unit_users(towns=[unit] if town else [], departments=[] if town else [unit]),
            towns=[unit] if town else [],
            departments=[] if town else [unit],
        )
    return sent


def on_bulletin_published(bulletin) -> int:
    """A published bulletin to the leaders, the office and every unit."""
    if bulletin.content.get("kind") == "region":
        return _region_bulletin_published(bulletin)
    city = bulletin.city
    towns = list(Town.objects.filter(city=city))
    departments = list(Department.objects.filter(city=city))
    body = _("The bulletin of %(period)s (%(number)s) is published.") % {
        "period": period_label(bulletin.period),
        "number": bulletin.content.get("number_text", ""),
    }
    return _bulletin_notice(
        bulletin,
        city=city,
        body=body,
        users=office_users(city=city, leaders=True)
        + unit_users(towns=towns, departments=departments),
        towns=towns,
        departments=departments,
    )


def _region_bulletin_published(bulletin) -> int:
    """The level above's bulletin to its own office and leaders, and to the office and
    leaders of every division below it (the cities it ranks, and a province's
    prefectures): they are who it is addressed to and who may read it."""
    region = bulletin.city
    body = _("%(office)s published the bulletin of %(period)s (%(number)s) on its cities.") % {
        "office": bulletin.content.get("office", region.name),
        "period": period_label(bulletin.period),
        "number": bulletin.content.get("number_text", ""),
    }
    below = City.everywhere.filter(pk__in=cities_below(region.pk)).order_by("code")
    sent = 0
    for city in [region, *below]:
        # Each city's people, rules and robots in its own scope, whoever publishes (a
        # request of the level above, or `guatu bulletin --city`, scoped to it alone).
        with scoped_to((city.pk,)):
            sent += _bulletin_notice(
                bulletin, city=city, body=body, users=office_users(city=city, leaders=True)
            )
    return sent


def _bulletin_notice(bulletin, *, city, body: str, users, towns=(), departments=()) -> int:
    """One city's notice of a published bulletin: its title, link and event are the
    bulletin's, whoever it goes to."""
    return notify(
        city=city,
        kind=Kind.BULLETIN,
        event=f"bulletin:{bulletin.pk}",
        title=_("Bulletin %(number)s published")
        % {"number": bulletin.content.get("number_text", "")},
        body=body,
        url=reverse("supervision:bulletin", args=[bulletin.pk]),
        users=users,
        towns=towns,
        departments=departments,
        office=True,
    )


def on_notice_answered(reply) -> int:
    """A unit's answer to a notice (整改反馈) to its city's supervision office, which
    issued the notice and decides whether the rung is settled."""
    escalation = reply.escalation
    item = escalation.work_item
    city = item.project.city
    unit = escalation.town if reply.created_by.role == Role.TOWN else escalation.department
    title = _("%(unit)s answered the %(level)s: %(item)s") % {
        "unit": unit or reply.created_by,
        "level": escalation.get_level_display(),
        "item": item.name,
    }
    files = reply.files.count()
    body = reply.text[:300] + ("…" if len(reply.text) > 300 else "")
    if files:
        body += "\n" + _("%(count)d files attached.") % {"count": files}
    return notify(
        city=city,
        kind=Kind.ESCALATION,
        event=f"answer:{reply.pk}",
        title=title,
        body=body,
        url=reverse("supervision:escalation", args=[escalation.pk]),
        users=office_users(city=city),
        office=True,
    )


def on_escalation_resolved(escalation) -> int:
    """A rung the office closed to the units it was issued to: they learn the outcome of
    what they answered, with the office's note."""
    item = escalation.work_item
    title = _("Closed: %(level)s on %(item)s") % {
        "level": escalation.get_level_display(),
        "item": item.name,
    }
    body = _("The supervision office closed it: %(note)s") % {
        "note": escalation.resolution_note[:300]
    }
    towns = [escalation.town] if escalation.town_id else []
    departments = [escalation.department] if escalation.department_id else []
    return notify(
        city=item.project.city,
        kind=Kind.ESCALATION,
        event=f"resolved:{escalation.pk}",
        title=title,
        body=body,
        url=reverse("supervision:escalation", args=[escalation.pk]),
        users=unit_users(towns=towns, departments=departments),
        towns=towns,
        departments=departments,
    )


def on_report_to_review(report) -> int:
    """A report above its target (超目标待核实) to the supervision office."""
    item = report.work_item
    title = _("Report to verify: %(item)s") % {"item": item.name}
    body = _("%(who)s reported %(percent)s%% on %(date)s, above the planned figure.") % {
        "who": report.reported_by,
        "percent": report.percent_complete,
        "date": report.reported_on.isoformat(),
    }
    return notify(
        city=item.project.city,
        kind=Kind.REVIEW,
        event=f"review:{report.pk}",
        title=title,
        body=body,
        url=reverse("web:item-detail", args=[item.pk]),
        users=office_users(city=item.project.city),
        office=True,
    )


def on_photo_far(photo) -> int:
    """A site photo whose camera stood far from its site (拍摄位置距项目 N 米) to the office,
    as a report to look at: the figure may rest on a photo taken elsewhere."""
    report = photo.report
    item = report.work_item
    title = _("Photo taken %(metres)s m from the site: %(item)s") % {
        "metres": photo.distance_m,
        "item": item.name,
    }
    body = _(
        "%(who)s's report of %(date)s carries a photo whose camera position lies %(metres)s m "
        "from the item's place on the map (the city allows %(most)s m)."
    ) % {
        "who": report.reported_by,
        "date": report.reported_on.isoformat(),
        "metres": photo.distance_m,
        "most": item.project.city.photo_distance_m,
    }
    return notify(
        city=item.project.city,
        kind=Kind.REVIEW,
        event=f"photo-far:{photo.pk}",
        title=title,
        body=body,
        url=reverse("web:item-detail", args=[item.pk]),
        users=office_users(city=item.project.city),
        office=True,
    )


def report_reminders(city: City, today: date | None = None) -> int:
    """Two days and one day before the cut-off (the rules): each official's unreported items."""
    rules = rules_for(city)
    today = today or city_today(city)
    left = (rules.report_cutoff_weekday - today.weekday()) % 7
    if not rules.report_reminders or left not in rules.days_before():
        return 0
    week = today.isocalendar()
    key = f"{week.year}-W{week.week:02d}:{left}"
    queued = 0
    by_unit: dict[tuple[str, int], list[str]] = {}
    officials = User.objects.filter(
        is_active=True, role__in=[Role.TOWN, Role.DEPARTMENT], city=city
    )
    for user in officials.select_related("town", "department"):
        rows = [row for row in my_work(user, today).rows if not row.reported_this_week]
        if not rows:
            continue
        names = [f"{row.item.project.name} · {row.item.name}" for row in rows]
        unit = ("town", user.town_id) if user.role == Role.TOWN else ("dept", user.department_id)
        by_unit.setdefault(unit, names)
        queued += notify(
            city=city,
            kind=Kind.REPORT_REMINDER,
            event=f"remind:user:{user.pk}:{key}",
            title=_("%(count)d items to report this week") % {"count": len(rows)},
            body=_reminder_text(names, left),
            url=reverse("web:my-work"),
            users=[user],
        )
    for (what, pk), names in by_unit.items():
        unit = Town.objects.get(pk=pk) if what == "town" else Department.objects.get(pk=pk)
        queued += notify(
            city=city,
            kind=Kind.REPORT_REMINDER,
            event=f"remind:{what}:{pk}:{key}",
            title=_("%(unit)s: %(count)d items to report this week")
            % {"unit": unit, "count": len(names)},
            body=_reminder_text(names, left),
            url=reverse("web:my-work"),
            towns=[unit] if what == "town" else [],
            departments=[unit] if what == "dept" else [],
        )
    return queued


def _reminder_text(names: list[str], left: int) -> str:
    head = (
        _("Reporting closes tomorrow.")
        if left == 1
        else _("Reporting closes in %(days)d days.") % {"days": left}
    )
    shown = "\n".join(f"- {name}" for name in names[:20])
    more = _("\n… and %(count)d more") % {"count": len(names) - 20} if len(names) > 20 else ""
    return f"{head}\n{shown}{more}"


def blocker_alerts(city: City, today: date | None = None) -> int:
    """Alert the owner department and the lead of blockers due within N days or overdue.

    N is the rules' ``blocker_due_days``. Every open blocker whose due date lies
    in ``today … today + N`` gets one due-soon alert, whenever it enters the
    window — also one raised inside it, or one whose window began before the
    worker ran — and one more when it is overdue (``blocker_overdue``). Each
    alert's key carries the due date, so a sweep repeated on any day adds
    nothing, while a blocker whose due date is moved is alerted again for its
    new date.
    """
    rules = rules_for(city)
    today = today or city_today(city)
    queued = 0
    # An answered problem waits for the office's 核实, not for its unit: no alert to it.
    open_ = blockers_due_within(today=today, days=rules.blocker_due_days).filter(
        owner_department__city=city, status=Blocker.Status.OPEN
    )
    for blocker in open_.select_related("work_item__project__owner_department", "owner_department"):
        overdue = blocker_overdue(blocker, today=today)
        lead = blocker.work_item.project.owner_department
        departments = [blocker.owner_department, lead]
        left = (blocker.due_on - today).days
        if overdue:
            title = _("Blocker overdue: %(item)s") % {"item": blocker.work_item.name}
        elif left == 0:
            title = _("Blocker due today: %(item)s") % {"item": blocker.work_item.name}
        else:
            title = _("Blocker due in %(days)d days: %(item)s") % {
                "item": blocker.work_item.name,
                "days": left,
            }
        body = _("%(description)s — due %(due)s, %(who)s responsible.") % {
            "description": blocker.description[:300],
            "due": blocker.due_on.isoformat(),
            "who": blocker.responsible_person,
        }
        what = "overdue" if overdue else "soon"
        queued += notify(
            city=city,
            kind=Kind.BLOCKER_DUE,
            event=f"blocker:{blocker.pk}:{what}:{blocker.due_on.isoformat()}",
            title=title,
            body=body,
            url=reverse("web:item-detail", args=[blocker.work_item_id]),
            users=unit_users(departments=departments),
            departments=departments,
        )
    return queued


#: Days before a notice's answer date that its unit is reminded.
ANSWER_REMINDER_DAYS = 2


def answer_alerts(city: City, today: date | None = None) -> int:
    """Remind each unit of a notice whose answer (整改反馈) is due within two days, and
    when the date has passed without one tell the unit and the office (the worker's
    sweep). Each alert's key carries the due date: a sweep repeated adds nothing."""
    today = today or city_today(city)
    queued = 0
    soon = answers_due(city=city, first=today, last=today + timedelta(ANSWER_REMINDER_DAYS))
    late = answers_overdue(city=city, today=today)
    for event, overdue in [(e, False) for e in soon] + [(e, True) for e in late]:
        item = event.work_item
        towns = [event.town] if event.town_id else []
        departments = [event.department] if event.department_id else []
        words = {"level": event.get_level_display(), "item": item.name}
        if overdue:
            title = _("No answer to the %(level)s: %(item)s") % words
        else:
            title = _("Answer the %(level)s by %(date)s: %(item)s") % {
                **words,
                "date": f"{event.reply_by.month}月{event.reply_by.day}日",
            }
        body = _("%(project)s · %(item)s — the answer (整改反馈) is due %(date)s.") % {
            "project": item.project.name,
            "item": item.name,
            "date": chinese_date(event.reply_by),
        }
        users = unit_users(towns=towns, departments=departments)
        if overdue:
            users = users + office_users(city=city)
        queued += notify(
            city=city,
            kind=Kind.ESCALATION,
            event=f"answer-due:{event.pk}:{'late' if overdue else 'soon'}:{event.reply_by}",
            title=title,
            body=body,
            url=reverse("supervision:escalation", args=[event.pk]),
            users=users,
            towns=towns,
            departments=departments,
            office=overdue,
        )
    return queued


def rules_save(*, actor, city: City, **values) -> Rules:
    """Change the city's notification rules (the supervision office), audited."""
    require(is_supervisor(actor), user=actor, action="notify_rules_save", target=city)
    with transaction.atomic():
        rules = Rules.objects.select_for_update().get_or_create(city=city)[0]
        for field, value in values.items():
            setattr(rules, field, value)
        rules.full_clean()
        rules.save()
        audit_record(
            user=actor,
            action="notify_rules_save",
            target=city,
            detail={k: str(v) for k, v in values.items()},
        )
    return rules


def robot_save(*, actor, robot: Robot) -> Robot:
    """Add or change a group robot (the supervision office), audited without its secret.

    A robot enabled again must pass the address check (``Robot.clean``); its old
    reason for being paused goes.
    """
    require(is_supervisor(actor), user=actor, action="notify_robot_save", target=robot.city)
    with transaction.atomic():
        if robot.enabled:
            robot.paused_reason = ""
        robot.full_clean()
        robot.save()
        audit_record(
            user=actor,
            action="notify_robot_save",
            target=robot,
            detail={"name": robot.name, "kind": robot.kind, "unit": robot.unit},
        )
    return robot


def robot_refuse(*, robot: Robot, reason: str) -> bool:
    """Pause *robot*, whose address failed the check, with *reason*; by the server itself.

    Audited as a change of the robot with no one's name on it; False when it
    was paused already.
    """
    reason = reason[:300]
    with transaction.atomic():
        paused = Robot.objects.filter(pk=robot.pk, enabled=True).update(
            enabled=False, paused_reason=reason
        )
        if paused:
            robot.enabled, robot.paused_reason = False, reason
            detail = {"name": robot.name, "kind": robot.kind, "unit": robot.unit}
            audit_record(
                user=None,
                action="notify_robot_save",
                target=robot,
                detail={**detail, "paused": reason},
            )
    return bool(paused)


def robots_check() -> int:
    """Pause every enabled robot whose address the server may not post to now (the sweep)."""
    paused = 0
    for robot in Robot.objects.filter(enabled=True).select_related("town", "department"):
        problem = robot.address_problem
        if problem:
            paused += robot_refuse(robot=robot, reason=problem)
    return paused


def robot_secrets_reseal() -> tuple[int, int]:
    """Seal every robot's secret again with the first key of GUATU_DATA_KEY (a change of key).

    Returns (sealed again, not opened by any key: left as they were). Run from the
    command line (``guatu notify --reseal``), by whoever holds the keys.
    """
    resealed = unreadable = 0
    with transaction.atomic():
        for robot in Robot.objects.select_for_update().exclude(secret=""):
            if isinstance(robot.secret, Unreadable):
                unreadable += 1
                continue
            robot.save(update_fields=["secret"])  # sealed anew with the first key
            resealed += 1
    return resealed, unreadable


def robot_delete(*, actor, robot: Robot) -> None:
    require(is_supervisor(actor), user=actor, action="notify_robot_delete", target=robot.city)
    with transaction.atomic():
        audit_record(
            user=actor, action="notify_robot_delete", target=robot, detail={"name": robot.name}
        )
        robot.delete()


def preferences_save(*, actor, email: bool, mobile: str) -> Preference:
    """Change one's own channels (anyone, for themselves only), audited without the number."""
    if not getattr(actor, "is_authenticated", False):
        require(False, user=actor, action="notify_preferences_save", target=None)
    with transaction.atomic():
        preference = Preference.objects.select_for_update().get_or_create(user=actor)[0]
        preference.email, preference.mobile = email, mobile
        preference.full_clean()
        preference.save()
        audit_record(
            user=actor,
            action="notify_preferences_save",
            target=preference,
            detail={"email": email, "mobile": bool(mobile)},
        )
    return preference


def notices_read(*, user, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Mark *user*'s notices read (all of them without *ids*); nobody else's."""
    found = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        found = found.filter(pk__in=list(ids))
    return found.update(read_at=now or timezone.now())


def on_adjustment_step(adjustment, action: str) -> int:
    """A step of a 节点调整 to whoever acts next and to its proposer, with the reason.

    proposed / resubmitted → the office (a request the office made itself goes to the
    leaders); reviewed → the city's leaders, and the proposer learns it went up;
    returned / refused → the proposer; approved / rejected → the proposer, the office
    and the item's own units. The person who took the step is not told of it.
    """
    item = adjustment.work_item
    project = item.project
    city = project.city
    proposer = adjustment.proposed_by
    last_two = list(adjustment.steps.select_related("actor").order_by("-id")[:2])
    step = last_two[0] if last_two else None
    actor = step.actor if step else None
    words = {"item": item.name, "project": project.name}
    titles = {
        "proposed": _("Node adjustment to review: %(item)s"),
        "resubmitted": _("Node adjustment revised, to review: %(item)s"),
        "reviewed": _("Node adjustment to decide: %(item)s"),
        "returned": _("Node adjustment returned for revision: %(item)s"),
        "refused": _("Node adjustment refused by the office: %(item)s"),
        "approved": _("Node adjustment approved: %(item)s"),
        "rejected": _("Node adjustment rejected: %(item)s"),
        "withdrawn": _("Node adjustment withdrawn by its proposer: %(item)s"),
    }
    office = leaders = False
    users: list = []
    towns: list = []
    departments: list = []
    if action in ("proposed", "resubmitted"):
        if adjustment.status == "reviewed":  # the office's own request: to a leader
            leaders, titles[action] = True, titles["reviewed"]
        else:
            office = True
    elif action == "reviewed":
        leaders = True
        users.append(proposer)  # told below in words of its own: it went to a leader
    elif action == "withdrawn":
        # Whoever was to act: the office, and the leaders if it was before them.
        office = True
        before = last_two[1] if len(last_two) > 1 else None
        leaders = before is not None and (
            before.action == "reviewed"
            or (before.action == "proposed" and adjustment.reviewed_by_id == proposer.pk)
        )
    elif action in ("returned", "refused"):
        users.append(proposer)
    else:  # approved, rejected
        office = True
        users.append(proposer)
        towns = [item.town] if item.town_id else []
        departments = [item.owner_department] if item.owner_department_id else []
        users += unit_users(towns=towns, departments=departments)
    if office:
        users += office_users(city=city)
    if leaders:
        users += User.objects.filter(is_active=True, role=Role.LEADER, city=city)
    if proposer.town_id and proposer in users:
        towns = [*towns, proposer.town]
    if proposer.department_id and proposer in users:
        departments = [*departments, proposer.department]
    users = [user for user in users if actor is None or user.pk != actor.pk]
    event = f"adjustment:{adjustment.pk}:{step.pk if step else action}"
    notices_settled(prefix=f"adjustment:{adjustment.pk}:", keep=event)
    body = _adjustment_text(adjustment, step)
    url = reverse("baselines:request", args=[adjustment.pk])
    if action == "reviewed" and proposer in users:
        # The proposer cannot decide: they learn it went to a leader, with the opinion.
        users.remove(proposer)
        notify(
            city=city,
            kind=Kind.ADJUSTMENT,
            event=f"{event}:proposer",
            title=_("Node adjustment forwarded to a city leader: %(item)s") % words,
            body=body,
            url=url,
            users=[proposer],
            towns=[proposer.town] if proposer.town_id else [],
            departments=[proposer.department] if proposer.department_id else [],
        )
        towns = [town for town in towns if town != proposer.town]
        departments = [d for d in departments if d != proposer.department]
    return notify(
        city=city,
        kind=Kind.ADJUSTMENT,
        event=event,
        title=titles.get(action, titles["proposed"]) % words,
        body=body,
        url=url,
        users=users,
        towns=list(dict.fromkeys(towns)),
        departments=list(dict.fromkeys(departments)),
        office=office,
    )


def _adjustment_text(adjustment, step) -> str:
    """What is asked (node, duration, target: before → after) and the step's reason."""
    lines = [f"{adjustment.work_item.project.name} · {adjustment.work_item.name}"]
    lines += adjustment.changes(day=chinese_date)
    if step is not None and step.note:
        lines.append(_("%(who)s: %(note)s") % {"who": step.actor, "note": step.note[:300]})
    return "\n".join(lines)


def office_reminder_event(due, today: date) -> str:
    """The key of the office's reminder to one unit on one day (once a day a unit)."""
    return f"remind:office:{due.kind}:{due.unit.pk}:{today.isoformat()}"


def sent(events) -> set[str]:
    """Which of *events* reached someone: an inbox notice or a queued delivery."""
    events = list(events)
    found = set(Notice.objects.filter(event__in=events).values_list("event", flat=True))
    return found | set(Delivery.objects.filter(event__in=events).values_list("event", flat=True))


def reminded_today(units, today: date) -> set[str]:
    """The keys of those of *units* the office has reminded today."""
    return sent(office_reminder_event(due, today) for due in units)


def unreported_remind(*, actor, city: City, today: date | None = None) -> int:
    """The office reminds exactly the units that have not reported this week (their people
    and their robots), each with its own list; once a day at most per unit. Answers how
    many units were reminded (0 when all were reminded today already)."""
    require(is_supervisor(actor), user=actor, action="notify_unreported_remind", target=city)
    today = today or city_today(city)
    reminded = 0
    with transaction.atomic():
        for due in units_not_reported(city, today):
            town = due.kind == "town"
            names = [f"{row.item.project.name} · {row.item.name}" for row in due.rows]
            event = office_reminder_event(due, today)
            if sent([event]):
                continue
            notify(
                always=True,  # the office's own act, not the weekly automatic reminder
                city=city,
                kind=Kind.REPORT_REMINDER,
                event=event,
                title=_("The supervision office: %(unit)s has %(count)d items to report this week")
                % {"unit": due.unit, "count": len(names)},
                body="\n".join(f"- {name}" for name in names[:20])
                + (
                    _("\n… and %(count)d more") % {"count": len(names) - 20}
                    if len(names) > 20
                    else ""
                ),
                url=reverse("web:my-work"),
                users=unit_users(
                    towns=[due.unit] if town else [], departments=[] if town else [due.unit]
                ),
                towns=[due.unit] if town else [],
                departments=[] if town else [due.unit],
            )
            # Reminded when someone or a group robot got it (a unit with nobody to tell
            # is not counted, and is tried again on the next press).
            reminded += bool(sent([event]))
        audit_record(
            user=actor,
            action="notify_unreported_remind",
            target=city,
            detail={"units": reminded, "day": today.isoformat()},
        )
    return reminded


def notice_settled(event: str) -> int:
    """Mark read the unread notices of exactly *event* (``review:1`` is not ``review:12``)."""
    return Notice.objects.filter(event=event, read_at__isnull=True).update(read_at=timezone.now())


def notices_settled(*, prefix: str, keep: str = "") -> int:
    """Mark read every unread notice of an event whose key starts with *prefix* (but
    *keep*'s): the step it asked for was taken — by its reader or by someone else — and
    a new notice says where things stand. An inbox keeps no stale calls to act."""
    found = Notice.objects.filter(event__startswith=prefix, read_at__isnull=True)
    if keep:
        found = found.exclude(event__startswith=keep)
    return found.update(read_at=timezone.now())


def on_report_reviewed(review) -> int:
    """The office's check of a report above its target (超目标待核实) to whoever reported
    it, with the note: they learn whether it counts. The office's own notice to verify it
    is settled."""
    report = review.report
    item = report.work_item
    notice_settled(f"review:{report.pk}")
    confirmed = review.decision == "confirmed"
    title = (
        _("Your report was confirmed: %(item)s")
        if confirmed
        else _("Your report was not confirmed: %(item)s")
    ) % {"item": item.name}
    body = _("%(percent)s%% as of %(date)s. The supervision office: %(note)s") % {
        "percent": report.percent_complete,
        "date": report.reported_on.isoformat(),
        "note": review.note[:300] or "—",
    }
    reporter = report.reported_by
    return notify(
        city=item.project.city,
        kind=Kind.REVIEW,
        event=f"reviewed:{report.pk}",
        title=title,
        body=body,
        url=reverse("web:item-detail", args=[item.pk]),
        users=[reporter] if reporter and reporter.pk != review.reviewed_by_id else [],
        towns=[reporter.town] if reporter and reporter.town_id else [],
        departments=[reporter.department] if reporter and reporter.department_id else [],
    )
