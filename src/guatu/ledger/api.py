"""Ledger endpoints of the REST API: template and export downloads, import with dry run."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from guatu.common.pages import XLSX, xlsx_response
from guatu.ledger.exporting import export_filename, ledger_workbook
from guatu.ledger.importing import ledger_import
from guatu.org.selectors import current_city_or_404

router = Router(tags=["ledger"])


class ChangesOut(Schema):
    created: int
    updated: int
    unchanged: int


class LedgerImportOut(Schema):
    file: str
    dry_run: bool
    written: bool
    projects: ChangesOut
    items: ChangesOut
    progress: ChangesOut
    reviews: ChangesOut
    blockers: ChangesOut
    notes: list[str]


class LedgerProblemsOut(Schema):
    message: str
    field: str | None
    errors: dict[str, list[str]]


@router.get("/template", summary="The empty ledger template (.xlsx)", response={200: None})
def template(request) -> HttpResponse:
    city = current_city_or_404()
    return xlsx_response(
        ledger_workbook(city=city, projects=[]), export_filename(city, template=True)
    )


@router.get(
    "/export",
    summary="The ledger filled with every project, work item and progress report (.xlsx)",
    response={200: None},
    openapi_extra={"responses": {200: {"content": {XLSX: {}}}}},
)
def export(request) -> HttpResponse:
    city = current_city_or_404()
    return xlsx_response(ledger_workbook(city=city), export_filename(city))


@router.post(
    "/import",
    response={200: LedgerImportOut, 422: LedgerProblemsOut},
    summary="Import a ledger (.xlsx or .csv), all or nothing; dry_run=true only checks and counts",
)
def import_ledger(request, file: File[UploadedFile], dry_run: bool = False):
    result = ledger_import(
        source=file,
        name=file.name,
        actor=request.user,
        dry_run=dry_run,
        city=current_city_or_404(),
    )
    if not result.ok:
        return Status(
            422,
            {
                "message": _("%(count)d problems found; nothing was written.")
                % {"count": len(result.problems)},
                "field": "file",
                "errors": {"file": [str(problem) for problem in result.problems]},
            },
        )
    data = result.as_dict()
    data.pop("problems")
    return Status(200, data)
