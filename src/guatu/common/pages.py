"""What every app's pages share: errors beside their fields, spreadsheet downloads, error pages.

These sit below the domain apps so that each app's own views (parks, risk,
baselines, notify …) can use them without importing the ``web`` app, which
sits above them all.
"""

from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's errors next to the fields they name (the rest on top)."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        for problem in error.messages:
            form.add_error(None, problem)


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """A workbook download, its Chinese file name kept (RFC 5987)."""
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    """An error inside the site: its header, its language, a sentence a person can act on."""
    html = render_to_string(
        "error.html", {"status": status, "title": title, "message": message}, request=request
    )
    return HttpResponse(html, status=status)


def bad_query(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 for a query value the page cannot use (``?year=abc``), saying which."""
    return error_page(request, 400, _("Bad request"), message)
