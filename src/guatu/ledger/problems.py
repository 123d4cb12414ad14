"""What an import found wrong, each problem at its place in the file, in the user's language."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from guatu.core.ledger.cells import plain_text

#: Longest value quoted back in a message.
QUOTE_LIMIT = 40


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: ``sheet``, ``row`` and ``column`` say where (row and column may be unknown)."""

    sheet: str
    row: int | None
    column: str | None
    value: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return _("Sheet “%(sheet)s”: %(message)s") % {
                "sheet": self.sheet,
                "message": self.message,
            }
        if self.column is None:
            return _("Sheet “%(sheet)s”, row %(row)d: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
        return _("Sheet “%(sheet)s”, row %(row)d, column %(column)s: “%(value)s” — %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


def quote(value: Any) -> str:
    text = plain_text(value)
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


def expected(what: str) -> str:
    """Phrase what a cell should hold: “expected a date …”."""
    return _("expected %(what)s.") % {"what": what}
