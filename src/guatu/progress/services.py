"""Write paths for progress: submitting a report, opening and resolving blockers.

Reports are only ever inserted (the database refuses anything else). A
report may be given in another unit of the same dimension as its work item
(平方米 for an item in 亩): it is converted exactly; a unit of another
dimension is refused with a message that says why.
"""

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guatu.audit.services import audit_record
from guatu.core.errors import UnitError
from guatu.core.units import convert, parse_unit
from guatu.errors import as_validation_error
from guatu.org.clock import city_today
from guatu.progress.access import (
    can_escalate_blocker,
    can_manage_blocker,
    can_open_blocker,
    can_report,
    is_supervisor,
    require,
)
from guatu.progress.models import Blocker, ProgressReport, StatusRuleSet
from guatu.progress.photos import check_photos, save_photos
from guatu.progress.selectors import latest_reports
from guatu.projects.models import WorkItem

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _percent(done: Decimal, target: Decimal) -> Decimal:
    return (done * HUNDRED / target).quantize(CENT, rounding=ROUND_HALF_EVEN)


def report_submit(
    *,
    work_item: WorkItem,
    reported_by,
    reported_on: date,
    quantity: Decimal | None = None,
    unit: str = "",
    percent: Decimal | None = None,
    note: str = "",
    supersedes: ProgressReport | None = None,
    correction_reason: str = "",
    today: date | None = None,
    photos: Sequence = (),
) -> ProgressReport:
    """Record the cumulative progress of *work_item* at *reported_on*.

    An item with a target quantity is reported by quantity (in *unit*, the
    item's unit by default); one without, by *percent*. A correction names
    the report it *supersedes* and gives a *correction_reason*.

    Raises ``ValidationError`` keyed by field, with every problem found.
    """
    require(
        can_report(reported_by, work_item),
        user=reported_by,
        action="report_correct" if supersedes is not None else "report_submit",
        target=work_item,
    )
    today = today or city_today(work_item.project.city)
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if reported_on > today:
        refuse("reported_on", _("The date %(date)s is in the future.") % {"date": reported_on})
    if reported_on < work_item.project.start_date:
        refuse(
            "reported_on",
            _("The date %(date)s is before the project started (%(start)s).")
            % {"date": reported_on, "start": work_item.project.start_date},
        )
    elif work_item.planned_start is not None and reported_on < work_item.planned_start:
        refuse(
            "reported_on",
            _("The date %(date)s is before the work item's planned start (%(start)s).")
            % {"date": reported_on, "start": work_item.planned_start},
        )

    quantity_done = None
    entered_unit = ""
    if work_item.quantity_target is not None:
        if quantity is None:
            refuse("quantity", _("Enter the cumulative quantity done."))
        elif quantity < 0:
            refuse("quantity", _("A quantity cannot be negative."))
        else:
            try:
                source = parse_unit(unit or work_item.unit)
                quantity_done = convert(quantity, source, work_item.unit)
                entered_unit = source.code
            except UnitError as error:
                refuse("unit", as_validation_error(error).messages[0])
            else:
                percent = _percent(quantity_done, work_item.quantity_target)
    elif percent is None:
        refuse("percent", _("Enter the percentage complete."))
    elif percent < 0:
        refuse("percent", _("A percentage cannot be negative."))
    else:
        percent = Decimal(percent).quantize(CENT, rounding=ROUND_HALF_EVEN)

    if supersedes is not None:
        if supersedes.work_item_id != work_item.pk:
            refuse("supersedes", _("A correction must be for the same work item."))
        if not correction_reason.strip():
            refuse("correction_reason", _("A correction must give its reason."))
    if percent is not None and percent > HUNDRED and not note.strip():
        refuse(
            "note",
            _("%(percent)s%% is above the target: explain it in the note.") % {"percent": percent},
        )
    checked_photos, photo_problems = check_photos(photos)
    for problem in photo_problems:
        refuse("photos", problem)
    if errors:
        raise ValidationError(errors)

    stored: list = []
    try:
        with transaction.atomic():
            # Lock the item so two reports for it are checked one after the other.
            WorkItem.objects.select_for_update().filter(pk=work_item.pk).first()
            if (
                supersedes is not None
                and ProgressReport.objects.filter(supersedes=supersedes).exists()
            ):
                raise ValidationError(
                    {
                        "supersedes": _(
                            "That report has already been corrected; correct the correction."
                        )
                    }
                )
            previous = latest_reports(work_item_ids=[work_item.pk], as_of=reported_on).get(
                work_item.pk
            )
            if (
                supersedes is None
                and previous is not None
                and percent is not None
                and percent < previous.percent_complete
            ):
                raise ValidationError(
                    {
                        "quantity" if work_item.quantity_target is not None else "percent": _(
                            "Progress cannot go down (%(new)s%% after %(old)s%% on %(date)s) "
                            "unless it corrects an earlier report."
                        )
                        % {
                            "new": percent,
                            "old": previous.percent_complete,
                            "date": previous.reported_on,
                        }
                    }
                )
            report = ProgressReport(
                work_item=work_item,
                reported_on=reported_on,
                quantity_done=quantity_done,
                quantity_entered=quantity if work_item.quantity_target is not None else None,
                unit_entered=entered_unit,
                percent_complete=percent,
                note=note,
                reported_by=reported_by,
                supersedes=supersedes,
                correction_reason=correction_reason,
            )
            report.full_clean(validate_unique=False)
            report.save(force_insert=True)
            stored.extend(save_photos(report, checked_photos))
            audit_record(
                user=reported_by,
                action="report_correct" if supersedes is not None else "report_submit",
                target=report,
                detail={
                    "work_item": work_item.pk,
                    "reported_on": reported_on.isoformat(),
                    "percent": str(percent),
                    "supersedes": supersedes.pk if supersedes else None,
                    "photos": [photo.image.name for photo in stored],
                },
            )
    except BaseException:
        # The photo files were written before the commit that failed: remove them.
        for photo in stored:
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
        raise
    return report


def blocker_open(
    *,
    actor,
    work_item: WorkItem,
    description: str,
    owner_department,
    responsible_person: str,
    opened_on: date,
    due_on: date,
) -> Blocker:
    """Open a 卡点 on *work_item*; its town is the item's."""
    require(can_open_blocker(actor, work_item), user=actor, action="blocker_open", target=work_item)
    blocker = Blocker(
        work_item=work_item,
        town=work_item.town,
        owner_department=owner_department,
        responsible_person=responsible_person,
        description=description,
        opened_on=opened_on,
        due_on=due_on,
    )
    blocker.full_clean()
    with transaction.atomic():
        blocker.save(force_insert=True)
        audit_record(
            user=actor, action="blocker_open", target=blocker, detail={"due_on": due_on.isoformat()}
        )
    return blocker


def blocker_resolve(*, actor, blocker: Blocker, resolution: str, resolved_on: date) -> Blocker:
    """Close *blocker* with its resolution (its owner department or the supervisor)."""
    require(
        can_manage_blocker(actor, blocker), user=actor, action="blocker_resolve", target=blocker
    )
    blocker.status = Blocker.Status.RESOLVED
    blocker.resolution = resolution
    blocker.resolved_on = resolved_on
    blocker.full_clean()
    with transaction.atomic():
        blocker.save(update_fields=["status", "resolution", "resolved_on"])
        audit_record(
            user=actor, action="blocker_resolve", target=blocker, detail={"resolution": resolution}
        )
    return blocker


def blocker_escalate(*, actor, blocker: Blocker) -> Blocker:
    """Escalate *blocker* to the supervision office (its town, owner or the supervisor)."""
    require(
        can_escalate_blocker(actor, blocker), user=actor, action="blocker_escalate", target=blocker
    )
    if blocker.status == Blocker.Status.RESOLVED:
        raise ValidationError({"status": _("A resolved blocker cannot be escalated.")})
    blocker.status = Blocker.Status.ESCALATED
    with transaction.atomic():
        blocker.save(update_fields=["status"])
        audit_record(user=actor, action="blocker_escalate", target=blocker)
    return blocker


def status_rules_change(
    *,
    actor,
    city,
    yellow_lag: Decimal,
    red_lag: Decimal,
    window_days: int = 28,
    s_curve: bool = False,
    note: str = "",
    valid_from: date | None = None,
) -> StatusRuleSet:
    """Add a new version of the lighting rules, valid from *valid_from* (today by default).

    Only the supervision office changes the rules, and never for days already
    judged: a version may not start before the city's today, so every past
    light stays explained by the rules in force on its date.
    """
    require(
        is_supervisor(actor),
        user=actor,
        action="rules_change",
        target=city,
    )
    today = city_today(city)
    valid_from = valid_from or today
    if valid_from < today:
        raise ValidationError(
            {
                "valid_from": _("Rules cannot be changed for the past: choose %(today)s or later.")
                % {"today": today}
            }
        )
    with transaction.atomic():
        latest = (
            StatusRuleSet.objects.select_for_update().filter(city=city).order_by("-version").first()
        )
        rules = StatusRuleSet(
            city=city,
            version=(latest.version + 1) if latest else 1,
            valid_from=valid_from,
            yellow_lag=yellow_lag,
            red_lag=red_lag,
            window_days=window_days,
            s_curve=s_curve,
            note=note,
            created_by=actor,
        )
        rules.full_clean()
        rules.save(force_insert=True)
        audit_record(
            user=actor,
            action="rules_change",
            target=rules,
            detail={
                "yellow_lag": str(yellow_lag),
                "red_lag": str(red_lag),
                "window_days": window_days,
                "s_curve": s_curve,
                "valid_from": valid_from.isoformat(),
            },
        )
    return rules
