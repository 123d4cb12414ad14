"""Scheduling from the data date (``core.schedule.Progress``): hand-made cases with their
numbers worked out on paper, and the rule that nothing reported by day 0 is the plan."""

import gzip
from pathlib import Path

import numpy as np
import pytest

from guatu.core.errors import CycleError, ScheduleError
from guatu.core.schedule import (
    FF,
    FORWARD_ONLY,
    FS,
    NO_DAY,
    NO_LATEST,
    SF,
    SS,
    Constraints,
    Network,
    Progress,
    schedule,
)

N = NO_DAY
DATA = Path(__file__).parent / "data"


def net(durations, links):
    return Network.from_arrays(
        duration=durations,
        pred=[p for p, _, _, _ in links],
        succ=[s for _, s, _, _ in links],
        kind=[k for _, _, k, _ in links],
        lag=[lag for _, _, _, lag in links],
    )


def progress(network, data_date, start=None, finish=None, percent=None):
    n = network.size
    return Progress.from_percent(
        network=network,
        data_date=data_date,
        actual_start=start or [N] * n,
        actual_finish=finish or [N] * n,
        percent=percent or [0] * n,
    )


def test_nothing_reported_on_day_zero_is_the_plan():
    rng = np.random.default_rng(7)
    n = 400
    pred = rng.integers(0, n - 1, 900)
    succ = pred + 1 + rng.integers(0, 30, 900)
    keep = succ < n
    network = net(
        rng.integers(0, 12, n).tolist(),
        list(
            zip(
                pred[keep].tolist(),
                succ[keep].tolist(),
                rng.integers(0, 4, keep.sum()).tolist(),
                rng.integers(-2, 4, keep.sum()).tolist(),
                strict=True,
            )
        ),
    )
    plan = schedule(network, deadline=400)
    same = schedule(network, deadline=400, progress=progress(network, 0))
    for field in ("es", "ef", "ls", "lf", "tf", "ff"):
        assert getattr(same, field).tolist() == getattr(plan, field).tolist(), field


def test_work_not_started_cannot_start_before_the_data_date_and_the_slip_is_the_float():
    # A(3) → B(2), node on day 6. Seen on day 5 with nothing done: A works 5–7, B 8–9,
    # four days after its node: both carry −4.
    network = net([3, 2], [(0, 1, FS, 0)])
    result = schedule(network, deadline=6, progress=progress(network, 5))
    assert result.es.tolist() == [5, 8]
    assert result.ef.tolist() == [8, 10]
    assert result.tf.tolist() == [-4, -4]
    assert (result.ef - result.lf).tolist() == [4, 4]
    assert result.critical.tolist() == [True, True]


def test_what_is_left_of_an_item_under_way_waits_for_its_predecessor():
    # Retained logic: B(4) started on day 1 out of sequence and is half done (2 days
    # left); its predecessor A(4) has not started. On day 3 A works 3–6, and B's last
    # two days wait for it: 7–8. B's bar still begins on day 1.
    network = net([4, 4], [(0, 1, FS, 0)])
    result = schedule(network, progress=progress(network, 3, start=[N, 1], percent=[0, 50]))
    assert result.es.tolist() == [3, 1]
    assert result.ef.tolist() == [7, 9]
    assert result.tf.tolist() == [0, 0]
    # A's late finish is held by what is left of B (9 − 2), not by B's whole duration.
    assert result.lf.tolist() == [7, 9]


def test_a_start_to_start_link_counts_from_the_actual_start():
    # A(10) started on day 2; B(3) may start a day after A starts: day 3, which the
    # data date (day 2) allows. Had the link counted from A's remaining work, B would
    # wait until day 3 too, but here the data date is earlier, so the actual start shows.
    network = net([10, 3], [(0, 1, SS, 1)])
    result = schedule(network, progress=progress(network, 2, start=[2, N], percent=[10, 0]))
    assert result.es.tolist() == [2, 3]
    # A started: the link no longer bounds A's late dates.
    assert result.lf[0] == result.early_finish


def test_a_start_link_into_an_item_under_way_is_spent_and_finish_links_still_hold():
    # A(5) not started; B(4) started on day 0, half done. SS A→B is spent (B started);
    # FF A→B still holds B's finish: A works 1–5, B's last two days end with it on day 6.
    network = net([5, 4], [(0, 1, SS, 0), (0, 1, FF, 0)])
    result = schedule(network, progress=progress(network, 1, start=[N, 0], percent=[0, 50]))
    assert result.es.tolist() == [1, 0]
    assert result.ef.tolist() == [6, 6]


def test_a_finish_to_start_link_from_an_item_under_way_takes_the_successors_duration():
    # SF: B(2) finishes no earlier than A starts + 4; A started on day 1 → B ends ≥ 5.
    network = net([6, 2], [(0, 1, SF, 4)])
    result = schedule(network, progress=progress(network, 2, start=[1, N], percent=[20, 0]))
    assert result.es.tolist() == [1, 3]
    assert result.ef.tolist() == [7, 5]  # A: 80 % of 6 days left, 5 from day 2


def test_a_finished_item_keeps_its_dates_whatever_its_predecessors_say():
    # B finished (days 0–1) before its predecessor A started (out of sequence).
    network = net([3, 2], [(0, 1, FS, 0)])
    result = schedule(
        network,
        progress=progress(network, 1, start=[N, 0], finish=[N, 2], percent=[0, 100]),
    )
    assert result.es.tolist() == [1, 0]
    assert result.ef.tolist() == [4, 2]
    assert result.done.tolist() == [False, True]
    assert result.tf[1] == 0 and not result.critical[1]


def test_a_finished_milestone_sits_on_its_day():
    network = net([2, 0], [(0, 1, FS, 0)])
    result = schedule(
        network,
        progress=progress(network, 5, start=[0, 3], finish=[3, 3], percent=[100, 100]),
    )
    assert result.es.tolist() == [0, 3]
    assert result.ef.tolist() == [3, 3]


def test_a_time_node_is_reached_on_its_day_whatever_start_it_is_given():
    network = net([2, 0], [(0, 1, FS, 0)])
    result = schedule(
        network,
        progress=progress(network, 5, start=[0, 1], finish=[3, 4], percent=[100, 50]),
    )
    assert result.es.tolist() == [0, 4] and result.ef.tolist() == [3, 4]


def test_a_fixed_item_not_started_moves_to_the_data_date():
    network = net([2], [])
    fixed = Constraints(fixed_start=np.array([1]))
    result = schedule(network, constraints=fixed, progress=progress(network, 4))
    assert result.es.tolist() == [4]


def test_a_fixed_item_under_way_holds_its_predecessors_late_dates_again():
    # SF A→B into a fixed B is forward-only while B is fixed (it cannot move). Once B has
    # started, what is left of it is scheduled, and the link bounds A again: B's node is
    # day 5, so A must start by 5 − 2 = 3 and finish by 6 (not the project's day 10).
    network = Network.from_arrays(
        duration=[3, 4], pred=[0], succ=[1], kind=[SF + FORWARD_ONLY], lag=[2]
    )
    constraints = Constraints(fixed_start=np.array([N, 0]), latest_finish=np.array([NO_LATEST, 5]))
    started = progress(network, 2, start=[N, 0], percent=[0, 50])
    assert schedule(network, deadline=10, constraints=constraints).lf[0] == 10  # fixed: no
    result = schedule(network, deadline=10, constraints=constraints, progress=started)
    assert result.lf[0] == 6


def test_a_data_date_before_the_start_changes_nothing():
    network = net([3, 2], [(0, 1, FS, 1)])
    plan = schedule(network, deadline=8)
    early = schedule(network, deadline=8, progress=progress(network, -10))
    assert early.es.tolist() == plan.es.tolist() and early.tf.tolist() == plan.tf.tolist()


def test_a_cycle_is_refused_even_through_a_finished_item():
    network = net([1, 1], [(0, 1, FS, 0), (1, 0, FS, 0)])
    with pytest.raises(CycleError):
        schedule(network, progress=progress(network, 3, start=[0, N], finish=[1, N]))


def test_progress_arrays_of_the_wrong_length_are_refused():
    network = net([1, 1], [])
    bad = Progress(
        data_date=0,
        actual_start=np.array([N]),
        actual_finish=np.array([N]),
        remaining=np.array([1]),
    )
    with pytest.raises(ScheduleError):
        schedule(network, progress=bad)


def test_a_plan_that_moves_parts_of_tasks_to_its_status_date_is_refused(tmp_path):
    """Microsoft Project splits tasks at the status date with these options: not modelled."""
    from guatu.core.mspdi import read_mspdi
    from guatu.core.mspdi_schedule import plan_refusals

    source = DATA / "mspdi-corpus" / "enterprise.xml.gz"
    original = gzip.decompress(source.read_bytes()).decode("utf-8")
    text = original.replace(
        "<MoveRemainingStartsForward>0</MoveRemainingStartsForward>",
        "<MoveRemainingStartsForward>1</MoveRemainingStartsForward>",
    )
    assert text != original
    moved, plain = tmp_path / "moves.xml", tmp_path / "plain.xml"
    moved.write_text(text, encoding="utf-8")
    plain.write_text(original, encoding="utf-8")
    refusals = list(plan_refusals(read_mspdi(moved)))
    assert any(r.detail == "MoveRemainingStartsForward" and r.whole_plan for r in refusals)
    assert not any(r.detail.startswith("Move") for r in plan_refusals(read_mspdi(plain)))
