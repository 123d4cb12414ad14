"""Sending what is due: email through Django's mail, robots over HTTPS, each logged.

``deliver_due`` takes the pending deliveries whose time has come, and for each:
postpones it to the end of the city's quiet hours; paces each robot at its
platform's 20 messages a minute (the rest wait for their slot); claims it
(a conditional update, so two workers never send the same row); sends; and
records the answer — sent, failed with the platform's reason, or retried
with back-off on network errors, HTTP 5xx and the rate-limit codes. Several
emails due to one person go as one digest when the city's rules say so.

Before a robot is posted to, its address is checked again
(``notify.webhooks.webhook_problem``, under the settings of the moment): one
that fails is paused with the reason, and the delivery fails with it. The
request follows no redirect (a 3xx is a failed delivery: the server must not
be sent on to another host). The title and text go through
``notify.chat.chat_text`` first, so what people typed is never a link or a
mention; the only link is guatu's own, and only a path on this site.
"""

import json
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import uuid4

from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from guatu.core.notify import (
    DINGTALK,
    MAX_ATTEMPTS,
    WINDOW_S,
    Answer,
    backoff,
    dingtalk_message,
    dingtalk_url,
    in_quiet_hours,
    next_slot,
    read_answer,
    wecom_message,
)
from guatu.notify.chat import chat_line, chat_text
from guatu.notify.forms import is_mobile
from guatu.notify.models import Channel, Delivery, Rules
from guatu.notify.sealed import Unreadable
from guatu.notify.services import robot_refuse
from guatu.notify.webhooks import webhook_problem
from guatu.org.clock import city_time

__all__ = ["deliver_due"]

HTTP_TIMEOUT_S = 10
#: How long a claimed row is left alone by other workers while it is being sent.
LEASE = timedelta(minutes=2)
BATCH = 500
#: When the next day's email digest goes (city time), after quiet hours by default.
DIGEST_HOUR = 8


@dataclass
class Clock:
    """Now, and the length of the pacing window (shorter only in benchmarks of the pacing)."""

    now: datetime
    window_s: float = WINDOW_S


def deliver_due(*, now: datetime | None = None, window_s: float = WINDOW_S) -> Counter:
    """Send every delivery that is due; count what happened (sent, failed, retry, waiting)."""
    clock = Clock(now or timezone.now(), window_s)
    counts: Counter = Counter()
    due = list(
        Delivery.objects.filter(
            status=Delivery.Status.PENDING, next_attempt_at__lte=clock.now
        ).select_related("robot", "recipient", "city")[:BATCH]
    )
    rules = {r.city_id: r for r in Rules.objects.filter(city_id__in={d.city_id for d in due})}
    emails: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in due:
        city_rules = rules.get(delivery.city_id)
        local = city_time(delivery.city, clock.now)
        quiet = city_rules and in_quiet_hours(
            local.time(), city_rules.quiet_start, city_rules.quiet_end
        )
        if quiet:
            _postpone(delivery, _quiet_end(local, city_rules))
            counts["waiting"] += 1
        elif delivery.channel == Channel.EMAIL:
            emails[delivery.recipient_id].append(delivery)
        else:
            counts[_robot_send(delivery, clock)] += 1
    for group in emails.values():
        city_rules = rules.get(group[0].city_id)
        digest = city_rules is None or city_rules.daily_digest
        if digest and _emailed_today(group[0], clock):
            # One email a day: the rest wait for tomorrow morning's digest.
            local = city_time(group[0].city, clock.now)
            morning = (local + timedelta(days=1)).replace(
                hour=DIGEST_HOUR, minute=0, second=0, microsecond=0
            )
            for one in group:
                _postpone(one, morning)
            counts["waiting"] += len(group)
            continue
        batches = [group] if digest else [[one] for one in group]
        for batch in batches:
            counts[_email_send(batch, clock)] += len(batch)
    return counts


def _emailed_today(delivery: Delivery, clock: Clock) -> bool:
    local = city_time(delivery.city, clock.now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return Delivery.objects.filter(
        recipient_id=delivery.recipient_id,
        channel=Channel.EMAIL,
        status=Delivery.Status.SENT,
        sent_at__gte=midnight,
    ).exists()


def _quiet_end(local: datetime, rules: Rules) -> datetime:
    end = local.replace(
        hour=rules.quiet_end.hour, minute=rules.quiet_end.minute, second=0, microsecond=0
    )
    return end if end > local else end + timedelta(days=1)


def _postpone(delivery: Delivery, when: datetime) -> None:
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
        next_attempt_at=when
    )


def _claim(deliveries: list[Delivery], clock: Clock) -> bool:
    """Take the rows for this worker: only if nobody moved them since they were read."""
    ids = [d.pk for d in deliveries]
    taken = Delivery.objects.filter(
        pk__in=ids, status=Delivery.Status.PENDING, next_attempt_at__lte=clock.now
    ).update(next_attempt_at=clock.now + LEASE)
    return taken == len(ids)


def _record(deliveries: list[Delivery], answer: Answer, clock: Clock, digest: str = "") -> str:
    ids = [d.pk for d in deliveries]
    rows = Delivery.objects.filter(pk__in=ids)
    if answer.ok:
        # Stamped when the answer came (never before the platform counted it), so that
        # pacing by these stamps can only be later than the platform's own count.
        rows.update(
            status=Delivery.Status.SENT,
            sent_at=max(clock.now, timezone.now()),
            attempts=F("attempts") + 1,
            last_error="",
            digest=digest,
        )
        return "sent"
    attempts = max(d.attempts for d in deliveries) + 1
    if answer.retry and attempts < MAX_ATTEMPTS:
        rows.update(
            attempts=attempts,
            last_error=answer.reason[:300],
            next_attempt_at=clock.now + timedelta(seconds=backoff(attempts)),
        )
        return "retry"
    rows.update(status=Delivery.Status.FAILED, attempts=attempts, last_error=answer.reason[:300])
    return "failed"


def _robot_send(delivery: Delivery, clock: Clock) -> str:
    robot = delivery.robot
    if robot is None or not robot.enabled:
        # Removed or paused after the message was queued: say so in the log, send nothing.
        if not _claim([delivery], clock):
            return "taken"
        return _record([delivery], Answer(False, False, _not_sent_reason(robot)), clock)
    problem = webhook_problem(robot.webhook)
    if problem:
        # Saved before the rule or under laxer settings: paused, never posted to.
        if not _claim([delivery], clock):
            return "taken"
        robot_refuse(robot=robot, reason=problem)
        reason = _("address refused, robot paused: %(reason)s") % {"reason": problem}
        return _record([delivery], Answer(False, False, reason), clock)
    if isinstance(robot.secret, Unreadable):
        if not _claim([delivery], clock):
            return "taken"
        reason = _("the signing secret cannot be opened with this server's key (GUATU_DATA_KEY)")
        return _record([delivery], Answer(False, False, reason), clock)
    window_start = clock.now - timedelta(seconds=clock.window_s)
    recent = Delivery.objects.filter(
        robot=robot, status=Delivery.Status.SENT, sent_at__gt=window_start
    ).values_list("sent_at", flat=True)
    stamps = [(t - clock.now).total_seconds() for t in recent]
    slot = next_slot(stamps, now=0.0, window_s=clock.window_s)
    if slot > 0:
        _postpone(delivery, clock.now + timedelta(seconds=slot))
        return "waiting"
    if not _claim([delivery], clock):
        return "taken"
    make = dingtalk_message if robot.kind == DINGTALK else wecom_message
    url = _site_link(delivery.url)
    mentions = [m for m in delivery.mentions.split(",") if is_mobile(m)]
    payload = make(
        chat_line(delivery.title), chat_text(delivery.body), url=url, at_mobiles=mentions
    )
    address = robot.webhook
    if robot.kind == DINGTALK:
        # Signed with the moment of sending (the platform refuses a stamp an hour off).
        address = dingtalk_url(robot.webhook, robot.secret, int(time.time() * 1000))
    return _record([delivery], _post(robot.kind, address, payload), clock)


def _not_sent_reason(robot) -> str:
    if robot is None:
        return _("the robot was removed")
    if robot.paused_reason:
        return _("the robot is paused: %(reason)s") % {"reason": robot.paused_reason}
    return _("the robot is paused")


def _opener() -> urllib.request.OpenerDirector:
    """HTTP(S) and proxies as ``urlopen`` has them, and no redirect handler: a 3xx is an error."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _post(kind: str, address: str, payload: dict) -> Answer:
    request = urllib.request.Request(
        address,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with _opener().open(request, timeout=HTTP_TIMEOUT_S) as response:
            return read_answer(kind, response.status, response.read(64 * 1024))
    except urllib.error.HTTPError as error:
        with error:
            if 300 <= error.code < 400:
                return Answer(False, False, _redirect_reason(error))
            return read_answer(kind, error.code, error.read(64 * 1024))
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return Answer(False, True, _("network: %(reason)s") % {"reason": str(error)[:200]})


def _redirect_reason(error: urllib.error.HTTPError) -> str:
    target = urlsplit(error.headers.get("Location", "") if error.headers else "")
    return _("HTTP %(status)d: the robot's address sends on to %(host)s; not followed") % {
        "status": error.code,
        "host": target.hostname or target.path[:80] or "?",
    }


def _site_link(path: str) -> str:
    """The message's link if it is a path on this site (absolute with GUATU_SITE_URL)."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return ""
    return _absolute(path)


def _email_send(batch: list[Delivery], clock: Clock) -> str:
    if not _claim(batch, clock):
        return "taken"
    first = batch[0]
    with override("zh-hans"):
        if len(batch) == 1:
            subject, text = first.title, _email_body(first)
        else:
            subject = _("Key projects wall chart: %(count)d messages") % {"count": len(batch)}
            text = "\n\n".join(f"■ {d.title}\n{_email_body(d)}" for d in batch)
    digest = uuid4().hex if len(batch) > 1 else ""
    try:
        EmailMessage(subject=subject, body=text, to=[first.address]).send()
    except (OSError, ValueError) as error:  # smtplib's errors are OSErrors
        return _record(batch, Answer(False, True, f"SMTP: {str(error)[:200]}"), clock)
    return _record(batch, Answer(True, False, ""), clock, digest)


def _email_body(delivery: Delivery) -> str:
    link = f"\n{_absolute(delivery.url)}" if delivery.url else ""
    return f"{delivery.body}{link}"


def _absolute(path: str) -> str:
    from django.conf import settings

    base = getattr(settings, "GUATU_SITE_URL", "").rstrip("/")
    return f"{base}{path}" if path.startswith("/") else path
