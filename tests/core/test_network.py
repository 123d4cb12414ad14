"""Cycle detection and joint-milestone checks on plain node keys."""

import pytest

from guatu.core.errors import CycleError, JointMilestoneError
from guatu.core.network import check_acyclic, check_joint_branches, find_cycle


def test_a_dag_has_no_cycle():
    assert find_cycle([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]) is None


def test_a_cycle_is_returned_closed():
    cycle = find_cycle([("x", "a"), ("a", "b"), ("b", "c"), ("c", "a")])
    assert cycle is not None
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"a", "b", "c"}


def test_a_self_link_is_a_cycle():
    assert find_cycle([(1, 1)]) == [1, 1]


def test_a_long_chain_does_not_exhaust_recursion():
    n = 200_000
    edges = [(i, i + 1) for i in range(n)]
    assert find_cycle(edges) is None
    assert find_cycle([*edges, (n, 0)]) is not None


def test_cycle_error_names_the_items_in_order():
    names = {1: "征地", 2: "交地", 3: "开工"}
    with pytest.raises(CycleError) as raised:
        check_acyclic([(1, 2), (2, 3), (3, 1)], name=names.__getitem__)
    text = str(raised.value)
    for name in names.values():
        assert name in text
    assert raised.value.cycle[0] == raised.value.cycle[-1]
    assert " → " in raised.value.params["cycle_text"]


def test_a_joint_milestone_needs_two_distinct_branches():
    check_joint_branches("同期交付", ["主线", "连接线"])
    with pytest.raises(JointMilestoneError):
        check_joint_branches("同期交付", ["主线", "主线"])
    with pytest.raises(JointMilestoneError):
        check_joint_branches("同期交付", [])
