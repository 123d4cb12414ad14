"""The CPM engine: hand-computed cases, random networks against a plain reference,
constraints, negative float and cycles."""

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guatu.core.errors import CycleError, ScheduleError
from guatu.core.schedule import (
    LINK_TYPES,
    NO_EARLIEST,
    NO_FIX,
    NO_LATEST,
    Constraints,
    Network,
    schedule,
)
from tests.core.reference_cpm import reference_cpm

TINY = Path(__file__).parent / "data" / "tiny"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def tiny_network() -> tuple[Network, np.ndarray]:
    activities = read_csv(TINY / "activities.csv")
    links = read_csv(TINY / "links.csv")
    return Network.from_ids(
        np.array([int(a["id"]) for a in activities]),
        np.array([int(a["duration"]) for a in activities]),
        np.array([int(link["pred"]) for link in links]),
        np.array([int(link["succ"]) for link in links]),
        np.array([LINK_TYPES.index(link["type"]) for link in links]),
        np.array([int(link["lag"]) for link in links]),
    )


@pytest.mark.parametrize(
    ("deadline", "expected"), [(None, "expected.csv"), (17, "expected_deadline17.csv")]
)
def test_the_hand_computed_tiny_network(deadline, expected):
    network, ids = tiny_network()
    result = schedule(network, deadline=deadline)
    by_id = {int(row["id"]): row for row in read_csv(TINY / expected)}
    for index, item_id in enumerate(ids.tolist()):
        row = by_id[item_id]
        got = [
            result.es[index],
            result.ef[index],
            result.ls[index],
            result.lf[index],
            result.tf[index],
        ]
        assert got == [int(row[k]) for k in ("es", "ef", "ls", "lf", "tf")], item_id


def test_negative_float_says_how_many_days_late():
    network, _ids = tiny_network()
    result = schedule(network, deadline=17)
    assert result.days_late.max() == 2
    assert result.critical.sum() == 6


@st.composite
def networks(draw):
    n = draw(st.integers(1, 40))
    durations = draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
    rank = draw(st.permutations(range(n)))  # a random topological order
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    links = []
    for a, b in pairs:
        if rank[a] < rank[b]:
            kind = draw(st.sampled_from(LINK_TYPES))
            links.append((a, b, kind, draw(st.integers(-5, 10))))
    return durations, links


def as_network(durations, links) -> Network:
    return Network.from_arrays(
        duration=durations,
        pred=[p for p, _, _, _ in links],
        succ=[s for _, s, _, _ in links],
        kind=[LINK_TYPES.index(k) for _, _, k, _ in links],
        lag=[lag for _, _, _, lag in links],
    )


@settings(max_examples=300, deadline=None)
@given(networks(), st.one_of(st.none(), st.integers(0, 300)))
def test_random_networks_match_the_plain_reference(net, deadline):
    durations, links = net
    result = schedule(as_network(durations, links), deadline=deadline)
    es, ef, ls, lf = reference_cpm(durations, links, deadline)
    assert result.es.tolist() == es
    assert result.ef.tolist() == ef
    assert result.ls.tolist() == ls
    assert result.lf.tolist() == lf
    assert (result.tf == result.ls - result.es).all()
    assert (result.ff <= result.tf).all()


@settings(max_examples=200, deadline=None)
@given(networks(), st.data())
def test_constraints_match_the_reference(net, data):
    durations, links = net
    n = len(durations)
    earliest = data.draw(st.dictionaries(st.integers(0, n - 1), st.integers(-3, 60)))
    latest = data.draw(st.dictionaries(st.integers(0, n - 1), st.integers(0, 200)))
    start = np.full(n, NO_EARLIEST)
    finish = np.full(n, NO_LATEST)
    for item, value in earliest.items():
        start[item] = value
    for item, value in latest.items():
        finish[item] = value
    result = schedule(
        as_network(durations, links),
        constraints=Constraints(earliest_start=start, latest_finish=finish),
    )
    es, _ef, ls, lf = reference_cpm(durations, links, None, earliest, latest)
    assert (result.es.tolist(), result.ls.tolist(), result.lf.tolist()) == (es, ls, lf)


def test_a_time_node_on_a_milestone_gives_negative_float_upstream():
    # 征地 (10) → 交地 milestone due by day 8 → 开工 (5); the project may run to 30.
    network = Network.from_arrays(
        duration=[10, 0, 5], pred=[0, 1], succ=[1, 2], kind=[0, 0], lag=[0, 0]
    )
    latest = np.array([NO_LATEST, 8, NO_LATEST])
    result = schedule(network, deadline=30, constraints=Constraints(latest_finish=latest))
    assert result.tf.tolist() == [-2, -2, 15]
    assert result.days_late.tolist() == [2, 2, 0]


def test_a_fixed_item_does_not_move():
    network = Network.from_arrays(duration=[10, 3], pred=[0], succ=[1], kind=[0], lag=[0])
    fixed = np.array([NO_FIX, 4])
    result = schedule(network, constraints=Constraints(fixed_start=fixed))
    assert result.es.tolist() == [0, 4]
    # The predecessor now finishes 3 days after the fixed item must start.
    assert result.tf.tolist() == [-3, 3]


def test_free_float():
    # a(2) → c(5), b(4) → c: a may slip 2 days without delaying c.
    network = Network.from_arrays(
        duration=[2, 4, 5], pred=[0, 1], succ=[2, 2], kind=[0, 0], lag=[0, 0]
    )
    result = schedule(network)
    assert result.ff.tolist() == [2, 0, 0]
    assert result.tf.tolist() == [2, 0, 0]


def test_a_cycle_names_its_items():
    names = ["征地", "交地", "开工", "建成"]
    network = Network.from_arrays(
        duration=[1, 1, 1, 1],
        pred=[0, 1, 2, 3],
        succ=[1, 2, 3, 1],
        kind=[0, 0, 0, 0],
        lag=[0, 0, 0, 0],
    )
    with pytest.raises(CycleError) as raised:
        schedule(network, names=names.__getitem__)
    assert set(raised.value.cycle) == {1, 2, 3}
    assert raised.value.cycle[0] == raised.value.cycle[-1]
    assert "征地" not in raised.value.params["cycle_text"]


def test_bad_input_is_refused():
    with pytest.raises(ScheduleError):
        Network.from_arrays(duration=[1, -1], pred=[], succ=[], kind=[], lag=[])
    with pytest.raises(ScheduleError):
        Network.from_arrays(duration=[1], pred=[0], succ=[5], kind=[0], lag=[0])
    with pytest.raises(ScheduleError):
        Network.from_ids(
            np.array([10, 20]),
            np.array([1, 1]),
            np.array([10]),
            np.array([30]),
            np.array([0]),
            np.array([0]),
        )


def test_ids_in_any_order_and_sparse_ids_agree():
    durations = [3, 0, 4, 2]
    dense = Network.from_ids(
        np.array([2, 0, 3, 1]),
        np.array(durations),
        np.array([2, 0]),
        np.array([0, 3]),
        np.array([0, 1]),
        np.array([1, 0]),
    )[0]
    sparse = Network.from_ids(
        np.array([20, 0, 30, 10]),
        np.array(durations),
        np.array([20, 0]),
        np.array([0, 30]),
        np.array([0, 1]),
        np.array([1, 0]),
    )[0]
    a, b = schedule(dense), schedule(sparse)
    assert a.es.tolist() == b.es.tolist() and a.lf.tolist() == b.lf.tolist()


def test_an_empty_network():
    result = schedule(Network.from_arrays(duration=[], pred=[], succ=[], kind=[], lag=[]))
    assert result.es.size == 0 and result.early_finish == 0


def _networkx_reference():
    """The project's reference CPM (shared/bench/cpm_networkx.py), where shared/ is beside us."""
    import importlib.util
    import sys

    bench = Path(__file__).resolve().parents[3] / "shared" / "bench"
    if not (bench / "cpm_networkx.py").exists():
        pytest.skip("shared/bench is not beside the checkout")
    sys.path.insert(0, str(bench))
    try:
        spec = importlib.util.spec_from_file_location("cpm_networkx", bench / "cpm_networkx.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(bench))
    return module


@settings(max_examples=150, deadline=None)
@given(networks(), st.one_of(st.none(), st.integers(0, 300)))
def test_random_networks_match_the_networkx_reference(net, deadline):
    reference = _networkx_reference()
    durations, links = net
    ids = np.arange(len(durations))
    graph = reference.build_graph(
        ids,
        np.array(durations),
        np.array([p for p, _, _, _ in links], dtype=np.int64),
        np.array([s for _, s, _, _ in links], dtype=np.int64),
        np.array([LINK_TYPES.index(k) for _, _, k, _ in links], dtype=np.int64),
        np.array([lag for _, _, _, lag in links], dtype=np.int64),
    )
    es, ef, ls, lf, tf = reference.cpm(graph, deadline)
    result = schedule(as_network(durations, links), deadline=deadline)
    for field, expected in (("es", es), ("ef", ef), ("ls", ls), ("lf", lf), ("tf", tf)):
        assert getattr(result, field).tolist() == [expected[i] for i in ids.tolist()], field
