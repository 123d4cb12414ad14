"""The office's clock for public information: published within 20 working days of arising.

国办发〔2017〕94号 asks a county to publish its 重大建设项目 information within 20
working days of the day it arises (形成或变更之日). The days are the office's working
days: the official calendar (holidays, make-up working days) with the city's own
exceptions (``org.clock.office_calendar``). Pure Python and numpy: no Django here.

Across the 2019 National Day holiday (Oct 1–7 off; Sunday 09-29 and Saturday 10-12 worked),
information arising on Friday 2019-09-20 is due on Wednesday 2019-10-23:

>>> from datetime import date
>>> from guatu.core.calendar import WorkCalendar
>>> office = WorkCalendar.official()
>>> due_on(office, date(2019, 9, 20))
datetime.date(2019, 10, 23)

On Monday 09-30 seven of its days are used (09-23 to 27, 29, 30): thirteen are left.
On the day it is due none is; the working day after, it is one day late.

>>> working_days_left(office, date(2019, 9, 30), date(2019, 10, 23))
13
>>> working_days_left(office, date(2019, 10, 23), date(2019, 10, 23))
0
>>> working_days_left(office, date(2019, 10, 24), date(2019, 10, 23))
-1
"""

from datetime import date, timedelta

import numpy as np

from guatu.core.calendar import WorkCalendar

__all__ = ["PUBLISH_WITHIN", "due_on", "working_days_left"]

#: Working days within which a piece of information is to be published.
PUBLISH_WITHIN = 20


def due_on(calendar: WorkCalendar, start: date, days: int = PUBLISH_WITHIN) -> date:
    """The last day *days* working days after *start* (the day it arose does not count)."""
    return calendar.working_days_after(start, days)


def working_days_left(calendar: WorkCalendar, today: date, due: date) -> int:
    """Working days after *today* up to *due*; once past it, minus the working days late."""
    if due == today:
        return 0
    first, last, sign = (today, due, 1) if due > today else (due, today, -1)
    mask = calendar.working_mask(
        np.datetime64(first + timedelta(days=1), "D"), np.datetime64(last, "D")
    )
    return sign * int(mask.sum())
