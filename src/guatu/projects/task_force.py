"""A project's 工作专班, written whole: its rows (role, name, title, unit or department, phone).

The office edits the 专班 on the project's own page (``web``'s 工作专班 page); the page
sends every row it shows and ``task_force_save`` makes the stored 专班 exactly that —
rows kept (by id), changed, added and removed together, or none of them: one refusal
anywhere and nothing is stored. Refusals come back at the row and the field
(``"<row>-<field>"``, the row counted from 0, as a formset names its forms), so the page
puts each under its own box. The five roles of the 五合一 (责任领导, 牵头单位负责人, 驻点干部,
业主联络人, 施工负责人) stand beside the 组长, 副组长 and 成员 (``TaskForceMember.Role``).
"""

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guatu.access import can_manage_task_force, require
from guatu.audit.services import audit_record
from guatu.projects.models import Project, TaskForceMember

#: The most rows a 专班 holds (a page sends no more; a bigger one is refused whole).
MAX_MEMBERS = 40
#: A phone as people write it: digits, "-", "+" and spaces (0579-87654321, +86 138 …).
PHONE = re.compile(r"[0-9+\- ]*")
PHONE_LENGTH = TaskForceMember._meta.get_field("phone").max_length
#: The fields a row carries, besides its id.
FIELDS = ("role", "name", "title", "unit", "department", "phone")


def phone_problem(phone: str) -> str | None:
    """What is wrong with *phone* (None: nothing): a character that is not a digit, "-",
    "+" or a space, or more than 30 characters. The form and the service share it."""
    if len(phone) > PHONE_LENGTH:
        return _("A phone number has at most %(count)d characters.") % {"count": PHONE_LENGTH}
    if not PHONE.fullmatch(phone):
        return _("Write a phone number with digits, “-”, “+” and spaces only.")
    return None


def _row_problems(project: Project, row: Mapping[str, Any], known: dict) -> dict[str, str]:
    problems: dict[str, str] = {}
    role = row.get("role") or ""
    if role not in TaskForceMember.Role.values:
        problems["role"] = _("Choose one of the roles.")
    name = (row.get("name") or "").strip()
    if not name:
        problems["name"] = _("Write the member's name.")
    for field in ("name", "title", "unit", "phone"):
        text = row.get(field) or ""
        limit = TaskForceMember._meta.get_field(field).max_length
        if "\x00" in text:
            problems[field] = _("The text contains a NUL character; remove it.")
        elif len(text) > limit:
            problems[field] = _("At most %(count)d characters.") % {"count": limit}
    if "phone" not in problems and (found := phone_problem(row.get("phone") or "")):
        problems["phone"] = found
    department = row.get("department")
    if department is not None and department.city_id != project.city_id:
        problems["department"] = _("Choose a department of the project's city.")
    member = row.get("id")
    if member is not None and member not in known:
        problems["id"] = _("This row is not one of the project's 专班 any more: reload the page.")
    return problems


def task_force_save(
    *, project: Project, actor, rows: Sequence[Mapping[str, Any]]
) -> list[TaskForceMember]:
    """Make *project*'s 工作专班 exactly *rows*, all of them or none.

    Each row is a mapping of ``FIELDS`` (``department`` a ``Department`` or None) and
    ``id``: a stored member of this project to change, or None for a new one; a stored
    member no row names is removed. Refused with ``ValidationError`` keyed
    ``"<row>-<field>"`` (the row counted from 0): a role not in the list, no name, a text
    too long or with a NUL, a phone with other characters than digits, "-", "+" and
    spaces, a department of another city, a second 组长 (``"<row>-role"``), an id of
    another project; more than ``MAX_MEMBERS`` rows at ``"__all__"``. Only the supervision
    office; one transaction, audited with the rows as they are stored.
    """
    require(can_manage_task_force(actor), user=actor, action="task_force_save", target=project)
    if len(rows) > MAX_MEMBERS:
        raise ValidationError(
            _("A 工作专班 has at most %(count)d members.") % {"count": MAX_MEMBERS}
        )
    with transaction.atomic():
        # Read under the project's row lock: two offices saving at once do not interleave.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        known = {member.pk: member for member in project.task_force.all()}
        problems: dict[str, list[str]] = {}
        leads = 0
        for index, row in enumerate(rows):
            found = _row_problems(project, row, known)
            if row.get("role") == TaskForceMember.Role.LEAD:
                leads += 1
                if leads > 1 and "role" not in found:
                    found["role"] = _("A task force has one lead.")
            for field, text in found.items():
                problems[f"{index}-{field}"] = [text]
        if problems:
            raise ValidationError(problems)
        kept = {row["id"] for row in rows if row.get("id") is not None}
        removed = [pk for pk in known if pk not in kept]
        # Removed first, and a changed 组长 written after the others: the database keeps
        # one lead a project at every statement, not only at the end.
        TaskForceMember.objects.filter(pk__in=removed).delete()
        ordered = sorted(
            enumerate(rows), key=lambda pair: pair[1].get("role") == TaskForceMember.Role.LEAD
        )
        stored: dict[int, TaskForceMember] = {}
        for index, row in ordered:
            member = known.get(row.get("id")) or TaskForceMember(project=project)
            for field in FIELDS:
                value = row.get(field)
                if field != "department":
                    value = (value or "").strip()
                setattr(member, field, value)
            member.full_clean(validate_constraints=False)
            member.save()
            stored[index] = member
        members = [stored[index] for index in range(len(rows))]
        audit_record(
            user=actor,
            action="task_force_save",
            target=project,
            detail={
                "removed": removed,
                "members": [
                    {
                        "id": member.pk,
                        "role": member.role,
                        "name": member.name,
                        "unit": member.unit or str(member.department or ""),
                        "phone": member.phone,
                    }
                    for member in members
                ],
            },
        )
    return members
