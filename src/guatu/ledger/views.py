"""Ledger pages: download the template or the filled ledger; the supervisor uploads one.

An upload is checked first (dry run) and kept under MEDIA_ROOT until the
supervisor confirms it, so the file is not sent twice; the confirmation
checks it again against the data as it is then, and writes it all or nothing.
"""

import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guatu.access import is_supervisor, reports_own_items, role_required
from guatu.accounts.models import Role
from guatu.common.pages import xlsx_response
from guatu.ledger.exporting import export_filename, ledger_workbook
from guatu.ledger.importing import ImportResult, ledger_import
from guatu.org.selectors import current_city_or_404

SUFFIXES = (".xlsx", ".csv")
SESSION_KEY = "ledger_upload"


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Ledger file (.xlsx or .csv)"),
        help_text=gettext_lazy("CSV in UTF-8 or GBK. Headers are matched by name."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        return upload


#: A checked upload waits this long for its confirmation, then it is removed.
KEEP_UPLOADS_SECONDS = 24 * 3600


def _upload_folder() -> Path:
    """The folder of checked uploads awaiting confirmation, swept of those older than a day."""
    folder = Path(settings.MEDIA_ROOT) / "ledger-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_UPLOADS_SECONDS
    for kept in folder.iterdir():
        try:
            if kept.is_file() and kept.stat().st_mtime < cutoff:
                kept.unlink(missing_ok=True)
        except OSError:
            continue  # another request swept it first
    return folder


@login_required
def ledger_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ledger/ledger.html",
        {
            "form": LedgerUploadForm(),
            "can_import": is_supervisor(request.user) or reports_own_items(request.user),
            "progress_only": not is_supervisor(request.user),
        },
    )


@login_required
def template_view(request: HttpRequest) -> HttpResponse:
    city = current_city_or_404()
    return xlsx_response(
        ledger_workbook(city=city, projects=[]), export_filename(city, template=True)
    )


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    city = current_city_or_404()
    return xlsx_response(ledger_workbook(city=city), export_filename(city))


@role_required(Role.SUPERVISOR, Role.TOWN, Role.DEPARTMENT)
def import_view(request: HttpRequest) -> HttpResponse:
    """Check an upload (and keep it), or write a kept upload once the supervisor confirms."""
    if request.method != "POST":
        return redirect("ledger:ledger")
    city = current_city_or_404()
    if "confirm" in request.POST:
        kept = request.session.get(SESSION_KEY) or {}
        path = _upload_folder() / kept.get("stored", "-")
        if kept.get("token") != request.POST.get("token") or not path.is_file():
            messages.error(request, _("That upload is no longer available: upload the file again."))
            return redirect("ledger:ledger")
        result = ledger_import(source=path, name=kept["name"], actor=request.user, city=city)
        if result.ok:
            path.unlink(missing_ok=True)
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _summary(result))
            return redirect("ledger:ledger")
        return _preview(request, result, token=None)
    form = LedgerUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "ledger/ledger.html", {"form": form, "can_import": True}, status=400)
    upload = form.cleaned_data["file"]
    previous = request.session.pop(SESSION_KEY, None)
    if previous:
        # A new upload replaces the one this session was asked to confirm.
        (_upload_folder() / previous.get("stored", "-")).unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    stored = f"{token}{Path(upload.name).suffix.lower()}"
    path = _upload_folder() / stored
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    dry_run = "write" not in request.POST
    result = ledger_import(
        source=path, name=upload.name, actor=request.user, city=city, dry_run=dry_run
    )
    if result.ok and not dry_run:
        path.unlink(missing_ok=True)
        messages.success(request, _summary(result))
        return redirect("ledger:ledger")
    if not result.ok:
        path.unlink(missing_ok=True)
        return _preview(request, result, token=None)
    request.session[SESSION_KEY] = {"token": token, "stored": stored, "name": upload.name}
    return _preview(request, result, token=token)


def _preview(request: HttpRequest, result: ImportResult, *, token: str | None) -> HttpResponse:
    rows = [
        (_("Projects"), result.projects),
        (_("Work items"), result.items),
        (_("Progress reports"), result.progress),
        (_("Reviews of above-target reports"), result.reviews),
        (_("Blockers"), result.blockers),
    ]
    return render(
        request,
        "ledger/preview.html",
        {"result": result, "rows": rows, "token": token},
        status=200 if result.ok else 422,
    )


def _summary(result: ImportResult) -> str:
    return _(
        "Imported %(file)s: %(items_new)d new and %(items_changed)d changed work items, "
        "%(reports)d progress reports."
    ) % {
        "file": result.file,
        "items_new": len(result.items.created),
        "items_changed": len(result.items.updated),
        "reports": len(result.progress.created) + len(result.progress.updated),
    }
