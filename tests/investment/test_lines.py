"""The standard lines on hand-made figures: 超 and 欠, 亿元 rounding, 开工率 and its target,
the projects 未达序时, and a city without a plan (no figures, said so)."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from guatu.core.investment import Standing
from guatu.investment import lines
from guatu.investment.selectors import CityStanding, GroupRow, ProjectStanding, StartRate


def city(month: int, *, done: float, plan: float, due: float, **more) -> CityStanding:
    """A city's standing with only its total: *due* is the plan due by the month (万元)."""
    rate = done / plan * 100 if plan else 0.0
    schedule = due / plan * 100 if plan else 0.0
    total = GroupRow(
        key=None,
        label="全市",
        count=2,
        done=done,
        plan=plan,
        rate=rate,
        schedule=schedule,
        gap=rate - schedule,
        light="green",
    )
    return CityStanding(year=2019, month=month, rules_version=None, rows=[], total=total, **more)


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def test_behind_the_schedule_reads_qian_with_the_points_as_a_positive_figure():
    # 11,500 万元 done of 18,000; 15,000 due by October: 63.89 % against 83.33 %.
    line = lines.headline(city(10, done=11500, plan=18000, due=15000))
    assert line == (
        "1–10月，全市重点项目完成投资 1.15 亿元，完成年度计划的 63.9%，欠序时进度 19.4 个百分点。"
    )


def test_ahead_of_the_schedule_reads_chao():
    # 6,300 万元 of 12,000 with 6,000 due by June: 52.5 % against 50 %.
    line = lines.headline(city(6, done=6300, plan=12000, due=6000))
    assert line == (
        "1–6月，全市重点项目完成投资 0.63 亿元，完成年度计划的 52.5%，超序时进度 2.5 个百分点。"
    )


def test_a_gap_that_rounds_to_nothing_is_level_not_qian_zero():
    line = lines.headline(city(6, done=5999.9, plan=12000, due=6000))  # −0.0008 points
    assert line.endswith("与序时进度持平。")
    assert "欠" not in line and "超" not in line


def test_january_is_one_month_not_a_span():
    assert lines.headline(city(1, done=100, plan=1200, due=100)).startswith("1月，")


@pytest.mark.parametrize(
    ("wan", "yi"),
    [(12345.0, "1.23"), (12350.0, "1.24"), (1250.0, "0.13"), (0.0, "0.00"), (1.0e6, "100.00")],
)
def test_yi_yuan_are_wan_over_ten_thousand_to_two_decimals_half_up(wan, yi):
    assert lines.yi(wan) == yi


def test_no_plan_says_there_are_no_figures_yet():
    line = lines.headline(city(10, done=0, plan=0, due=0))
    assert "亿元" not in line and "%" not in line
    assert "暂无" in line and "2019" in line
    assert "暂无" in lines.behind_line(city(10, done=0, plan=0, due=0))


def _row(name: str, gap: float, reason: str) -> ProjectStanding:
    return ProjectStanding(
        project=SimpleNamespace(name=name),
        plan=100.0,
        done=0.0,
        month_done=0.0,
        share=0.5,
        standing=Standing(0.0, 100.0, 50 + gap, 50.0, gap),
        light="red",
        reported=True,
        started=True,
        reason=reason,
    )


def test_behind_names_each_project_with_its_reason_furthest_behind_first():
    standing = city(10, done=1, plan=200, due=100)
    standing.rows = [
        _row("甲项目", -5.0, "投资滞后"),
        _row("乙项目", -40.0, "开工滞后"),
        _row("丙项目", 3.0, ""),
    ]
    assert lines.behind_line(standing) == (
        "未达序时进度项目 2 个：乙项目（开工滞后）、甲项目（投资滞后）"
    )
    standing.rows = [_row("丙项目", 3.0, "")]
    assert lines.behind_line(standing) == "全部有计划的重点项目均达到序时进度"


def test_start_rate_with_the_target_in_force_named_by_its_quarter():
    start = StartRate(started=2, total=3, rate=200 / 3, target=30.0, not_started=[])
    start.target_month = 3  # what the lead's StartRate carries (see the report)
    standing = city(4, done=1, plan=2, due=1, start=start)
    assert lines.start_line(standing) == (
        "新开工项目 3 个，已开工 2 个，开工率 66.7%（一季度目标 30%）"
    )
    start.target_month = 10
    assert lines.start_line(standing).endswith("（10月底目标 30%）")


def test_start_rate_without_a_target_month_or_before_the_first_target():
    start = StartRate(started=1, total=4, rate=25.0, target=None, not_started=[])
    standing = city(2, done=1, plan=2, due=1, start=start)
    assert lines.start_line(standing) == "新开工项目 4 个，已开工 1 个，开工率 25.0%"
    start.target = 62.5
    assert lines.start_line(standing).endswith("开工率 25.0%（目标 62.5%）")


def test_no_new_projects():
    standing = city(10, done=1, plan=2, due=1, start=StartRate(0, 0, 0.0, 100.0, []))
    assert lines.start_line(standing) == "2019年暂无新开工项目"
