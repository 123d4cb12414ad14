"""Who may do what on the pages: roles checked on every write path, denials logged."""

import logging
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("guatu.access")


def role_required(*roles: str) -> Callable:
    """Let only users with one of *roles* through; answer 403 and log anyone else."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.role not in roles and not request.user.is_superuser:
                logger.warning(
                    "denied: user=%s role=%s path=%s method=%s",
                    request.user.username,
                    request.user.role,
                    request.path,
                    request.method,
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
