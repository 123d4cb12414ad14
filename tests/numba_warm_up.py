"""Compile guatu's numba kernels once, into numba's on-disk cache, and exit.

Under pytest-xdist the controller runs this in a child process while the workers start
and collect (see ``pytest_sessionstart`` in tests/conftest.py), so the workers and the
``guatu`` commands the tests start load the kernels from the cache instead of each
compiling them (about 23 s of one core here with a cold cache: the risk kernel 20 s,
the schedule and status kernels 3 s; well under a second warm). Imports no Django.
"""

import numpy as np

from guatu.core.risk import warm_up as risk_warm_up
from guatu.core.schedule import Network, schedule
from guatu.core.status import item_status


def main() -> None:
    network = Network.from_arrays(duration=[3, 4], pred=[0], succ=[1], kind=[0], lag=[0])
    plan = schedule(network)
    item_status(
        es=plan.es,
        duration=network.duration,
        lf=plan.lf,
        as_of=np.array([5, 5]),
        window_start=np.zeros(2, dtype=np.int64),
        report_item=np.array([0]),
        report_day=np.array([2]),
        report_percent=np.array([50.0]),
    )
    risk_warm_up()


if __name__ == "__main__":
    main()
