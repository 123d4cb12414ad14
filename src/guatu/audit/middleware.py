"""Every request's origin (channel and address) for the audit entries it writes.

A signed-in user answered 404 is audited too: an id of another city answers
404 like one that does not exist (``common.scope``), and the office should
see someone walking ids that are not theirs.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from guatu.audit.context import Origin, current_origin, request_address
from guatu.audit.services import audit_record


class OriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        token = current_origin.set(Origin(channel, request_address(request)))
        try:
            response = self.get_response(request)
            if response.status_code == 404 and getattr(request.user, "is_authenticated", False):
                audit_record(
                    user=request.user,
                    action="not_found",
                    target=None,
                    detail={"path": request.path[:200], "method": request.method},
                    allowed=False,
                )
            return response
        finally:
            current_origin.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Audit the admin site's own refusals (guatu's services audit theirs in ``require``)."""
        if isinstance(exception, PermissionDenied) and request.path.startswith("/admin/"):
            audit_record(
                user=request.user,
                action="admin",
                target=None,
                detail={"path": request.path[:200], "method": request.method},
                allowed=False,
            )
