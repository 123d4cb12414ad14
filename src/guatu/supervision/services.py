"""Write paths for supervision: recording a rung of the escalation ladder."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from guatu.access import is_supervisor, require
from guatu.audit.services import audit_record
from guatu.common.events import (
    BulletinPublished,
    EscalationRecorded,
    EscalationResolved,
    publish,
)
from guatu.core.errors import CoreError
from guatu.core.escalation import rung_of
from guatu.core.periods import parse_period
from guatu.errors import as_validation_error
from guatu.investment.rules import version_on as investment_version
from guatu.org.clock import city_time, city_today
from guatu.org.models import City, Department, Town
from guatu.org.numbering import issued_before, number_text
from guatu.progress.models import Blocker, ProgressReport
from guatu.projects.models import WorkItem
from guatu.projects.selectors import under_way_by
from guatu.supervision import render
from guatu.supervision.bulletins import (
    bulletin_content,
    escalation_order,
    ladder_in_use,
    level_label,
    period_as_of,
)
from guatu.supervision.models import (
    Bulletin,
    EscalationEvent,
    EscalationLevel,
    NoticeTemplate,
    Score,
)
from guatu.supervision.notices import interview_parse, notices_issue, template_problems
from guatu.supervision.region_bulletin import is_region, region_bulletin_content


def escalation_record(
    *,
    work_item: WorkItem,
    level: str,
    period: str,
    evidence: dict[str, Any],
    issued_by=None,
    announce: bool = True,
) -> tuple[EscalationEvent, bool]:
    """Record an escalation of *work_item* for *period*, once: return (event, created).

    Rerunning a bulletin for the same period returns the event already there.
    *announce* false: the caller announces it with the others it records together.
    """
    existing = EscalationEvent.objects.filter(work_item=work_item, period=period).first()
    if existing is not None:
        return existing, False
    event = EscalationEvent(
        work_item=work_item,
        level=level,
        period=period,
        town=work_item.town,
        department=work_item.owner_department,
        evidence=evidence,
        issued_by=issued_by,
    )
    event.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            event.save(force_insert=True)
            if announce:
                publish(EscalationRecorded((event,)))
    except IntegrityError:
        # A concurrent run recorded it first; theirs stands.
        return EscalationEvent.objects.get(work_item=work_item, period=period), False
    return event, True


def escalations_record(*, rows: list[dict], period: str, actor, city=None, on=None) -> int:
    """Record the proposed rungs of a published bulletin, once per item and period.

    Called only by ``bulletin_publish``: a rung exists as an official record
    from the moment the bulletin that proposes it is published. Rungs already
    recorded for the period (by an earlier bulletin) are left as they are.
    Return how many were recorded now.
    """
    items = WorkItem.objects.select_related("town", "owner_department").in_bulk(
        [row["work_item"] for row in rows if not row["recorded"]]
    )
    made = []
    for row in rows:
        if row["recorded"]:
            continue
        event, created = escalation_record(
            work_item=items[row["work_item"]],
            level=row["level_code"],
            period=period,
            evidence=row["evidence"],
            issued_by=actor,
            announce=False,
        )
        row["recorded"] = True
        if not created:
            # Recorded for this period already (another bulletin's): the row says what holds.
            row["level_code"], row["level"] = event.level, level_label(event.level)
            continue
        interview = row.get("interview") or {}
        if event.level == "interview" and interview.get("at"):
            event.interview_at = datetime.fromisoformat(interview["at"])
            event.interview_place = interview.get("place", "")
        made.append(event)
    if made and city is not None:
        # Each rung's notice: its number, addressee, answer date and text, as issued.
        notices_issue(made, city=city, on=on or city_today(city))
    if made:
        publish(EscalationRecorded(tuple(made)))
    return len(made)


def bulletin_draft(*, actor, city, period_text: str, project=None) -> "Bulletin":
    """Compute a bulletin for the period as a draft (supervisor only).

    The draft lists the rungs of the accountability ladder the period calls
    for as proposals; nothing official exists until it is published.
    """

    require(is_supervisor(actor), user=actor, action="bulletin_draft", target=city)
    try:
        period = parse_period(period_text)
    except CoreError as error:
        raise as_validation_error(error, "period") from error
    if period.start > city_today(city):
        raise ValidationError(
            {"period": _("The period %(period)s has not started yet.") % {"period": period.label()}}
        )
    if is_region(city):
        # The level above: its cities side by side, never one project of theirs.
        content = region_bulletin_content(region=city, period=period, number_text=_("(draft)"))
        project = None
    else:
        content = bulletin_content(
            city=city, period=period, project=project, number_text=_("(draft)")
        ).as_dict()
    with transaction.atomic():
        bulletin = Bulletin.objects.create(
            city=city,
            project=project,
            period=period.key,
            year=period.end.year,
            content=content,
            created_by=actor,
        )
        audit_record(
            user=actor, action="bulletin_draft", target=bulletin, detail={"period": period.key}
        )
    return bulletin


def _in_order(bulletin) -> None:
    """Rungs climb bulletin by bulletin: a period is not published after a later one."""
    if all(row["recorded"] for row in bulletin.content.get("escalations", [])):
        return
    this = parse_period(bulletin.period)
    for key in (
        Bulletin.objects.filter(city=bulletin.city, status=Bulletin.Status.PUBLISHED)
        .values_list("period", flat=True)
        .distinct()
    ):
        try:
            later = parse_period(key)
        except CoreError:
            continue
        if later.end > this.end:
            raise ValidationError(
                _(
                    "The bulletin of %(later)s is already published: rungs for an earlier "
                    "period would be recorded out of order."
                )
                % {"later": later.label()}
            )


def _interviews_unset(rows: list[dict]) -> list[str]:
    """The proposed 约谈 still without their time or place, each named with its unit."""
    unset = []
    for row in rows:
        interview = row.get("interview") or {}
        if (
            not row["recorded"]
            and row["level_code"] == "interview"
            and not (interview.get("at") and interview.get("place"))
        ):
            unset.append(f"{row['item']}（{row['town'] or row['department']}）")
    return unset


def _interviews_set(rows: list[dict]) -> None:
    """A 约谈 is not announced without its time and place: name each one missing them."""
    if missing := _interviews_unset(rows):
        raise ValidationError(
            _("Give the time and place of each interview (约谈) before publishing: %(items)s.")
            % {"items": "、".join(missing)}
        )


def bulletin_rung_decide(
    *,
    actor,
    bulletin,
    work_item_id: int,
    level: str,
    reason: str,
    interview_at: str = "",
    interview_place: str = "",
):
    """Keep, lower or strike a rung the draft proposes (the supervision office).

    *level* is the rung to issue — the proposed one or one below it — or empty to
    strike it. A change needs its *reason*; it is kept in the draft (the published
    bulletin's record shows it) and in the audit. Only a draft changes, and only its
    proposals: a rung already recorded stays as it was issued.
    """
    require(is_supervisor(actor), user=actor, action="bulletin_rung_decide", target=bulletin)
    ladder = ladder_in_use()
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if locked.status != Bulletin.Status.DRAFT:
            raise ValidationError(_("This bulletin is already published and cannot change."))
        content = locked.content
        issued, struck = content.setdefault("escalations", []), content.setdefault("struck", [])
        row = next(
            (r for r in issued + struck if r["work_item"] == work_item_id and not r["recorded"]),
            None,
        )
        if row is None:
            raise ValidationError(_("This draft proposes no rung for that work item."))
        proposed = row.setdefault("proposed", row["level_code"])
        if level and not 1 <= rung_of(level, ladder) <= rung_of(proposed, ladder):
            raise ValidationError(
                {"level": _("Keep the proposed rung or choose a lower one, or strike it.")}
            )
        if len(reason) > 200:
            raise ValidationError({"reason": _("At most 200 characters.")})
        if level != "interview":
            row.pop("interview", None)  # a rung lowered from 约谈 calls no interview
        elif interview_at or interview_place:
            if len(interview_place) > 200:
                raise ValidationError({"interview_place": _("At most 200 characters.")})
            moment = interview_parse(interview_at, locked.city) if interview_at else None
            if moment is not None and moment.date() < city_today(locked.city):
                raise ValidationError(
                    {"interview_at": _("An interview is called for a day still to come.")}
                )
            row["interview"] = {
                "at": moment.isoformat() if moment else "",
                "place": interview_place.strip(),
            }
        changed = level != proposed
        earlier = row.get("decision") or {}
        if changed and not reason.strip() and earlier.get("level") == level:
            reason = earlier.get("reason", "")  # the same decision, its time and place added
        if changed and not reason.strip():
            raise ValidationError({"reason": _("Say why the rung is lowered or struck.")})
        decision = {
            "proposed": proposed,
            "proposed_name": level_label(proposed),
            "level": level or None,
            "level_name": level_label(level) if level else "",
            "reason": reason.strip() if changed else "",
            "by": str(actor),
            "at": f"{city_time(locked.city, timezone.now()):%Y-%m-%d %H:%M}",
        }
        before = None if row in struck else row["level_code"]
        (issued if row in issued else struck).remove(row)
        row["level_code"] = level or proposed
        row["level"] = level_label(row["level_code"])
        row["decision"] = decision if changed else None
        (issued if level else struck).append(row)
        issued.sort(key=escalation_order)
        if (level or None) != before:  # the record lists what changed, not every save
            content.setdefault("decisions", []).append(
                {
                    "item": row["item"],
                    "project": row["project"],
                    "work_item": work_item_id,
                    **decision,
                }
            )
        locked.save(update_fields=["content"])
        audit_record(
            user=actor,
            action="bulletin_rung_decide",
            target=locked,
            detail={"work_item": work_item_id, **decision},
        )
    return locked


def publish_summary(bulletin) -> dict:
    """What publishing *bulletin* will record: its rungs by level and by unit, and those
    the office lowered or struck — shown before the office confirms 印发."""
    ladder = ladder_in_use()
    rows = [r for r in bulletin.content.get("escalations", []) if not r["recorded"]]
    by_level: dict[str, int] = {}
    by_unit: dict[str, dict[str, int]] = {}
    for row in rows:
        code = row["level_code"]
        by_level[code] = by_level.get(code, 0) + 1
        for unit in {row["town"], row["department"]} - {""}:
            levels = by_unit.setdefault(unit, {})
            levels[code] = levels.get(code, 0) + 1
    order = sorted(by_level, key=lambda code: -rung_of(code, ladder))
    return {
        "rungs": len(rows),
        "by_level": [(level_label(code), by_level[code]) for code in order],
        "by_unit": [
            (unit, [(level_label(code), levels[code]) for code in order if code in levels])
            for unit, levels in sorted(by_unit.items())
        ],
        "struck": len(bulletin.content.get("struck", [])),
        "lowered": sum(1 for r in rows if r.get("decision") and r["decision"].get("level")),
        # 约谈 still without their time and place: publishing will refuse until given.
        "interviews_missing": _interviews_unset(rows),
    }


def bulletin_publish(*, actor, bulletin, number: int | None = None) -> "Bulletin":
    """Number the draft, write its Word, PDF and Excel files, and freeze it.

    The number is the next of the year unless given (e.g. to continue a paper
    series). Published bulletins are never changed.
    """

    require(is_supervisor(actor), user=actor, action="bulletin_publish", target=bulletin)
    if number is not None and not 1 <= number <= 99999:
        raise ValidationError({"number": _("A number from 1 to 99999.")})
    with transaction.atomic():
        # The city's row first: one publish at a time per city, so two drafts cannot both
        # pass the checks below and climb from the same last rung or take the same number.
        City.everywhere.select_for_update().filter(pk=bulletin.city_id).first()
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if locked.status == Bulletin.Status.PUBLISHED:
            raise ValidationError(_("This bulletin is already published and cannot change."))
        if Bulletin.objects.filter(
            city=locked.city, status=Bulletin.Status.PUBLISHED, published_at__gt=locked.created_at
        ).exists():
            # Its ladder and its 较上期 were worked out before that one was issued.
            raise ValidationError(
                _(
                    "Another bulletin was published after this draft was made: its rungs and "
                    "comparisons may be out of date. Draft the period again."
                )
            )
        taken = Bulletin.objects.filter(city=locked.city, year=locked.year)
        # Numbers issued before the city moved into this database are taken too.
        before = issued_before(locked.city, locked.year)
        if number is None:
            number = max(taken.aggregate(top=Max("number"))["top"] or 0, before) + 1
        elif number <= before or taken.filter(number=number).exists():
            raise ValidationError(
                {
                    "number": _("Number %(number)d of %(year)d is taken.")
                    % {"number": number, "year": locked.year}
                }
            )
        _in_order(locked)
        locked.content["number_text"] = number_text(locked.city, locked.year, number)
        locked.number = number
        _interviews_set(locked.content["escalations"])
        # The ladder's proposals become records now, with the bulletin that proposed them,
        # each with its notice, dated, numbered and given its answer date from the day it
        # goes out (the city's today), not from the data date it judged.
        escalations_record(
            rows=locked.content["escalations"],
            period=locked.period,
            actor=actor,
            city=locked.city,
            on=city_today(locked.city),
        )
        locked.status = Bulletin.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = actor
        stem = f"{locked.city.document_prefix or 'bulletin'}-{locked.year}-{number}"
        # Every file is laid out before any is stored, and a failure after that removes
        # what was stored: an interrupted publish leaves neither a number nor a file.
        files = {
            "docx": render.to_docx(locked.content),
            "xlsx": render.to_xlsx(locked.content),
            "pdf": render.to_pdf(locked.content),
        }
        stored = []
        try:
            _clear_leftovers(locked, stem, files)
            for kind, data in files.items():
                getattr(locked, kind).save(f"{stem}.{kind}", ContentFile(data), save=False)
                stored.append(getattr(locked, kind))
            locked.save()
            scores_record(city=locked.city, bulletin=locked)
            audit_record(
                user=actor, action="bulletin_publish", target=locked, detail={"number": number}
            )
            publish(BulletinPublished(locked))
        except BaseException:
            for field in stored:
                field.delete(save=False)
            raise
    return locked


def published_numbers(city) -> dict[int, int]:
    """The highest number published in each year by *city* (``org.numbering`` asks)."""
    return dict(
        Bulletin.objects.filter(city=city, status=Bulletin.Status.PUBLISHED)
        .order_by()
        .values("year")
        .annotate(top=Max("number"))
        .values_list("year", "top")
    )


def _clear_leftovers(bulletin, stem: str, kinds) -> None:
    """Remove the files a publish of this draft left when it was killed mid-way.

    A killed run (SIGKILL, a power cut) rolls its number back but not the files it
    had written; the rerun takes the same number, so the same names. A file of that
    name that a bulletin holds is another's and stays (the storage picks a new name).
    """
    for kind in kinds:
        field = getattr(bulletin, kind)
        name = field.field.generate_filename(bulletin, f"{stem}.{kind}")
        held = Bulletin.objects.filter(
            models.Q(docx=name) | models.Q(pdf=name) | models.Q(xlsx=name)
        )
        if field.storage.exists(name) and not held.exists():
            field.storage.delete(name)


def escalation_resolve(*, actor, event: EscalationEvent, note: str) -> EscalationEvent:
    """Close an escalation with a note (the supervision office); its unit hears of it
    (``EscalationResolved``: the notice it answered is settled, and how)."""

    require(is_supervisor(actor), user=actor, action="escalation_resolve", target=event)
    if not note.strip():
        raise ValidationError({"note": _("Write how it was resolved.")})
    with transaction.atomic():
        locked = EscalationEvent.objects.select_for_update().get(pk=event.pk)
        if locked.resolved_at is not None:
            raise ValidationError({"note": _("This escalation is already closed.")})
        event.resolved_at = timezone.now()
        event.resolution_note = note
        event.save(update_fields=["resolved_at", "resolution_note"])
        audit_record(user=actor, action="escalation_resolve", target=event)
        publish(EscalationResolved(event))
    return event


#: 督查考核 weights: on-track share, report timeliness, blockers resolved on
#: time (each 0–1, giving 0–100 points together) and points off per escalation.
SCORE_WEIGHTS = {
    "on_track": 0.6,
    "timeliness": 0.25,
    "blockers": 0.15,
    # Points off for each rung issued in the period, by rung: a 提醒 is a prompt, not a
    # penalty; a number instead of the mapping takes the same off for every rung.
    "escalation": {"reminder": 0.0, "notice": 2.0, "interview": 4.0, "criticism": 5.0},
    # Points off for each 节点调整 a leader approved in the period (the node moved).
    "adjustment": 2.0,
}


def scores_record(*, city, bulletin, weights=None) -> int:
    """Record each town's and department's 督查考核 score for a published city bulletin."""

    if bulletin.project_id or bulletin.content.get("kind") == "region":
        return 0  # a project's bulletin, or the level above's: no town or department ranked
    weights = weights or getattr(settings, "GUATU_SCORE_WEIGHTS", SCORE_WEIGHTS)
    content = bulletin.content

    period = parse_period(bulletin.period)
    reported = set(
        ProgressReport.objects.filter(reported_on__range=(period.start, period.end)).values_list(
            "work_item_id", flat=True
        )
    )
    adjusted = {row["unit"]: row for row in content.get("adjustments") or []}
    invested, invest_weight = investment_parts(city, content, period_as_of(city, period))
    made = 0
    for model, key, standings in (
        (Town, "town", content["towns"]),
        (Department, "department", content["departments"]),
    ):
        by_name = {str(o): o for o in model.objects.filter(city=city)}
        for standing in standings:
            owner = by_name.get(standing["name"])
            if owner is None:
                continue
            items = WorkItem.objects.filter(
                under_way_by(period.end),
                kind=WorkItem.Kind.TASK,
                **{"town" if key == "town" else "owner_department": owner},
            )
            under_way = [pk for pk in items.values_list("pk", flat=True)]
            timeliness = (
                sum(pk in reported for pk in under_way) / len(under_way) if under_way else 1.0
            )
            due = Blocker.objects.filter(
                due_on__range=(period.start, period.end),
                **{key if key == "town" else "owner_department": owner},
            )
            on_time = due.filter(
                status=Blocker.Status.RESOLVED, resolved_on__lte=models.F("due_on")
            ).count()
            blockers = on_time / due.count() if due.count() else 1.0
            rungs = list(
                EscalationEvent.objects.filter(period=bulletin.period, **{key: owner}).values_list(
                    "level", flat=True
                )
            )
            escalations = len(rungs)
            off = sum(_rung_points(weights["escalation"], level) for level in rungs)
            share = standing["share"] or 0.0
            moved = adjusted.get(str(owner), {"count": 0, "days": 0})
            # A unit with no project investing is neither rewarded nor punished for it.
            investment = invested.get((key, owner.pk), 1.0)
            score = (
                100
                * (
                    (1 - invest_weight)
                    * (
                        weights["on_track"] * share
                        + weights["timeliness"] * timeliness
                        + weights["blockers"] * blockers
                    )
                    + invest_weight * investment
                )
                - off
                - weights.get("adjustment", SCORE_WEIGHTS["adjustment"]) * moved["count"]
            )
            Score.objects.update_or_create(
                city=city,
                period=bulletin.period,
                **{key: owner},
                defaults={
                    "year": bulletin.year,
                    "score": Decimal(f"{score:.2f}"),
                    "parts": {
                        "on_track": share,
                        "timeliness": round(timeliness, 4),
                        "blockers": round(blockers, 4),
                        "escalations": escalations,
                        "escalation_points": off,
                        "adjustments": moved["count"],
                        "days_moved": moved["days"],
                        "investment": round(investment, 4),
                        "investment_weight": invest_weight,
                        "weights": weights,
                    },
                },
            )
            made += 1
    return made


def investment_parts(city, content: dict, day) -> tuple[dict[tuple[str, int], float], float]:
    """Each unit's investment part of the score: the bulletin's own printed sums (its
    investment section, read from ``city_standing`` when it was computed) — Σ done ÷ Σ plan
    due, between 0 and 1 (a 核减 takes no more than the part) — and the city's weight of it
    in force on *day* (``InvestmentRuleSet.score_weight``; 0: investment is not scored)."""
    version = investment_version(city, day)
    weight = float(version.score_weight) / 100 if version else 0.0
    investment = content.get("investment")
    if not investment:  # no plan this year: every unit gets the whole part (or none)
        return {}, weight
    parts = {}
    for group in investment["groups"]:
        if group["key"] not in ("town", "department"):
            continue
        for row in group["rows"]:
            due = row["plan"] * row["schedule"] / 100
            if row.get("key") is not None and due > 0:
                parts[(group["key"], row["key"])] = max(0.0, min(1.0, row["done"] / due))
    return parts, weight


def _rung_points(weight, level: str) -> float:
    """The points one issued rung takes off a unit's score."""
    if isinstance(weight, dict):
        return float(weight.get(level, 0.0))
    return float(weight)


def notice_template_save(*, actor, city, level: str, body: str) -> NoticeTemplate:
    """The office's own text for a rung's notices from now on (notices issued keep theirs)."""
    require(is_supervisor(actor), user=actor, action="notice_template_save", target=city)
    if level not in EscalationLevel.values:
        raise ValidationError({"level": _("Choose a rung of the ladder.")})
    if problems := template_problems(body):
        raise ValidationError({"body": problems})
    with transaction.atomic():
        template, _created = NoticeTemplate.objects.update_or_create(
            city=city,
            level=level,
            defaults={"body": body.strip(), "updated_by": actor, "updated_at": timezone.now()},
        )
        audit_record(
            user=actor, action="notice_template_save", target=template, detail={"level": level}
        )
    return template
