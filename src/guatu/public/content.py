"""What a public snapshot holds: a whitelist of a disclosed project's fields, nothing else.

The content is built field by field from what the public may read — 项目代码, name,
建设单位, the approvals the office recorded, 计划开工/竣工, 实际开工, the month's progress
in figures and in words, the chosen photo — and never from a model as a whole, so a
field added to a project later (a person, a phone, a note) cannot slip into it.

The progress figures are the site's own: planned (序时) and actual % of the project's
work, weighted by planned value, as of the snapshot's day — ``progress.overview``'s one
computation, the one the bulletins' curves and the dashboard read. The words are the
month's 形象进度 as its investment report that counts gives it.

Free text written by people (the 形象进度, an approval's fields) could still name
someone. Every text of the content is therefore checked against every person the city's
records name (users, 工作专班 members and their phones, responsible leaders, the people
answering for problems), and each found is masked (``××``) before anything is stored.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from guatu.accounts.models import User
from guatu.core.limits import CONTROL
from guatu.investment.models import MonthlyReport, MonthPhoto
from guatu.investment.selectors import counted
from guatu.org.models import City
from guatu.progress.models import Blocker
from guatu.progress.overview import TASKS, progress_overview
from guatu.projects.models import Project, TaskForceMember
from guatu.public.items import (
    APPROVAL,
    PROGRESS,
    START,
    InfoItem,
    disclosed_projects,
    information_items,
)
from guatu.public.models import PhotoChoice

__all__ = ["MASK", "Built", "mask_people", "person_names", "snapshot_content"]

#: What a person's name or phone becomes in public text.
MASK = "××"
#: The shortest name masked: a single character would mask ordinary words.
SHORTEST = 2
#: A name's trailing remark in brackets: 王立新（示例） is also 王立新.
_REMARK = re.compile(r"\s*[（(][^（()）]*[)）]\s*$")
#: A phone number as people write one, whoever's it is: a mobile (138 0000 0001, +86 …) or a
#: landline with its area code (0579-87654321), not inside a longer number (a 文号).
_PHONE = re.compile(
    r"(?<!\d)(?:\+?86[-\s]?)?(?:1[3-9](?:[-\s]?\d){9}|0\d{2,3}[-\s]?\d{3,4}[-\s]?\d{4})(?!\d)"
)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９＋－", "0123456789+-")
#: A name of digits alone shorter than this (a 工号-style login such as "2019") is not
#: masked as a word: it would blank every year and 文号 (phones are masked by ``_PHONE``).
SHORTEST_NUMBER = 7
SCHEMA = 1


@dataclass
class Built:
    content: dict
    items: list[InfoItem]
    #: (number, photo) of each photo the snapshot copies, numbered as the content cites them.
    photos: list[tuple[int, MonthPhoto]]


def person_names(city: City) -> list[str]:
    """Every person's name, login and phone that the city's records hold, longest first."""
    found: set[str] = set()
    for username, full_name, first, last, mobile in User.everywhere.filter(
        Q(city=city) | Q(city__isnull=True) | Q(city=city.parent_id)
    ).values_list("username", "full_name", "first_name", "last_name", "mobile"):
        found.update((username, full_name, f"{last}{first}", first, last, mobile))
    for name, phone in TaskForceMember.everywhere.filter(project__city=city).values_list(
        "name", "phone"
    ):
        found.update((name, phone))
    found.update(Project.everywhere.filter(city=city).values_list("responsible_leader", flat=True))
    found.update(
        Blocker.everywhere.filter(work_item__project__city=city).values_list(
            "responsible_person", flat=True
        )
    )
    names = set()
    for value in found:
        value = (value or "").strip()
        for variant in (value, _REMARK.sub("", value)):
            if len(variant) >= SHORTEST and not (
                variant.isdigit() and len(variant) < SHORTEST_NUMBER
            ):
                names.add(variant)
    return sorted(names, key=lambda name: (-len(name), name))


def mask_people(text: str, names: list[str]) -> str:
    """*text* with each of *names* (longest first) and every phone number replaced by
    ``MASK``; control characters (which no feed or workbook carries) dropped, fullwidth
    digits made plain so that a phone written in them is seen."""
    text = CONTROL.sub("", text).translate(_FULLWIDTH_DIGITS)
    text = _PHONE.sub(MASK, text)
    for name in names:
        if name in text:
            text = text.replace(name, MASK)
    return text


def snapshot_content(
    *,
    city: City,
    year: int,
    month: int,
    as_of: date,
    published: dict[str, date],
    today: date,
) -> Built:
    """The content of the city's snapshot of *month* of *year* as of *as_of*.

    *published*: the day each item key was first published (``PublishedItem``); an item
    not in it is published *today*, by this snapshot.
    """
    disclosed = disclosed_projects(city)
    projects = [project for project, _since in disclosed]
    items = information_items(city, up_to=as_of, projects=disclosed)
    names = person_names(city)
    by_project: dict[int, list[InfoItem]] = {}
    for item in items:
        # A month's progress belongs to that month's snapshot: earlier months had their own.
        if item.kind == PROGRESS and item.month != (year, month):
            continue
        by_project.setdefault(item.project.pk, []).append(item)
    words = dict(
        MonthlyReport.everywhere.filter(
            counted(), project__in=projects, year=year, month=month
        ).values_list("project_id", "progress_text")
    )
    chosen = {
        choice.project_id: choice.photo
        for choice in PhotoChoice.everywhere.filter(
            project__in=projects, year=year, month=month
        ).select_related("photo")
    }
    photos: list[tuple[int, MonthPhoto]] = []
    rows = []
    for project in projects:
        photo_number = None
        if project.pk in chosen:
            photo_number = len(photos) + 1
            photos.append((photo_number, chosen[project.pk]))
        rows.append(
            {
                "project_code": project.project_code,
                "name": mask_people(project.name, names),
                "builder": mask_people(project.builder, names),
                "planned_start": _iso(project.planned_groundbreaking),
                "planned_completion": _iso(project.planned_completion),
                "started": _iso(project.groundbreaking)
                if project.groundbreaking and project.groundbreaking <= as_of
                else None,
                "progress": _progress(city, project, as_of),
                "words": mask_people((words.get(project.pk) or "").strip(), names),
                "photo": photo_number,
                "items": [
                    _item(item, published.get(item.key, today), names)
                    for item in by_project.get(project.pk, [])
                ],
            }
        )
    content = {
        "schema": SCHEMA,
        "city": {"name": city.name, "code": city.code, "issuer": city.issuer},
        "year": year,
        "month": month,
        "as_of": as_of.isoformat(),
        "published_on": today.isoformat(),
        "projects": rows,
    }
    included = [item for project in projects for item in by_project.get(project.pk, [])]
    return Built(content, included, photos)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _item(item: InfoItem, published: date, names: list[str]) -> dict:
    row = {"kind": item.kind, "arose": item.arose.isoformat(), "published": published.isoformat()}
    if item.kind == APPROVAL:
        approval = item.approval
        row.update(
            matter=mask_people(approval.matter, names),
            authority=mask_people(approval.authority, names),
            number=mask_people(approval.number, names),
        )
    elif item.kind == PROGRESS:
        year, month = item.month
        row["month"] = f"{year:04d}-{month:02d}"
    elif item.kind != START:  # pragma: no cover - the kinds are closed
        raise ValueError(item.kind)
    return row


def _progress(city: City, project: Project, as_of: date) -> dict | None:
    """Planned and actual % of the project's work as of *as_of* (None: no scheduled work)."""
    overview = progress_overview(city=city, as_of=as_of, items=TASKS & Q(project=project))
    if not len(overview.table.pks):
        return None
    progress = overview.progress
    return {"planned": progress.planned, "actual": progress.actual}
