"""The organisation's sheets (城市, 镇街区, 行政村, 部门, 用户, 规则, 节假日, 通报编号) of a city.

Written into the whole city's ledger and into the organisation workbook, so
that either, imported into an empty database, sets the city up again.
"""

from datetime import date

from openpyxl import Workbook

from guatu.accounts.models import User
from guatu.core.geo.text import geometry_text
from guatu.core.ledger.organisation import (
    CALENDAR,
    CITY,
    DEPARTMENTS,
    NUMBERS,
    ROLE_LABELS,
    RULES,
    TOWN_KIND_LABELS,
    TOWNS,
    USERS,
    VILLAGES,
)
from guatu.ledger.layout import NO, YES, plain_number, write_sheet, yes_no
from guatu.org.models import CalendarException, City, Department, Town, Village
from guatu.org.numbering import bulletin_numbers_issued, number_text
from guatu.progress.models import StatusRuleSet

#: The template's example rows, one list per organisation sheet.
EXAMPLE = (
    [["示例市", "339999", "Asia/Shanghai", "示例市重点项目建设管理办公室", "示重点办", None]],
    [["石柱镇", "镇", 1, None], ["江南街道", "街道", 2, None], ["经济开发区", "区", 3, None]],
    [["石柱镇", "石柱村"], ["石柱镇", "塘里村"]],
    [["示例市交通运输局", "交通局"], ["示例市自然资源和规划局", "自然资源局"]],
    [
        ["zhang_wei", "张伟", "督查办", "", "", "zhangwei@example.gov.cn", "13800000001"],
        ["li_na", "李娜", "市领导", "", "", "", ""],
        ["shizhu_wang", "王芳", "镇街区", "石柱镇", "", "", "13800000002"],
        # A department by its full name or its short name (简称), as everywhere else.
        ["jiaotong_liu", "刘洋", "部门", "", "交通局", "", ""],
    ],
    [[1, date(2026, 1, 1), 10, 30, 28, NO, 1, None, "默认规则"]],
    [[date(2026, 2, 14), YES, "春节调休上班（示例）"]],
)


def organisation_sheets(book: Workbook, city: City, title: str, options) -> None:
    """Append *city*'s organisation sheets to *book*, in the order an import reads them."""
    sheets = (
        (CITY, [_city_row(city)]),
        (TOWNS, _town_rows(city)),
        (VILLAGES, _village_rows(city)),
        (DEPARTMENTS, _department_rows(city)),
        (USERS, _user_rows(city)),
        (RULES, _rule_rows(city)),
        (CALENDAR, _calendar_rows(city)),
        (NUMBERS, _number_rows(city)),
    )
    for spec, rows in sheets:
        write_sheet(book, spec, title, rows, options)


def _city_row(city: City) -> list:
    return [
        city.name,
        city.code,
        city.time_zone,
        city.office_name,
        city.document_prefix,
        city.status_date,
    ]


def _town_rows(city: City):
    for town in Town.objects.filter(city=city).order_by("order", "name"):
        yield [town.name, TOWN_KIND_LABELS[town.kind], town.order, geometry_text(town.geometry)]


def _village_rows(city: City):
    villages = (
        Village.objects.filter(town__city=city)
        .select_related("town")
        .order_by("town__order", "town__name", "name")
    )
    for village in villages:
        yield [village.town.name, village.name]


def _department_rows(city: City):
    for department in Department.objects.filter(city=city).order_by("name"):
        yield [department.name, department.short_name]


def _user_rows(city: City):
    """The city's users (and never another city's, whatever scope the caller is in)."""
    users = (
        User.everywhere.filter(city=city).select_related("town", "department").order_by("username")
    )
    for user in users:
        yield [
            user.username,
            user.full_name,
            ROLE_LABELS.get(user.role, user.role),
            user.town.name if user.town else "",
            user.department.name if user.department else "",
            user.email,
            user.mobile,
        ]


def _rule_rows(city: City):
    for rules in StatusRuleSet.objects.filter(city=city).order_by("version"):
        yield [
            rules.version,
            rules.valid_from,
            plain_number(rules.yellow_lag),
            plain_number(rules.red_lag),
            rules.window_days,
            yes_no(rules.s_curve),
            rules.ladder_reset_after,
            rules.ladder_from,
            rules.note,
        ]


def _calendar_rows(city: City):
    """The city's own exceptions (a project's own are in its plan, not here)."""
    exceptions = CalendarException.objects.filter(city=city, project__isnull=True)
    for exception in exceptions.order_by("date"):
        yield [exception.date, yes_no(exception.working), exception.note]


def _number_rows(city: City):
    """The last bulletin number of each year: a city set up from this sheet continues after it."""
    for year, number in bulletin_numbers_issued(city).items():
        yield [year, number, number_text(city, year, number)]


__all__ = ["EXAMPLE", "organisation_sheets"]
