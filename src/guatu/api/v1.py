"""REST API v1: the API object, its authentication and error answers, each app's router.

The endpoints live in their apps' ``api.py`` (projects, items, reports and
blockers in ``guatu.progress.api``), thin: parse input, call one selector or
service, shape output. The services enforce the roles and the reporting rules,
so the API cannot do what the pages may not. Errors are JSON:
``{"message": "…", "field": "…", "errors": {field: [...]}}``, in the request's
language (Chinese by default).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from guatu.accounts.tokens import PasswordChangeRequired, token_user
from guatu.api.geo import router as geo_router
from guatu.baselines.api import router as baselines_router
from guatu.intake.api import router as intake_router
from guatu.investment.api import router as investment_router
from guatu.ledger.api import router as ledger_router
from guatu.notify.api import router as inbox_router
from guatu.notify.api import todo_router
from guatu.org.middleware import enter_city
from guatu.parks.api import router as parks_router
from guatu.problems.api import router as problems_router
from guatu.progress.api import router as progress_router
from guatu.projects.api import EDIT_OPERATIONS
from guatu.projects.api import router as plans_router
from guatu.projects.prework_api import router as prework_router
from guatu.risk.api import router as risk_router
from guatu.supervision.bulletin_api import router as bulletins_router
from guatu.supervision.region_api import router as region_router
from guatu.supervision.reply_api import router as replies_router


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; tokens come from ``guatu token USERNAME``."""

    def authenticate(self, request: HttpRequest, token: str):
        user = token_user(token)
        if user is None:
            # A token that is wrong is an answer, not a reason to try the session
            # (whose CSRF check would answer a misleading 403): 401.
            raise AuthenticationError
        if user.must_change_password:
            raise PasswordChangeRequired
        request.user = user
        enter_city(user, request)  # the token's city, not a session's that came along
        return user


class SessionAuth(NinjaSessionAuth):
    """The signed-in session, as ninja's, but not for a handed-out first password (403)."""

    def authenticate(self, request: HttpRequest, key: str | None):
        user = super().authenticate(request, key)
        if user is not None and getattr(user, "must_change_password", False):
            raise PasswordChangeRequired
        return user


#: The answers any operation may give besides its own, each with the error body.
ERROR_ANSWERS = {
    "400": "Invalid input (the message names the field); nothing was changed.",
    "401": "No valid token or session.",
    "403": "The role does not allow it (the attempt is audited).",
    "404": "No such object.",
    "413": "The request body is too large.",
    "422": "The request does not match the schema (the field is named).",
    "429": "Too many requests (api/throttle.py); wait the seconds Retry-After says.",
}


#: Operations that moved out of this module into their app keep the ids clients
#: were generated with (ninja names an operation after its function's module).
KEPT_OPERATION_IDS = {"guatu.progress.api": "guatu.api.v1"}


class GuatuAPI(NinjaAPI):
    """The API, its OpenAPI document listing the error answers every operation can give."""

    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__
        module = KEPT_OPERATION_IDS.get(module, module)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = {
            "type": "object",
            "required": ["message", "field", "errors"],
            "properties": {
                "message": {"type": "string", "description": "In Chinese unless asked in English"},
                "field": {"type": ["string", "null"]},
                "errors": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                for status, description in ERROR_ANSWERS.items():
                    answers.setdefault(status, {"description": description, "content": error})
        return schema


api = GuatuAPI(
    title="重点项目挂图作战 API",
    version="1",
    description="重点项目挂图作战 — projects, work items and their lights, progress reports, "
    "blockers (卡点).",
    auth=[TokenAuth(), SessionAuth()],
    docs_url=None,  # the interactive docs would load scripts from a CDN; use openapi.json
    urls_namespace="api-v1",
)


def _error(
    request, status: int, message: str, field: str | None = None, errors: dict | None = None
):
    body = {"message": message, "field": field, "errors": errors or {}}
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def _on_validation(request, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    field = next(iter(errors), None)
    return _error(
        request,
        400,
        errors[field][0] if field else _("Invalid input."),
        None if field == "__all__" else field,
        errors,
    )


@api.exception_handler(SchemaError)
def _on_schema(request, exc: SchemaError):
    errors: dict[str, list[str]] = {}
    for problem in exc.errors:
        location = [str(part) for part in problem.get("loc", []) if part not in ("body", "payload")]
        field = ".".join(location) or "__all__"
        errors.setdefault(field, []).append(
            _("“%(field)s” is missing or not valid (%(detail)s).")
            % {"field": field, "detail": problem.get("msg", "")}
        )
    field = next(iter(errors), None)
    return _error(request, 422, errors[field][0], field, errors)


@api.exception_handler(RequestDataTooBig)
def _on_too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _error(
        request,
        413,
        _("The request is too large: at most %(size)s MB.") % {"size": round(limit / 2**20, 1)},
    )


@api.exception_handler(PermissionDenied)
def _on_denied(request, exc):
    return _error(request, 403, _("You may not do this: your role does not allow it."))


@api.exception_handler(PasswordChangeRequired)
def _on_first_password(request, exc):
    return _error(request, 403, str(PasswordChangeRequired.message))


@api.exception_handler(AuthenticationError)
def _on_unauthenticated(request, exc):
    return _error(request, 401, _("Sign in, or send a valid API token."))


@api.exception_handler(Http404)
def _on_missing(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(HttpError)
def _on_http(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc))


for method, path, view, options in EDIT_OPERATIONS:
    progress_router.add_api_operation(path, [method], view, **options)
api.add_router("/", progress_router)
api.add_router("/ledger", ledger_router)
api.add_router("/parks", parks_router)
api.add_router("/intake", intake_router)
api.add_router("/plans", plans_router)
api.add_router("/inbox", inbox_router)
api.add_router("/", todo_router)
api.add_router("/", baselines_router)
api.add_router("/", risk_router)
api.add_router("/", region_router)
api.add_router("/", bulletins_router)
api.add_router("/", replies_router)
api.add_router("/", investment_router)
api.add_router("/", prework_router)
api.add_router("/", problems_router)
api.add_router("/", geo_router)
