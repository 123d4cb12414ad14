from datetime import date
from decimal import Decimal

import pytest

from guatu.investment.services import MonthFigures, plan_set
from tests.office import office

TODAY = date(2019, 11, 15)


@pytest.fixture
def invested(project, towns):
    """The railway with a 2019 plan of 12,000 万元, 建设 stage, reported by 石柱镇."""
    project.responsible_town = towns["石柱镇"]
    project.total_investment = Decimal("50000")
    project.stage = project.Stage.BUILDING
    project.category = project.Category.CONTINUING
    project.save()
    plan_set(actor=office(), project=project, year=2019, amount=Decimal("12000"))
    return project


def figures(amount, **changes) -> MonthFigures:
    return MonthFigures(amount=Decimal(str(amount)), in_library=True, **changes)
