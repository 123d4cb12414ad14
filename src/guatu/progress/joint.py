"""A joint time node (同期交付): reached only when every branch feeding it is delivered.

Read from the branches' latest reports, so it lives with progress, above the
projects app whose links it follows.
"""

from dataclasses import dataclass
from decimal import Decimal

from guatu.progress.selectors import latest_reports
from guatu.projects.models import WorkItem

DONE = Decimal(100)


@dataclass(frozen=True, slots=True)
class Branch:
    """One branch feeding a joint milestone and how far it has got."""

    item: WorkItem
    percent_complete: Decimal | None

    @property
    def delivered(self) -> bool:
        return self.percent_complete is not None and self.percent_complete >= DONE


@dataclass(frozen=True, slots=True)
class JointMilestoneState:
    milestone: WorkItem
    branches: list[Branch]

    @property
    def reached(self) -> bool:
        """A joint milestone is reached only when every branch is delivered."""
        return all(branch.delivered for branch in self.branches)

    @property
    def outstanding(self) -> list[Branch]:
        return [branch for branch in self.branches if not branch.delivered]


def joint_milestone_state(*, milestone: WorkItem) -> JointMilestoneState:
    """Return the branches of a 同期交付 milestone and whether all are delivered."""
    items = [
        link.predecessor
        for link in milestone.predecessor_links.select_related("predecessor").order_by(
            "predecessor__order"
        )
    ]
    latest = latest_reports(work_item_ids=[item.pk for item in items])
    return JointMilestoneState(
        milestone=milestone,
        branches=[
            Branch(
                item,
                latest[item.pk].percent_complete if item.pk in latest else None,
            )
            for item in items
        ],
    )
