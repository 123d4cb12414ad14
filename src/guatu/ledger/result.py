"""What a ledger import found and did: counts of rows and the problems, each at its cell."""

from dataclasses import dataclass, field
from typing import Any

from guatu.ledger.problems import Problem


@dataclass
class Changes:
    """How many rows of a kind would be (or were) created, updated, left as they were."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


@dataclass
class ImportResult:
    """What an import found and did. If ``problems`` is not empty, nothing was written."""

    file: str
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    projects: Changes = field(default_factory=Changes)
    items: Changes = field(default_factory=Changes)
    progress: Changes = field(default_factory=Changes)
    #: Reviews of above-target reports (核实情况) recorded from the file.
    reviews: Changes = field(default_factory=Changes)
    blockers: Changes = field(default_factory=Changes)
    notes: list[str] = field(default_factory=list)
    written: bool = False
    rescheduled: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "written": self.written,
            "problems": [str(problem) for problem in self.problems],
            "projects": self.projects.counts,
            "items": self.items.counts,
            "progress": self.progress.counts,
            "reviews": self.reviews.counts,
            "blockers": self.blockers.counts,
            "notes": self.notes,
        }
