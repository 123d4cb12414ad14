"""前期 templates: the default's shape, rows read and refused, laid out backwards by hand."""

from datetime import date, timedelta

import pytest

from guatu.core.calendar import WorkCalendar
from guatu.core.errors import CycleError
from guatu.core.prework import (
    CODE_LENGTH,
    DEFAULT,
    LINK_KINDS,
    MAX_NODES,
    NAME_LENGTH,
    Link,
    Node,
    Template,
    network_of,
    read_rows,
    schedule_backward,
    template_problems,
)
from guatu.core.schedule import schedule

OFFICIAL = WorkCalendar.official()

#: 立项 (3) → 可研 (2) in series; 环评 (2) starts a day after 立项 starts (SS 1);
#: 开工条件 (milestone) after both.
SMALL = Template(
    nodes=(
        Node("a", "立项", 3, "市发展和改革局"),
        Node("b", "可研", 2, "市发展和改革局"),
        Node("c", "环评", 2, "市生态环境局"),
        Node("d", "具备开工条件", 0),
    ),
    links=(Link("a", "b"), Link("a", "c", "SS", 1), Link("b", "d"), Link("c", "d")),
)


def dates(template: Template, finish_by: date, calendar=OFFICIAL) -> dict[str, tuple[date, date]]:
    return {
        node.code: (node.start, node.finish)
        for node in schedule_backward(template, finish_by=finish_by, calendar=calendar)
    }


def test_the_small_template_by_hand_across_national_day():
    """计划开工 2019-10-09, so everything ends by Tuesday 10-08. Offsets (CPM, length 5):
    a LS 0 LF 3, b LS 3 LF 5, c LS 3 LF 5 (its SS link lets a start no later than
    c's start − 1 = 2, but b holds a to 0), d at 5. Counting working days back from
    10-09: 10-08, then 09-30 (国庆 10-01…07 off), Sunday 09-29 (调休, worked), 09-27,
    09-26 — so a works 09-26, 09-27 and the Sunday 09-29."""
    got = dates(SMALL, date(2019, 10, 8))
    assert got == {
        "a": (date(2019, 9, 26), date(2019, 9, 29)),
        "b": (date(2019, 9, 30), date(2019, 10, 8)),
        "c": (date(2019, 9, 30), date(2019, 10, 8)),
        "d": (date(2019, 10, 8), date(2019, 10, 8)),
    }


def test_a_finish_by_on_a_holiday_ends_on_the_working_day_before():
    got = dates(SMALL, date(2019, 10, 5))  # 国庆: the last working day before is 09-30
    assert got["d"] == (date(2019, 9, 30), date(2019, 9, 30))
    assert got["b"] == (date(2019, 9, 29), date(2019, 9, 30))
    assert got["a"] == (date(2019, 9, 25), date(2019, 9, 27))


def test_a_city_day_off_moves_the_nodes_before_it_back():
    """The city gives Friday 09-27 off: a works 09-25, 09-26 and 09-29."""
    calendar = WorkCalendar.official({date(2019, 9, 27): False})
    got = dates(SMALL, date(2019, 10, 8), calendar)
    assert got["a"] == (date(2019, 9, 25), date(2019, 9, 29))
    assert got["b"] == (date(2019, 9, 30), date(2019, 10, 8))


def test_calendar_days_count_every_day():
    got = dates(SMALL, date(2019, 10, 8), WorkCalendar())
    assert got["b"] == (date(2019, 10, 7), date(2019, 10, 8))
    assert got["a"] == (date(2019, 10, 4), date(2019, 10, 6))
    assert got["c"] == (date(2019, 10, 7), date(2019, 10, 8))


def test_an_ff_link_and_a_lag_hold_backwards():
    """b must finish 2 days after a finishes (FF 2): a ends two working days before b."""
    template = Template(
        nodes=(Node("a", "甲", 2), Node("b", "乙", 5)),
        links=(Link("a", "b", "FF", 2),),
    )
    got = dates(template, date(2019, 11, 15))  # a Friday
    assert got["b"] == (date(2019, 11, 11), date(2019, 11, 15))
    assert got["a"] == (date(2019, 11, 12), date(2019, 11, 13))


def test_the_default_template_has_thirty_nodes_no_cycle_and_links_between_its_nodes():
    codes = [node.code for node in DEFAULT.nodes]
    assert len(codes) >= 30
    assert len(set(codes)) == len(codes)
    assert all(0 < len(code) <= CODE_LENGTH and code == code.lower() for code in codes)
    assert all(0 < len(node.name) <= NAME_LENGTH for node in DEFAULT.nodes)
    for link in DEFAULT.links:
        assert link.predecessor in codes and link.successor in codes, link
        assert link.kind in LINK_KINDS
    pairs = [(link.predecessor, link.successor) for link in DEFAULT.links]
    assert len(set(pairs)) == len(pairs)
    assert template_problems(DEFAULT) == []
    schedule(network_of(DEFAULT))  # raises CycleError on a cycle
    names = " ".join(node.name for node in DEFAULT.nodes)
    for step in ("立项", "可行性研究报告批复", "用地预审与选址意见书", "环境影响评价", "节能审查",
                 "社会稳定风险评估", "建设用地规划许可证", "初步设计", "施工图审查",
                 "建设工程规划许可证", "招标", "施工许可"):  # fmt: skip
        assert step in names, step
    # Serial and parallel: FS chains and SS links with a lag.
    assert {link.kind for link in DEFAULT.links} >= {"FS", "SS"}
    assert any(link.lag for link in DEFAULT.links)
    # Every node but the owner's own work names its 要素 department.
    assert sum(1 for node in DEFAULT.nodes if node.department) >= 20


def test_the_default_laid_out_ends_the_day_before_groundbreaking_and_keeps_every_link():
    finish_by = date(2019, 12, 30)
    dated = {d.code: d for d in schedule_backward(DEFAULT, finish_by=finish_by, calendar=OFFICIAL)}
    assert max(d.finish for d in dated.values()) == finish_by
    assert dated["ready"].milestone and dated["ready"].finish == finish_by
    for link in DEFAULT.links:
        p, s = dated[link.predecessor], dated[link.successor]
        if link.kind == "FS":
            assert p.finish < s.start or s.milestone, link
        elif link.kind == "SS":
            assert p.start <= s.start, link
        else:
            assert p.finish <= s.finish, link
    # As late as possible: the chain's first node starts on its late start.
    result = schedule(network_of(DEFAULT))
    assert result.tf.min() == 0
    span = OFFICIAL.working_mask(dated["proposal"].start, finish_by).sum()
    assert span == result.early_finish


def test_rows_as_a_form_sends_them_read_into_a_template():
    template, problems = read_rows(
        [
            {"code": "a", "name": "立项", "duration": "3", "department": "市发展和改革局"},
            {"code": "b", "name": " 可研 ", "duration": 2},
        ],
        [{"predecessor": "a", "successor": "b", "kind": "ss", "lag": " 1 "}],
    )
    assert problems == []
    assert template == Template(
        (Node("a", "立项", 3, "市发展和改革局"), Node("b", "可研", 2, "")),
        (Link("a", "b", "SS", 1),),
    )


def test_every_bad_row_and_field_is_named():
    _template, problems = read_rows(
        [
            {"code": "a", "name": "立项", "duration": "3"},
            {"code": "a", "name": "", "duration": "-1"},
            {"code": "B_1", "name": "x" * (NAME_LENGTH + 1), "duration": "2.5"},
        ],
        [
            {"predecessor": "a", "successor": "zz", "kind": "SF", "lag": "x"},
            {"predecessor": "a", "successor": "a"},
            {"predecessor": "", "successor": "a"},
        ],
    )
    found = {(p.section, p.row, p.field) for p in problems}
    assert found == {
        ("nodes", 2, "code"),
        ("nodes", 2, "name"),
        ("nodes", 2, "duration"),
        ("nodes", 3, "code"),
        ("nodes", 3, "name"),
        ("nodes", 3, "duration"),
        ("links", 1, "successor"),
        ("links", 1, "kind"),
        ("links", 1, "lag"),
        ("links", 2, "successor"),
        ("links", 3, "predecessor"),
    }
    duplicate = next(p for p in problems if (p.row, p.field) == (2, "code"))
    assert str(duplicate) == "The code “a” is already used by node 1."


def test_a_cycle_and_a_repeated_pair_are_refused_naming_the_nodes():
    nodes = [
        {"code": "a", "name": "立项", "duration": 1},
        {"code": "b", "name": "可研", "duration": 1},
    ]
    _t, problems = read_rows(nodes, [{"predecessor": "a", "successor": "b"}] * 2)
    assert [(p.row, p.field, str(p)) for p in problems] == [
        (2, "successor", "Link 1 already joins these two nodes.")
    ]
    _t, problems = read_rows(
        nodes, [{"predecessor": "a", "successor": "b"}, {"predecessor": "b", "successor": "a"}]
    )
    assert [(p.section, p.row, str(p)) for p in problems] == [
        ("links", 2, "These links form a cycle: 立项 → 可研 → 立项.")
    ]


def test_sizes_are_bounded():
    many = [{"code": f"n{i}", "name": "节点", "duration": 1} for i in range(MAX_NODES + 1)]
    _t, problems = read_rows(many, [])
    assert [(p.section, p.row) for p in problems] == [("nodes", None)]
    _t, problems = read_rows([], [])
    assert [(p.section, p.row) for p in problems] == [("nodes", None)]


def test_a_cycle_given_directly_is_a_cycle_error():
    loop = Template((Node("a", "甲", 1), Node("b", "乙", 1)), (Link("a", "b"), Link("b", "a")))
    with pytest.raises(CycleError, match="甲"):
        schedule_backward(loop, finish_by=date(2019, 11, 15), calendar=OFFICIAL)


def test_a_lone_milestone_falls_on_the_last_day():
    only = Template((Node("m", "开工条件", 0),), ())
    [node] = schedule_backward(only, finish_by=date(2019, 11, 16), calendar=OFFICIAL)  # Sat
    assert (node.start, node.finish) == (date(2019, 11, 15), date(2019, 11, 15))
    assert node.milestone
    assert date(2019, 11, 16) - timedelta(days=1) == node.finish
