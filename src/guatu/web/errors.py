"""Error pages inside the site: its header, its language, a sentence a person can act on.

Django's own 400/403/404/500 pages are bare English (or, under DEBUG, a
traceback); nobody using guatu should ever see either.
"""

import logging

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from guatu.common.pages import error_page

logger = logging.getLogger("guatu")

#: Served when even the site's layout cannot be drawn (the database is down, say).
PLAIN_500 = (
    '<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>服务器错误</title>'
    "<h1>服务器出错了</h1><p>请稍后再试；如果一直如此，请联系系统管理员。</p>"
    "<p>Server error: please try again later.</p></html>"
)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(
        request, 400, _("Bad request"), _("The request could not be understood: check the address.")
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(
        request,
        403,
        _("Not allowed"),
        _("Your role does not allow this. The attempt has been recorded."),
    )


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(
        request, 404, _("Page not found"), _("There is no such page, or it is not yours to see.")
    )


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return error_page(
            request,
            500,
            _("Server error"),
            _("Something went wrong on our side; nothing you entered was saved. Try again later."),
        )
    except Exception:
        logger.exception("the error page could not be drawn")
        return HttpResponse(PLAIN_500, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (an old page, cookies off): say what to do."""
    return error_page(
        request,
        403,
        _("Form expired"),
        _("The form was sent without its security token: reload the page and send it again."),
    )


def bad_query(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 for a query value the page cannot use (``?year=abc``), saying which."""
    return error_page(request, 400, _("Bad request"), message)
