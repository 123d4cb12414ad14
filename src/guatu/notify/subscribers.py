"""What notify does when something happens elsewhere (``guatu.common.events``).

Each handler turns one event into notices through the functions of
``notify.services``; the publishing app never imports notify.
"""

from guatu.common.events import (
    AdjustmentChanged,
    BlockerOpened,
    BulletinPublished,
    EscalationRecorded,
    EscalationResolved,
    InvestmentReported,
    InvestmentReviewed,
    NoticeAnswered,
    ProblemStepped,
    ReportReviewed,
    ReportsStored,
    subscribe,
)
from guatu.notify.investment import (
    on_investment_batch,
    on_investment_reported,
    on_investment_reviewed,
)
from guatu.notify.problems import on_blocker_opened, on_problem_stepped
from guatu.notify.services import (
    on_adjustment_step,
    on_bulletin_published,
    on_escalation_resolved,
    on_escalations,
    on_notice_answered,
    on_photo_far,
    on_report_reviewed,
    on_report_to_review,
)
from guatu.progress.models import ReportReview


def reports_stored(event: ReportsStored) -> None:
    """Every report above its target (超目标待核实) to the office, whatever path stored it,
    unless already reviewed (a ledger carries the office's review with the report); and
    every site photo taken far from its site (``far_from_site``)."""
    for report in event.reports:  # the photos just stored with it (no query for the rest)
        for photo in getattr(report, "stored_photos", ()):
            if photo.far_from_site:
                on_photo_far(photo)
    above = [report for report in event.reports if report.above_target]
    if not above:
        return
    reviewed = set(
        ReportReview.objects.filter(report__in=above).values_list("report_id", flat=True)
    )
    for report in above:
        if report.pk not in reviewed:
            on_report_to_review(report)


def escalation_recorded(event: EscalationRecorded) -> None:
    on_escalations(event.escalations)


def notice_answered(event: NoticeAnswered) -> None:
    on_notice_answered(event.reply)


def escalation_resolved(event: EscalationResolved) -> None:
    on_escalation_resolved(event.escalation)


def bulletin_published(event: BulletinPublished) -> None:
    on_bulletin_published(event.bulletin)


def adjustment_changed(event: AdjustmentChanged) -> None:
    on_adjustment_step(event.adjustment, event.action)


def report_reviewed(event: ReportReviewed) -> None:
    on_report_reviewed(event.review)


def investment_reported(event: InvestmentReported) -> None:
    """One report: its own message; a 月报 workbook's rows: one message for them all."""
    if len(event.reports) == 1:
        on_investment_reported(event.reports[0])
    else:
        on_investment_batch(event.reports)


def blocker_opened(event: BlockerOpened) -> None:
    on_blocker_opened(event.blocker, event.actor)


def problem_stepped(event: ProblemStepped) -> None:
    on_problem_stepped(event.step)


def investment_reviewed(event: InvestmentReviewed) -> None:
    on_investment_reviewed(event.review)


def connect() -> None:
    """Subscribe the handlers (``NotifyConfig.ready``)."""
    subscribe(ReportsStored, reports_stored)
    subscribe(EscalationRecorded, escalation_recorded)
    subscribe(BulletinPublished, bulletin_published)
    subscribe(NoticeAnswered, notice_answered)
    subscribe(EscalationResolved, escalation_resolved)
    subscribe(AdjustmentChanged, adjustment_changed)
    subscribe(ReportReviewed, report_reviewed)
    subscribe(InvestmentReported, investment_reported)
    subscribe(InvestmentReviewed, investment_reviewed)
    subscribe(BlockerOpened, blocker_opened)
    subscribe(ProblemStepped, problem_stepped)
