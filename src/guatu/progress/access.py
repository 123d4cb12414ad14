"""Who may write what, by DESIGN.md's roles; checked inside every write service.

- town (镇街区): reports and blockers on its own town's work items only;
- department (部门): reports on the items it owns, blockers it owns;
- supervisor (督查办): manages everything, escalates blockers;
- leader (市领导) and admin (系统管理员): read; the admin manages users.

A refusal raises ``PermissionDenied`` (403 on the web and the API) and is
written to the audit log as a denied attempt.
"""

from django.core.exceptions import PermissionDenied
from django.db import models

from guatu.accounts.models import Role
from guatu.audit.services import audit_record
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


def can_report(user, item: WorkItem) -> bool:
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


def can_open_blocker(user, item: WorkItem) -> bool:
    return can_report(user, item)


def can_manage_blocker(user, blocker: Blocker) -> bool:
    """Resolve or update: the owner department, or the supervision office."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.SUPERVISOR:
        return True
    return user.role == Role.DEPARTMENT and blocker.owner_department_id == user.department_id


def can_escalate_blocker(user, blocker: Blocker) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.role in (Role.SUPERVISOR, Role.TOWN, Role.DEPARTMENT)
        and (user.role == Role.SUPERVISOR or can_open_blocker(user, blocker.work_item))
    )


def require(allowed: bool, *, user, action: str, target: models.Model) -> None:
    """Raise ``PermissionDenied`` and log the attempt unless *allowed*."""
    if not allowed:
        audit_record(user=user, action=action, target=target, allowed=False)
        raise PermissionDenied(action)
