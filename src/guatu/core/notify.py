"""Messages to 钉钉 and 企业微信 group robots: signing, payloads, answers, pacing, quiet hours.

Both platforms take a JSON POST to a webhook and answer ``{"errcode": 0, …}``
on success. 钉钉's signed robots add ``timestamp`` (milliseconds) and ``sign``
to the URL: Base64 of HMAC-SHA256 keyed by the secret over
``"{timestamp}\\n{secret}"``, URL-encoded; the platform rejects a timestamp
more than an hour away. Each robot takes at most 20 messages a minute; over
that 钉钉 answers errcode 130101 (and 660026 on some versions) and 企业微信
45009 — those, network errors and HTTP 5xx are retried with back-off, any
other error code is a failure with the platform's reason.

Nothing here sends: the Django side (``guatu.notify``) keeps the delivery log
and does the I/O, so that these rules are tested without a network.

>>> dingtalk_sign("SEC0123", 1700000000000)
'2lI0CLA9w0NryWAswdWUgPoOvPXo1wScAKa%2B6Qn%2BlxQ%3D'
>>> next_slot([0.0] * 20, now=10.0)
60.0
>>> next_slot([0.0] * 19, now=10.0)
10.0
"""

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from urllib.parse import quote_plus

__all__ = [
    "DINGTALK",
    "PER_MINUTE",
    "WECOM",
    "Answer",
    "backoff",
    "dingtalk_message",
    "dingtalk_sign",
    "dingtalk_url",
    "in_quiet_hours",
    "next_slot",
    "read_answer",
    "wecom_message",
]

DINGTALK = "dingtalk"
WECOM = "wecom"
PER_MINUTE = 20
WINDOW_S = 60.0
#: Error codes that mean "too many messages, try later".
RATE_LIMITED = {DINGTALK: {130101, 660026}, WECOM: {45009}}
MAX_ATTEMPTS = 6


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The ``sign`` parameter of a signed 钉钉 robot (already URL-encoded)."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def dingtalk_url(webhook: str, secret: str, timestamp_ms: int) -> str:
    """The webhook with ``timestamp`` and ``sign`` appended (unchanged without a secret)."""
    if not secret:
        return webhook
    joiner = "&" if "?" in webhook else "?"
    return f"{webhook}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def dingtalk_message(
    title: str, text: str, *, url: str = "", at_mobiles: Sequence[str] = ()
) -> dict:
    """Markdown, or an actionCard with a button when there is a link to open."""
    mentions = "".join(f" @{mobile}" for mobile in at_mobiles)
    if url:
        return {
            "msgtype": "actionCard",
            "actionCard": {
                "title": title,
                "text": f"### {title}\n\n{text}{mentions}",
                "singleTitle": "查看详情",
                "singleURL": url,
            },
            "at": {"atMobiles": list(at_mobiles), "isAtAll": False},
        }
    return {
        "msgtype": "markdown",
        "markdown": {"title": title, "text": f"### {title}\n\n{text}{mentions}"},
        "at": {"atMobiles": list(at_mobiles), "isAtAll": False},
    }


def wecom_message(title: str, text: str, *, url: str = "", at_mobiles: Sequence[str] = ()) -> dict:
    """Markdown; a message that must @ people is text (企业微信 mentions only in text)."""
    link = f"\n\n[查看详情]({url})" if url else ""
    if at_mobiles:
        return {
            "msgtype": "text",
            "text": {
                "content": f"{title}\n{text}" + (f"\n{url}" if url else ""),
                "mentioned_mobile_list": list(at_mobiles),
            },
        }
    return {"msgtype": "markdown", "markdown": {"content": f"### {title}\n{text}{link}"}}


@dataclass(frozen=True)
class Answer:
    """What a platform's reply means for the delivery."""

    ok: bool
    retry: bool
    reason: str


def read_answer(kind: str, status: int, body: bytes) -> Answer:
    """Judge a robot's HTTP reply: sent, try again later, or failed for good."""
    if status >= 500 or status == 429:
        return Answer(False, True, f"HTTP {status}")
    try:
        data = json.loads(body.decode("utf-8"))
        code = int(data.get("errcode", -1))
        message = str(data.get("errmsg", ""))[:200]
    except (ValueError, UnicodeDecodeError, AttributeError):
        return Answer(False, status >= 500, f"HTTP {status}: not JSON")
    if status == 200 and code == 0:
        return Answer(True, False, "")
    limited = code in RATE_LIMITED.get(kind, set())
    return Answer(False, limited, f"errcode {code}: {message}")


def backoff(attempt: int) -> float:
    """Seconds before try number *attempt* + 1: 30 s, 1, 2, 4, 8 minutes …, at most an hour."""
    return float(min(30 * 2 ** max(attempt - 1, 0), 3600))


def next_slot(
    sent_at: Sequence[float], *, now: float, limit: int = PER_MINUTE, window_s: float = WINDOW_S
) -> float:
    """The earliest moment (≥ now) a robot that sent at *sent_at* may send again."""
    recent = sorted(t for t in sent_at if t > now - window_s)
    if len(recent) < limit:
        return now
    return recent[len(recent) - limit] + window_s


def in_quiet_hours(moment: time, start: time | None, end: time | None) -> bool:
    """Whether a local time lies in quiet hours (which may run over midnight)."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end
