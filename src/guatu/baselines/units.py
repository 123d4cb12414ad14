"""Which unit a 节点调整 counts against: the town or department of the official who asked."""

from guatu.baselines.models import Adjustment


def asking_unit(adjustment: Adjustment) -> str:
    user = adjustment.proposed_by
    return str(user.town or user.department or user)
