"""What the scenario says of a project and of each of its work items."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

__all__ = ["Item", "ProjectSpec"]


@dataclass(frozen=True)
class Item:
    """A work item of the scenario and how it has gone up to TODAY.

    ``progress`` is the percentage reached at TODAY (None: no report yet);
    ``done_on`` the date it reached 100 %; ``slowdown`` the share of the
    progress already reached four weeks before TODAY (1.0 = steady pace;
    close to 1 means the last weeks added almost nothing).
    """

    code: str
    name: str
    phase: str
    town: str | None
    start: date | None
    duration: int
    department: str
    unit: str = ""
    target: Decimal | None = None
    progress: float | None = None
    done_on: date | None = None
    deadline: date | None = None
    milestone: bool = False
    value: Decimal | None = None
    villages: int = 0
    slowdown: float | None = None
    report_unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class ProjectSpec:
    code: str
    name: str
    programme: str
    start: date
    deadline: date
    department: str
    description: str
    task_force: list[tuple[str, str, str, str | None]]
    items: list[Item]
    #: (predecessor code, successor code, type, lag days)
    links: list[tuple[str, str, str, int]] = field(default_factory=list)
    #: (code, name, deadline, branch codes) of 同期交付 milestones
    joint: list[tuple[str, str, date, list[str]]] = field(default_factory=list)
