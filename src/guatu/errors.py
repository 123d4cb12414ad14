"""Show core errors to people: translate the message id, then fill it in.

The core cannot import Django, so its errors carry English message ids
(``CoreError.template``) and raw values. Here the sentence and any word-like
value (a unit's label, a dimension) are translated into the active language.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext

from guatu.core.errors import CoreError
from guatu.core.schedule_io import CELL_TEMPLATE


def translate(error: CoreError) -> str:
    """Return *error*'s message in the active language."""
    params = {key: _translate_value(value) for key, value in error.params.items()}
    message = gettext(error.template) % params
    place = getattr(error, "place", None)  # where in a file (core.geo: "feature 3")
    if place:
        separator = "：" if (get_language() or "").startswith("zh") else ": "
        return gettext(place[0]) % place[1] + separator + message
    return message


def _translate_value(value: Any) -> Any:
    if isinstance(value, str) and value:
        return gettext(value)
    if isinstance(value, tuple):
        separator = "、" if (get_language() or "").startswith("zh") else ", "
        return separator.join(gettext(str(word)) for word in value)
    return value


def as_validation_error(error: CoreError, field: str | None = None) -> ValidationError:
    """Return a ``ValidationError`` carrying *error*'s translated message, on *field* if given."""
    message = translate(error)
    code = type(error).__name__
    if field is None:
        return ValidationError(message, code=code)
    return ValidationError({field: ValidationError(message, code=code)})


def translate_problems(error: CoreError) -> list[str]:
    """Return each cell-level problem of *error* (if it has any) in the active language."""
    return [
        gettext(CELL_TEMPLATE)
        % {
            key: _translate_value(value) if key == "expected" else value
            for key, value in problem.items()
        }
        for problem in getattr(error, "problems", [])
    ]
