"""The office's writes for the public page: which projects, their approvals, the photo of a
month, and publishing a month. Each checks the role with ``require`` first, says what is
wrong by field, writes in one transaction and is audited."""

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guatu.access import is_supervisor, require
from guatu.audit.services import audit_record
from guatu.common.bounds import day_in_bounds
from guatu.investment.models import MonthPhoto
from guatu.investment.rules import month_end
from guatu.org.clock import city_time, city_today
from guatu.org.models import City
from guatu.progress.photos import display_copy
from guatu.progress.services import length_problem
from guatu.projects.models import Project
from guatu.public import cache
from guatu.public.content import snapshot_content
from guatu.public.models import (
    Approval,
    Disclosure,
    PhotoChoice,
    PublishedItem,
    Snapshot,
    SnapshotPhoto,
)

__all__ = [
    "FIRST_YEAR",
    "approval_add",
    "approval_remove",
    "disclosure_set",
    "photo_choose",
    "snapshot_publish",
]

#: The first year a month may be published for.
FIRST_YEAR = 2000
_LINE_BREAKS = ("\n", "\r", "\t")


def disclosure_set(*, actor, project: Project, disclosed: bool, today: date | None = None):
    """Put *project* on the city's public page (from today) or take it off."""
    require(is_supervisor(actor), user=actor, action="public_disclose", target=project)
    today = today or city_today(project.city)
    with transaction.atomic():
        row = Disclosure.everywhere.select_for_update().filter(project=project).first()
        if row is None:
            if not disclosed:
                return None
            row = Disclosure(project=project, since=today)
        elif row.disclosed == disclosed:
            return row
        # Chosen again, it keeps its first day: taking a project off and on never restarts
        # the 20-working-day clock of what arose meanwhile, nor drops an unpublished month.
        row.disclosed, row.changed_by, row.changed_at = disclosed, actor, timezone.now()
        row.save()
        audit_record(
            user=actor,
            action="public_disclose",
            target=project,
            detail={"disclosed": disclosed, "since": row.since.isoformat()},
        )
    return row


def _line_problem(text: str, limit: int) -> str | None:
    """What is wrong with one line of text: empty, a control character, too long."""
    if not text:
        return _("This field is required.")
    if any(mark in text for mark in _LINE_BREAKS):
        return _("The text contains a control character; remove it.")
    return length_problem(text, limit)


def approval_add(
    *,
    actor,
    project: Project,
    matter: str,
    authority: str,
    number: str,
    approved_on: date,
    today: date | None = None,
) -> Approval:
    """Record one of *project*'s approvals (批准结果信息)."""
    require(is_supervisor(actor), user=actor, action="public_approval_add", target=project)
    today = today or city_today(project.city)
    values = {"matter": matter.strip(), "authority": authority.strip(), "number": number.strip()}
    errors: dict[str, list[str]] = {}
    for name, text in values.items():
        limit = Approval._meta.get_field(name).max_length
        if problem := _line_problem(text, limit):
            errors[name] = [problem]
    if not day_in_bounds(approved_on) or approved_on > today:
        errors["approved_on"] = [
            _("An approval is dated on or before today (%(today)s).") % {"today": today}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        approval = Approval.objects.create(
            project=project, approved_on=approved_on, recorded_by=actor, **values
        )
        audit_record(
            user=actor,
            action="public_approval_add",
            target=project,
            detail={**values, "approved_on": approved_on.isoformat(), "approval": approval.pk},
        )
    return approval


def approval_remove(*, actor, approval: Approval) -> None:
    """Remove an approval recorded by mistake (a published snapshot keeps what it showed)."""
    project = approval.project
    require(is_supervisor(actor), user=actor, action="public_approval_remove", target=project)
    with transaction.atomic():
        detail = {
            "matter": approval.matter,
            "number": approval.number,
            "approved_on": approval.approved_on.isoformat(),
        }
        approval.delete()
        audit_record(user=actor, action="public_approval_remove", target=project, detail=detail)


def photo_choose(
    *, actor, project: Project, year: int, month: int, photo: MonthPhoto | None
) -> PhotoChoice | None:
    """Choose the 形象进度 photo shown for *project*'s month (None: show none)."""
    require(is_supervisor(actor), user=actor, action="public_photo_choose", target=project)
    if photo is not None and (
        photo.report.project_id != project.pk
        or (photo.report.year, photo.report.month) != (year, month)
    ):
        raise ValidationError(
            {"photo": [_("Choose a photo of this project's report of that month.")]}
        )
    with transaction.atomic():
        PhotoChoice.everywhere.filter(project=project, year=year, month=month).delete()
        choice = None
        if photo is not None:
            choice = PhotoChoice.objects.create(
                project=project, year=year, month=month, photo=photo, chosen_by=actor
            )
        audit_record(
            user=actor,
            action="public_photo_choose",
            target=project,
            detail={"year": year, "month": month, "photo": photo.pk if photo else None},
        )
    return choice


def snapshot_publish(
    *,
    actor,
    city: City,
    year: int,
    month: int,
    today: date | None = None,
    published_at: datetime | None = None,
) -> Snapshot:
    """Publish the city's *month* of *year*: freeze what the public sees (a new version if
    the month was published before), copy its photos, note each item's first publication.

    A month still running is published as of today; its progress is published once the
    month has ended (published again then: a new version)."""
    require(is_supervisor(actor), user=actor, action="public_publish", target=city)
    today = today or city_today(city)
    if not (FIRST_YEAR <= year <= today.year and 1 <= month <= 12) or (year, month) > (
        today.year,
        today.month,
    ):
        raise ValidationError(
            {
                "month": [
                    _("Choose a month between %(first)s-01 and this month (%(now)s).")
                    % {"first": FIRST_YEAR, "now": f"{today:%Y-%m}"}
                ]
            }
        )
    if not Disclosure.everywhere.filter(project__city=city, disclosed=True).exists():
        raise ValidationError(
            {"month": [_("Choose at least one project to disclose before publishing.")]}
        )
    written: list[SnapshotPhoto] = []
    try:
        with transaction.atomic():
            snapshot = _publish(
                actor, city, year, month, today, published_at or timezone.now(), written
            )
    except BaseException:
        # Files were written before the commit that failed: remove them.
        for photo in written:
            photo.image.delete(save=False)
        raise
    return snapshot


def _publish(
    actor, city: City, year: int, month: int, today: date, at: datetime, written: list
) -> Snapshot:
    # The city's row is the lock: two publishes of a month never take the same version.
    list(City.everywhere.select_for_update().filter(pk=city.pk).values_list("pk"))
    version = (
        Snapshot.everywhere.filter(city=city, year=year, month=month).aggregate(v=Max("version"))[
            "v"
        ]
        or 0
    ) + 1
    as_of = min(month_end(year, month), today)
    published = dict(PublishedItem.everywhere.filter(city=city).values_list("key", "published_on"))
    # The public page is the city's publication: written in its language, whoever publishes.
    with translation.override(settings.LANGUAGE_CODE):
        built = snapshot_content(
            city=city, year=year, month=month, as_of=as_of, published=published, today=today
        )
        built.content["version"] = version
        snapshot = Snapshot.objects.create(
            city=city,
            year=year,
            month=month,
            version=version,
            as_of=as_of,
            content=built.content,
            published_by=actor,
            published_at=at,
        )
        for number, photo in built.photos:
            record = SnapshotPhoto(snapshot=snapshot, number=number)
            written.append(record)
            record.image.save(
                f"{city.code}-{year}-{month:02d}-{number}.jpg",
                ContentFile(_public_copy(city, photo, built.content, number)),
                save=False,
            )
            record.save(force_insert=True)
    PublishedItem.objects.bulk_create(
        [
            PublishedItem(
                city=city, key=item.key, arose=item.arose, published_on=today, snapshot=snapshot
            )
            for item in built.items
            if item.key not in published
        ]
    )
    audit_record(
        user=actor,
        action="public_publish",
        target=snapshot,
        detail={
            "year": year,
            "month": month,
            "version": version,
            "projects": len(built.content["projects"]),
            "photos": len(built.photos),
        },
    )
    transaction.on_commit(lambda: cache.published(city))
    return snapshot


def _public_copy(city: City, photo: MonthPhoto, content: dict, number: int) -> bytes:
    """The photo as the public sees it: upright, screen-sized, its 水印 saying when it was
    taken and for what — not who uploaded it nor where the camera stood (the copy the office
    sees says both: a photo taken away from the site could show where someone lives).
    Drawn from the original, so nothing of its EXIF goes with it."""
    project = next(p for p in content["projects"] if p["photo"] == number)
    if photo.taken_at is not None:
        when = _("taken %(time)s (camera)") % {
            "time": f"{city_time(city, photo.taken_at):%Y-%m-%d %H:%M}"
        }
    else:
        when = _("time taken unknown (the photo does not record it)")
    subject = _("%(project)s · 形象进度 of %(year)s-%(month)02d") % {
        "project": project["name"],
        "year": content["year"],
        "month": content["month"],
    }
    with photo.image.open("rb") as handle:
        original = handle.read()
    return display_copy(original, [when, subject])
