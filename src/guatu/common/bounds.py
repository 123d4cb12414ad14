"""One set of bounds for every number and date a person or a program sends in.

A value outside them is refused at its field (422 from the API's schema, a
form error on the page) before any rule or computation sees it: a year 9999
overflows date arithmetic, 1e30 overflows a DecimalField, 2³¹ days an
IntegerField, and each of those used to end in a 500. Within them, the
report rules and the services give their own, more specific messages.

The API's schemas use the annotated types; the pages' forms the validators.
"""

import re
from datetime import date
from decimal import Decimal
from typing import Annotated

from django.core.validators import MaxValueValidator, MinValueValidator
from pydantic import BeforeValidator, Field

from guatu.core.limits import EARLIEST, LATEST, MAX_DAYS

#: Quantities fit ProgressReport's DecimalField(16, 4); percentages its (7, 2).
MAX_QUANTITY = Decimal("999999999999.9999")
MAX_PERCENT = Decimal("99999.99")

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value):
    """Only a date or ``YYYY-MM-DD``: pydantic would read ``0`` as 1970-01-01."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value.strip())):
        return value.strip() if isinstance(value, str) else value
    raise ValueError(f"a date as YYYY-MM-DD between {EARLIEST} and {LATEST}")


#: A date sent to the API.
Day = Annotated[date, BeforeValidator(_iso_day), Field(ge=EARLIEST, le=LATEST)]
#: A duration in days (not negative).
Days = Annotated[int, Field(ge=0, le=MAX_DAYS)]
#: Working days of an estimate (a tenth of a day at most precise).
WorkingDays = Annotated[
    Decimal, Field(ge=0, le=MAX_DAYS, max_digits=7, decimal_places=1, allow_inf_nan=False)
]
#: A quantity as reported (its sign is the report rules' to judge).
Quantity = Annotated[Decimal, Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY, allow_inf_nan=False)]
#: A percentage as reported (above 100 is the report rules' to judge).
Percent = Annotated[Decimal, Field(ge=-MAX_PERCENT, le=MAX_PERCENT, allow_inf_nan=False)]

#: A project's code as sent (a slug, as the model keeps it): never a NUL that PostgreSQL
#: refuses in a lookup (a 500), refused at the field as 422 instead.
ProjectCode = Annotated[str, Field(max_length=40, pattern=r"^[-a-zA-Z0-9_]*$")]

#: The same bounds for Django's form fields and query strings.
DAY_VALIDATORS = [MinValueValidator(EARLIEST), MaxValueValidator(LATEST)]
DAYS_VALIDATORS = [MinValueValidator(0), MaxValueValidator(MAX_DAYS)]
QUANTITY_VALIDATORS = [MinValueValidator(-MAX_QUANTITY), MaxValueValidator(MAX_QUANTITY)]
PERCENT_VALIDATORS = [MinValueValidator(-MAX_PERCENT), MaxValueValidator(MAX_PERCENT)]


def day_in_bounds(day: date) -> bool:
    """Whether *day* may be used as a date in guatu (a query's ``?date=``, say)."""
    return EARLIEST <= day <= LATEST
