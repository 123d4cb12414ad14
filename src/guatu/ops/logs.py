"""Log lines a machine can read: one JSON object a line, each with its request's id.

The id comes from the proxy's ``X-Request-ID`` when it sends a sane one
(nginx: ``proxy_set_header X-Request-ID $request_id``), else a new one; it
goes back in the response's ``X-Request-ID`` so a user's complaint, the
proxy's access log and guatu's error line can be matched.
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

request_id: ContextVar[str] = ContextVar("request_id", default="-")
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
#: A 大屏 link's token, in a path, a referer or a message: only its first 6 characters
#: (what the screens page shows) may reach a log, never the secret that opens the screen.
SCREEN_TOKEN = re.compile(r"(/screen/)([A-Za-z0-9_-]{1,6})[A-Za-z0-9_.~%-]*")


def redact(text: str) -> str:
    """*text* with every screen token cut to its prefix (``/screen/abc123…/``)."""
    return SCREEN_TOKEN.sub(r"\1\2…", text)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if SANE_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(request.request_id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id.get()
            return response
        finally:
            request_id.reset(token)


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time (UTC), level, logger, message, request id,
    and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": request_id.get(),
        }
        request = getattr(record, "request", None)
        # Django logs a 4xx/5xx after the middleware has returned: the request knows its id.
        line["request_id"] = getattr(request, "request_id", None) or line["request_id"]
        if request is not None and hasattr(request, "path"):
            line["method"] = request.method
            line["path"] = redact(request.path[:300])
        status = getattr(record, "status_code", None)
        if status is not None:
            line["status"] = status
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
