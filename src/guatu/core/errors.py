"""One exception hierarchy for the core, as networkx has ``NetworkXError``.

Every error keeps its message id (``template``) and the values to put into it
(``params``; a tuple stands for a list of words) apart, so that the web layer
can translate the sentence into the user's language before filling it in.
``str(error)`` gives the English text.
"""

from collections.abc import Mapping
from typing import Any

__all__ = [
    "CalendarError",
    "CoreError",
    "CycleError",
    "JointMilestoneError",
    "ScheduleError",
    "UnitError",
]


class CoreError(Exception):
    """Base of every error the core raises on bad input."""

    template: str = "%(detail)s"

    def __init__(self, template: str | None = None, **params: Any) -> None:
        if template is not None:
            self.template = template
        self.params: Mapping[str, Any] = params
        super().__init__(self.template % {k: _plain(v) for k, v in params.items()})


def _plain(value: Any) -> Any:
    """Show a tuple of words (the units one may use, say) as a list in English."""
    return ", ".join(map(str, value)) if isinstance(value, tuple) else value


class UnitError(CoreError):
    """A unit is unknown, or a quantity cannot be converted into another unit."""


class CycleError(CoreError):
    """Dependencies form a cycle; ``cycle`` lists the nodes, first repeated last."""

    def __init__(self, template: str | None = None, *, cycle: list[Any], **params: Any) -> None:
        self.cycle = cycle
        super().__init__(template, **params)


class JointMilestoneError(CoreError):
    """A joint milestone (同期交付) is not fed by at least two branches."""


class CalendarError(CoreError):
    """A date cannot be placed on the working calendar."""


class ScheduleError(CoreError):
    """The schedule's input is inconsistent (bad indexes, negative durations …)."""
