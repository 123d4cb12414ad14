"""What happened, said once by the service that did it; what follows elsewhere subscribes.

A write service publishes an event after its rows are written; the apps
that must act on it (notify's notices, projects' reschedule, anything
later) subscribe in their ``AppConfig.ready``. The publisher never imports
its subscribers, so an app low on the floor plan sets off consequences in
an app above it without importing it, and every entry path — form, API,
ledger, admin, command — sets off the same consequences because they all
go through the same service.

When a subscriber runs:

- by default at once, inside the publisher's transaction (rather than on
  commit, which can lose the consequence if the process dies in between).
  What a subscriber writes — a notice, a queued delivery — commits or rolls
  back together with its cause: a report that failed never produced a
  notice, and one that was stored always did (the outbox way). Anything
  that leaves the database (mail, group-chat robots) is sent later by the
  worker, from committed rows only;
- with ``after_commit=True``, after the transaction commits
  (``transaction.on_commit``, robust: a failure is logged, the cause stays),
  for work that must only see committed data and may be lost without harm.

A subscriber's exception inside the transaction rolls the whole write back:
subscribers are part of the write, so they must be as dependable as it is.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

logger = logging.getLogger("guatu.events")


class Event:
    """Base of every event; subclasses are frozen dataclasses named in the past tense."""


@dataclass(frozen=True)
class ReportsStored(Event):
    """Progress reports were stored (a form, the API, a ledger import, the demo)."""

    reports: tuple[Any, ...]  # ProgressReport instances, with work_item reachable


@dataclass(frozen=True)
class ReportReviewed(Event):
    """The office confirmed or rejected a report above its target (超目标待核实)."""

    review: Any  # ReportReview


@dataclass(frozen=True)
class EscalationRecorded(Event):
    """Rungs of the ladder (提醒 … 问责) were recorded together: by one published bulletin
    (all of its rungs, so a unit hears of them in one message), or one by hand."""

    escalations: tuple  # EscalationEvent, …


@dataclass(frozen=True)
class NoticeAnswered(Event):
    """A unit answered a notice of the ladder with its 整改反馈 (text and files)."""

    reply: Any  # NoticeReply


@dataclass(frozen=True)
class EscalationResolved(Event):
    """The office closed a rung of the ladder, with its note."""

    escalation: Any  # EscalationEvent


@dataclass(frozen=True)
class BulletinPublished(Event):
    """A bulletin was published (印发) with its number."""

    bulletin: Any  # Bulletin


@dataclass(frozen=True)
class AdjustmentChanged(Event):
    """A request to move a time node (节点调整) took a step: proposed, returned to its
    proposer, resubmitted, reviewed (for a leader), refused, approved or rejected."""

    adjustment: Any  # Adjustment
    status: str  # the status it reached: pending, returned, reviewed, approved, …
    action: str = ""  # the step (AdjustmentStep.Action): proposed, resubmitted, …


@dataclass(frozen=True)
class CalendarChanged(Event):
    """Working days changed: a city's (``project_id`` None) or one project's exceptions."""

    city_id: int
    project_id: int | None = None


@dataclass(frozen=True)
class DataDateChanged(Event):
    """A city's status date (数据日期) was set, changed or cleared."""

    city_id: int


@dataclass(frozen=True)
class RisksWarmed(Event):
    """The worker's periodic run brought every city's schedule risk up to date."""

    city_ids: tuple[int, ...]


Handler = Callable[[Any], None]
_subscribers: dict[type[Event], list[tuple[Handler, bool]]] = defaultdict(list)


@dataclass(frozen=True)
class InvestmentReported(Event):
    """A project's monthly investment was reported (a form, the API, the 月报 workbook)."""

    reports: tuple[Any, ...]  # investment.MonthlyReport instances


@dataclass(frozen=True)
class InvestmentReviewed(Event):
    """The office approved or returned a monthly investment report."""

    review: Any  # investment.MonthlyReview


@dataclass(frozen=True)
class BlockerOpened(Event):
    """A unit reported a 卡点 (a form, the API): a problem for the office to 交办."""

    blocker: Any  # progress.Blocker
    actor: Any = None  # who reported it (None: guatu itself, a slipping 前期 node)


@dataclass(frozen=True)
class ProblemStepped(Event):
    """A problem of the 问题清单 took a step: 交办, 反馈, 核实销号, 退回, a level asked
    for, recorded or declined, a leader's 批示 (``problems.ProblemStep``)."""

    step: Any  # problems.ProblemStep


def subscribe(kind: type[Event], handler: Handler, *, after_commit: bool = False) -> None:
    """Call *handler* with every *kind* event published from now on (once per handler)."""
    entry = (handler, after_commit)
    if entry not in _subscribers[kind]:
        _subscribers[kind].append(entry)


def subscribers(kind: type[Event]) -> list[Handler]:
    """The handlers *kind* sets off, in the order they subscribed (for tests and docs)."""
    return [handler for handler, _after in _subscribers[kind]]


def publish(event: Event) -> None:
    """Set off every subscriber of *event*'s kind (see the module's note for when)."""
    for handler, after_commit in list(_subscribers[type(event)]):
        if after_commit:
            transaction.on_commit(_logged(handler, event), robust=True)
        else:
            handler(event)


def _logged(handler: Handler, event: Event) -> Callable[[], None]:
    def run() -> None:
        try:
            handler(event)
        except Exception:
            logger.exception("%s failed on %s", getattr(handler, "__name__", handler), event)
            raise

    return run
