"""Write paths for progress: submitting a report, opening and resolving blockers.

Reports are only ever inserted (the database refuses anything else). A
report may be given in another unit of the same dimension as its work item
(平方米 for an item in 亩): it is converted exactly; a unit of another
dimension is refused with a message that says why.
"""

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guatu.access import (
    can_open_blocker,
    can_report,
    is_supervisor,
    require,
)
from guatu.audit.services import audit_record
from guatu.common.events import BlockerOpened, ReportReviewed, ReportsStored, publish
from guatu.core.reporting import ItemTerms, Prior, ReportFigures, check_report
from guatu.errors import translate
from guatu.org.clock import city_today
from guatu.progress.models import Blocker, ProgressReport, ReportReview, StatusRuleSet
from guatu.progress.photos import check_photos, photo_files_delete, save_photos
from guatu.progress.selectors import item_record, report_counts
from guatu.projects.models import WorkItem

#: The longest note or reason a report keeps (characters).
NOTE_LIMIT = 5000
#: The longest description of a blocker, or of its resolution (characters).
DESCRIPTION_LIMIT = 500


def item_terms(
    *,
    today: date,
    project_start: date | None,
    planned_start: date | None,
    target: Decimal | None,
    unit: str,
) -> ItemTerms:
    """What a report on an item is judged against (an item without a target has no unit).

    The one constructor for every path: the form and the API through
    ``report_terms``, the ledger from the values it read.
    """
    return ItemTerms(
        today=today,
        project_start=project_start,
        planned_start=planned_start,
        target=target,
        unit=unit if target is not None else "",
    )


def report_terms(work_item: WorkItem, *, today: date | None = None) -> ItemTerms:
    """Return what a report on *work_item* is judged against (the city's today by default)."""
    return item_terms(
        today=today or city_today(work_item.project.city),
        project_start=work_item.project.start_date,
        planned_start=work_item.planned_start,
        target=work_item.quantity_target,
        unit=work_item.unit,
    )


def report_row(
    *,
    work_item_id: int,
    reported_on: date,
    figures: ReportFigures,
    note: str,
    reported_by,
    supersedes: ProgressReport | None = None,
    correction_reason: str = "",
) -> ProgressReport:
    """The row a report that passed ``check_report`` is stored as (not yet saved).

    The one constructor for every path (the form, the API, the ledger's bulk
    insert): a correction keeps its reason, anything else keeps none.
    """
    return ProgressReport(
        work_item_id=work_item_id,
        reported_on=reported_on,
        quantity_done=figures.quantity_done,
        quantity_entered=figures.quantity_entered,
        unit_entered=figures.unit_entered,
        percent_complete=figures.percent,
        note=note,
        above_target=figures.above_target,
        reported_by=reported_by,
        supersedes=supersedes,
        correction_reason=correction_reason if supersedes is not None else "",
    )


def report_record(reports) -> list[Prior]:
    """The reports in force as the core's ``Prior`` values, each keyed by its report."""
    return [
        Prior(
            reported_on=report.reported_on,
            percent=report.percent_complete,
            counts=report_counts(report),
            key=report,
        )
        for report in reports
    ]


_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f]")


def length_problem(text: str, limit: int) -> str | None:
    """The message for a text longer than *limit* characters (TextFields keep no limit),
    or holding a NUL character (PostgreSQL stores none in a text column: a 500 there)."""
    if "\x00" in text:
        return _("The text contains a NUL character; remove it.")
    if _CONTROL.search(text):  # no document (Word, XML) can carry them
        return _("The text contains a control character; remove it.")
    if len(text) <= limit:
        return None
    return _("At most %(limit)d characters (this has %(length)d).") % {
        "limit": limit,
        "length": len(text),
    }


def report_submit(
    *,
    work_item: WorkItem,
    reported_by,
    reported_on: date,
    quantity: Decimal | None = None,
    unit: str = "",
    percent: Decimal | None = None,
    note: str = "",
    above_target: bool = False,
    supersedes: ProgressReport | None = None,
    correction_reason: str = "",
    today: date | None = None,
    photos: Sequence = (),
    submitted_at: datetime | None = None,
) -> ProgressReport:
    """Record the cumulative progress of *work_item* at *reported_on*.

    The rules are the core's (``guatu.core.reporting``), the same for every
    path; this adds who may report, the photos and the write. A correction
    names the report it *supersedes* and gives a *correction_reason*.
    *submitted_at* is for loading past history (the demo's story); requests
    never pass it, so a live report is stamped with the time it arrives.

    Raises ``ValidationError`` keyed by field, with every problem found.
    """
    action = "report_correct" if supersedes is not None else "report_submit"
    require(can_report(reported_by, work_item), user=reported_by, action=action, target=work_item)
    terms = report_terms(work_item, today=today)
    errors, checked_photos = _submission_errors(
        work_item, supersedes, note, correction_reason, photos
    )

    stored: list = []
    try:
        with transaction.atomic():
            # Lock the item so two reports for it are checked one after the other.
            # The item was read in scope: the lock needs neither its city nor an order.
            list(
                WorkItem.everywhere.select_for_update()
                .filter(pk=work_item.pk)
                .order_by()
                .values_list("pk")
            )
            record = report_record(item_record(work_item).select_related("review"))
            corrects = _corrected(record, supersedes, correction_reason, errors)
            figures, problems = check_report(
                terms,
                reported_on=reported_on,
                quantity=quantity,
                unit=unit,
                percent=percent,
                note=note,
                above_target=above_target,
                corrects=corrects,
                correction_reason=correction_reason,
                record=record,
            )
            for problem in problems:
                errors.setdefault(problem.field, []).append(translate(problem))
            if errors:
                raise ValidationError(errors)
            report = report_row(
                work_item_id=work_item.pk,
                reported_on=reported_on,
                figures=figures,
                note=note,
                reported_by=reported_by,
                supersedes=supersedes,
                correction_reason=correction_reason,
            )
            report.work_item = work_item
            if submitted_at is not None:
                report.created_at = submitted_at
            # The core checked what the constraints say (and the database still
            # enforces them); the item and the user are the objects in hand.
            report.full_clean(
                exclude=("work_item", "reported_by", "supersedes"),
                validate_unique=False,
                validate_constraints=False,
            )
            report.save(force_insert=True)
            # A report just made is superseded by nothing: known without asking.
            ProgressReport._meta.get_field("superseded_by").set_cached_value(report, None)
            save_photos(report, checked_photos, stored)
            _report_audit(report, action, figures, stored)
            publish(ReportsStored((report,)))
    except BaseException:
        # The photo files were written before the commit that failed: remove them.
        photo_files_delete(stored)
        raise
    return report


def _submission_errors(
    work_item: WorkItem,
    supersedes: ProgressReport | None,
    note: str,
    correction_reason: str,
    photos: Sequence,
) -> tuple[dict[str, list[str]], list]:
    """What is wrong before the item's record is read (by field), and the photos that passed."""
    errors: dict[str, list[str]] = {}
    if supersedes is not None and supersedes.work_item_id != work_item.pk:
        errors["supersedes"] = [_("A correction must be for the same work item.")]
    for field, text in (("note", note), ("correction_reason", correction_reason)):
        if problem := length_problem(text, NOTE_LIMIT):
            errors.setdefault(field, []).append(problem)
    checked_photos, photo_problems = check_photos(photos)
    if photo_problems:
        errors.setdefault("photos", []).extend(photo_problems)
    return errors, checked_photos


def _corrected(
    record: list[Prior],
    supersedes: ProgressReport | None,
    correction_reason: str,
    errors: dict[str, list[str]],
) -> Prior | None:
    """The report in force that a correction *supersedes*, from the item's *record*.

    None for a new report; for a report already corrected itself, None with the
    error noted in *errors* (and the missing reason, if it is missing too).
    """
    if supersedes is None:
        return None
    corrects = next((prior for prior in record if prior.key == supersedes), None)
    if corrects is None:
        errors.setdefault("supersedes", []).append(
            _("That report has already been corrected; correct the correction.")
        )
        if not correction_reason.strip():
            errors["correction_reason"] = [_("A correction must give its reason.")]
    return corrects


def _report_audit(report: ProgressReport, action: str, figures: ReportFigures, photos) -> None:
    """The audit row of a report just stored: its figures, what it corrects, its photos' files."""
    audit_record(
        user=report.reported_by,
        action=action,
        target=report,
        detail={
            "work_item": report.work_item_id,
            "reported_on": report.reported_on.isoformat(),
            "percent": str(figures.percent),
            "above_target": figures.above_target,
            "supersedes": report.supersedes_id,
            "photos": [photo.image.name for photo in photos],
        },
    )


def report_review(*, actor, report: ProgressReport, confirm: bool, note: str = "") -> ReportReview:
    """Confirm or reject a report flagged 超目标待核实 (the supervision office).

    A confirmed report counts for progress from then on (it may make the item
    完成); a rejected one never does, and the town reports the true figure as
    a correction of it.
    """
    require(is_supervisor(actor), user=actor, action="report_review", target=report.work_item)
    if not report.above_target:
        raise ValidationError(_("Only reports above the target are reviewed."))
    if not confirm and not note.strip():
        raise ValidationError({"note": _("Say why the figure is rejected.")})
    with transaction.atomic():
        if ReportReview.objects.filter(report=report).exists():
            raise ValidationError(_("This report has already been reviewed."))
        review = ReportReview(
            report=report,
            decision=ReportReview.Decision.CONFIRMED if confirm else ReportReview.Decision.REJECTED,
            note=note,
            reviewed_by=actor,
        )
        review.full_clean(validate_unique=False)
        review.save(force_insert=True)
        audit_record(
            user=actor,
            action="report_review",
            target=report,
            detail={"decision": review.decision, "note": note},
        )
        publish(ReportReviewed(review))
    return review


def _check_length(field: str, text: str, limit: int) -> None:
    """Refuse a text longer than *limit* characters, on *field*."""
    if problem := length_problem(text, limit):
        raise ValidationError({field: problem})


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
    _check_length("description", description, DESCRIPTION_LIMIT)
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
        publish(BlockerOpened(blocker, actor))
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
    ladder_reset_after: int = 1,
    ladder_from: date | None = None,
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
            ladder_reset_after=ladder_reset_after,
            ladder_from=ladder_from,
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
                "ladder_reset_after": ladder_reset_after,
                "ladder_from": ladder_from.isoformat() if ladder_from else None,
                "valid_from": valid_from.isoformat(),
            },
        )
    return rules
