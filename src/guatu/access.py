"""The access module: who may write what, by DESIGN.md's roles, in one place.

- town (镇街区): reports and blockers on its own town's work items only;
- department (部门): reports on the items it owns, blockers it owns;
- supervisor (督查办): manages everything (projects, schedules, links, imports,
  rules, bulletins), reviews above-target reports, escalates blockers;
- leader (市领导) and admin (系统管理员): read; the admin manages users.

Every write service takes the acting user and calls ``require`` with one of
the predicates below before it touches anything; pages add ``role_required``
in front so a refused page never renders its form. Every refusal, whatever
the path (page, API, command, admin), raises ``PermissionDenied`` (403) and
is written to the audit log as a denied attempt.
"""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse

from guatu.accounts.models import Role
from guatu.audit.context import current_origin
from guatu.audit.services import audit_record

if TYPE_CHECKING:  # the predicates read attributes only: no import of the apps above
    from guatu.progress.models import Blocker
    from guatu.projects.models import WorkItem


def is_supervisor(user) -> bool:
    """The supervision office (督查办) — or a superuser, who may do what it does."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.role == Role.SUPERVISOR or user.is_superuser
    )


def reports_own_items(user) -> bool:
    """A town's or a department's official: reports, but only on their own items."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in (
        Role.TOWN,
        Role.DEPARTMENT,
    )


def can_report(user, item: "WorkItem") -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.SUPERVISOR:
        return True
    if user.role == Role.TOWN:
        return item.town_id is not None and item.town_id == user.town_id
    if user.role == Role.DEPARTMENT:
        return item.owner_department_id is not None and (
            item.owner_department_id == user.department_id
        )
    return False


def can_report_investment(user, project) -> bool:
    """A project's monthly investment: its responsible town, its lead department, the office."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.SUPERVISOR:
        return True
    if user.role == Role.TOWN:
        return (
            project.responsible_town_id is not None and project.responsible_town_id == user.town_id
        )
    if user.role == Role.DEPARTMENT:
        return project.owner_department_id == user.department_id
    return False


def can_approve_exemption(user) -> bool:
    """A unit kept off the 红黑榜 for a month: a city leader approves it (and so records it)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.role == Role.LEADER or user.is_superuser
    )


def can_open_blocker(user, item: "WorkItem") -> bool:
    return can_report(user, item)


def can_manage_blocker(user, blocker: "Blocker") -> bool:
    """Resolve or update: the owner department, or the supervision office."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.SUPERVISOR:
        return True
    return user.role == Role.DEPARTMENT and blocker.owner_department_id == user.department_id


def can_escalate_blocker(user, blocker: "Blocker") -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.role in (Role.SUPERVISOR, Role.TOWN, Role.DEPARTMENT)
        and (user.role == Role.SUPERVISOR or can_open_blocker(user, blocker.work_item))
    )


def can_answer_problem(user, blocker: "Blocker") -> bool:
    """反馈 on a problem: its owner department, or the town of its item (the office verifies
    the answer; it does not give it)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.DEPARTMENT:
        return blocker.owner_department_id == user.department_id
    return user.role == Role.TOWN and can_report(user, blocker.work_item)


def can_instruct_problem(user, blocker: "Blocker") -> bool:
    """A 批示 on a problem at level 3 or 4: a leader of the city."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.LEADER


def can_manage_park(user, park) -> bool:
    """Criteria, evaluations, screening and units of a park: its town, or the office."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_supervisor(user):
        return True
    return user.role == Role.TOWN and user.town_id == park.town_id


# --- reading ----------------------------------------------------------------
# The wall chart is shared: every signed-in official reads every project, item,
# light, report figure, ranking and the ledger (a city publishes its rankings,
# and towns learn from each other's pace). Two things are not shared: site
# photos (people, homes, land being cleared) and enterprises' applications to a
# park (tax, output, energy — business figures given to one park).


def reads_everything(user) -> bool:
    """Leaders and the supervision office read all, photos and applications included."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.role in (Role.LEADER, Role.SUPERVISOR) or user.is_superuser
    )


def can_see_photos(user, item: "WorkItem") -> bool:
    """Site photos: the item's own town or department, leaders and the office."""
    return reads_everything(user) or can_report(user, item)


def can_see_investment_files(user, project) -> bool:
    """A month's 形象进度 photos and 确认单: those who report the project, leaders and the
    office (as site photos)."""
    return reads_everything(user) or can_report_investment(user, project)


def can_see_applications(user, park) -> bool:
    """A park's applications and their figures: the park's town, leaders and the office."""
    return reads_everything(user) or can_manage_park(user, park)


def can_set_up_city(user) -> bool:
    """A new city from its organisation workbook: the system administrator on the page;
    with no user, only the machine's operator at the command line (``guatu city init``)."""
    if user is None:
        return current_origin.get().channel == "cli"
    return bool(getattr(user, "is_authenticated", False)) and (
        user.role == Role.ADMIN or user.is_superuser
    )


def can_manage_projects(user) -> bool:
    """Projects, work items, links, plans and imports: the supervision office."""
    return is_supervisor(user)


def can_manage_task_force(user) -> bool:
    """A project's 工作专班 (roles, names, units, phones): the supervision office."""
    return is_supervisor(user)


def can_edit_places(user) -> bool:
    """Where projects, items and towns lie on the map (their geometry, map files): the office."""
    return is_supervisor(user)


def can_read_agenda(user, leader) -> bool:
    """A leader's monthly 会办 agenda: the leader's own, or any leader's for the office
    (which prepares the meetings); towns and departments read none."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_supervisor(user):
        return True
    return user.role == Role.LEADER and leader is not None and leader.pk == user.pk


def can_manage_calendar(user) -> bool:
    """The city's working calendar (days off, extra working days): the supervision
    office, or the city's system administrator who keeps the organisation."""
    return is_supervisor(user) or (
        bool(getattr(user, "is_authenticated", False)) and user.role == Role.ADMIN
    )


def can_freeze_baseline(user) -> bool:
    """Freezing a project's plan as its baseline: the supervision office or a leader."""
    return is_supervisor(user) or (
        bool(getattr(user, "is_authenticated", False)) and user.role == Role.LEADER
    )


def can_propose_adjustment(user, item: "WorkItem") -> bool:
    """Asking to move a time node (节点调整): the item's own town or department, or the office."""
    if is_supervisor(user):
        return True
    return can_report(user, item) and user.role in (Role.TOWN, Role.DEPARTMENT)


def can_answer_notice(user, escalation) -> bool:
    """Answering a notice of the ladder (整改反馈): the rung's own town or department only."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.TOWN:
        return escalation.town_id is not None and escalation.town_id == user.town_id
    if user.role == Role.DEPARTMENT:
        return escalation.department_id is not None and (
            escalation.department_id == user.department_id
        )
    return False


def can_see_escalation(user, escalation) -> bool:
    """A rung of the ladder: a town or department sees its own unit's only; the others
    who read the ladder (leaders, the office, the admin) see every rung of their city."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role in (Role.TOWN, Role.DEPARTMENT):
        return can_answer_notice(user, escalation)
    return True


def can_see_notice_answers(user, escalation) -> bool:
    """A unit's answers to a notice and their files: the unit, leaders and the office."""
    return reads_everything(user) or can_answer_notice(user, escalation)


def can_decide_adjustment(user) -> bool:
    """Approving or rejecting a node adjustment: a city leader (or a superuser)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.role == Role.LEADER or user.is_superuser
    )


def require(allowed: bool, *, user, action: str, target: models.Model | None) -> None:
    """Raise ``PermissionDenied`` and audit the attempt unless *allowed*.

    Call it before opening a transaction: a refusal inside one would roll its
    own audit entry back.
    """
    if not allowed:
        audit_record(user=user, action=action, target=target, allowed=False)
        raise PermissionDenied(action)


def role_required(*roles: str) -> Callable:
    """Let only users with one of *roles* through; anyone else gets 403, audited.

    The denial is recorded with the page and method in its detail (a page
    acts on no one object).
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.role not in roles and not request.user.is_superuser:
                audit_record(
                    user=request.user,
                    action=f"page:{view.__name__}",
                    target=None,
                    detail={"path": request.path[:200], "method": request.method},
                    allowed=False,
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
