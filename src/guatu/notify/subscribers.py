"""What notify does when something happens elsewhere (``guatu.common.events``).

Each handler turns one event into notices through the functions of
``notify.services``; the publishing app never imports notify.
"""

from guatu.common.events import (
    BulletinPublished,
    EscalationRecorded,
    ReportsStored,
    subscribe,
)
from guatu.notify.services import on_bulletin_published, on_escalation, on_report_to_review


def reports_stored(event: ReportsStored) -> None:
    """Every report above its target (超目标待核实) to the office, whatever path stored it."""
    for report in event.reports:
        if report.above_target:
            on_report_to_review(report)


def escalation_recorded(event: EscalationRecorded) -> None:
    on_escalation(event.escalation)


def bulletin_published(event: BulletinPublished) -> None:
    on_bulletin_published(event.bulletin)


def connect() -> None:
    """Subscribe the handlers (``NotifyConfig.ready``)."""
    subscribe(ReportsStored, reports_stored)
    subscribe(EscalationRecorded, escalation_recorded)
    subscribe(BulletinPublished, bulletin_published)
