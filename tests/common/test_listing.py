"""The list toolkit without pages: reading and refusing parameters, the two stages of
filters, the sort, the page and the workbook of all the rows (``common.listing``)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Q
from django.http import QueryDict
from openpyxl import load_workbook

from guatu.common.listing import BadParameter, Column, Filter, ListSpec, cell_text

ROWS = [
    {"name": "征地", "town": 1, "due": date(2019, 11, 1), "lag": 12.5, "light": "red"},
    {"name": '=HYPERLINK("x")', "town": 2, "due": date(2019, 10, 1), "lag": None, "light": "green"},
    {"name": "拆迁", "town": 1, "due": None, "lag": 3.25, "light": "green"},
]

SPEC = ListSpec(
    name="测试",
    columns=(
        Column("name", "名称", lambda r: r["name"]),
        Column("due", "到期", lambda r: r["due"], kind="date"),
        Column("lag", "滞后", lambda r: r["lag"], kind="num"),
        Column("light", "灯", lambda r: r["light"], label=str.upper, kind="light"),
    ),
    filters=(
        Filter.choice(
            "light", "灯", [("red", "红"), ("green", "绿")], test=lambda r, v: r["light"] == v
        ),
        Filter.units(
            "town",
            "镇",
            lambda: [type("T", (), {"pk": 1, "__str__": lambda s: "甲"})()],
            test=lambda r, v: r["town"] == v,
        ),
        Filter.dates("due", "到期", value=lambda r: r["due"]),
        Filter.flag("late", "滞后", test=lambda r: (r["lag"] or 0) > 10),
        Filter.choice("kind", "种类", [("a", "A")], lookup="kind"),
    ),
    search_text=lambda r: r["name"],
    per_page=2,
)


def read(text: str):
    return SPEC.read(QueryDict(text))


@pytest.mark.parametrize(
    "text, name",
    [
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=99999999999999999999", "page"),
        ("town=99999999999999999999", "town"),
        ("town=2", "town"),  # not a choice (another city's)
        ("town=１", "town"),
        ("light=blue", "light"),
        ("due_from=2019-02-30", "due_from"),
        ("due_from=2019-11-02&due_to=2019-11-01", "due_to"),
        ("late=yes", "late"),
        ("sort=nothing", "sort"),
        ("export=csv", "export"),
    ],
)
def test_junk_is_refused_naming_the_parameter(text, name):
    with pytest.raises(BadParameter) as refused:
        read(text)
    assert refused.value.name == name and name in refused.value.message()


def test_filters_on_rows_search_and_sort():
    assert [r["name"] for r in read("light=green").result(ROWS).rows] == [ROWS[1]["name"], "拆迁"]
    assert [r["name"] for r in read("town=1&late=1").result(ROWS).rows] == ["征地"]
    assert [r["name"] for r in read("q=拆").result(ROWS).rows] == ["拆迁"]
    kept = read("due_from=2019-10-15&due_to=2019-11-30").result(ROWS).rows
    assert [r["name"] for r in kept] == ["征地"]
    # Empty cells stay last both ways; the rows' own order breaks ties.
    assert [r["lag"] for r in read("sort=lag").result(ROWS).rows] == [3.25, 12.5, None]
    assert [r["lag"] for r in read("sort=-lag").result(ROWS).rows] == [12.5, 3.25, None]
    assert [r["due"] for r in read("sort=due").result(ROWS).rows][-1] is None


def test_database_filters_make_one_q():
    spec = ListSpec(
        name="x",
        columns=(Column("name", "名称", lambda r: r),),
        filters=(
            Filter.choice("kind", "种类", [("a", "A")], lookup="kind"),
            Filter.dates("due", "到期", "due_on"),
        ),
        search=("name", "code"),
    )
    query = spec.read(QueryDict("kind=a&due_from=2019-01-01&q=路"))
    expected = (
        Q(kind="a")
        & Q(due_on__gte=date(2019, 1, 1))
        & (Q(name__icontains="路") | Q(code__icontains="路"))
    )
    assert query.where() == expected
    assert spec.read(QueryDict("")).where() == Q()


def test_a_default_applies_when_absent_and_empty_asks_for_all():
    spec = ListSpec(
        name="x",
        columns=(Column("name", "名称", lambda r: r["name"]),),
        filters=(
            Filter.choice(
                "light", "灯", [("red", "红")], default="red", test=lambda r, v: r["light"] == v
            ),
        ),
    )
    assert len(spec.read(QueryDict("")).result(ROWS).rows) == 1
    assert len(spec.read(QueryDict("light=")).result(ROWS).rows) == 3


def test_the_page_and_the_workbook_come_from_the_same_rows():
    listing = read("sort=name&page=2").result(ROWS)
    assert listing.total == 3 and listing.page.number == 2
    assert [row.cells[0].text for row in listing.page_rows()] == ["拆迁"]
    assert listing.page_rows()[0].cells[3].code == "green"
    assert read("page=9").result(ROWS).page.number == 2  # past the last: the last
    book = load_workbook(io.BytesIO(listing.workbook(heading="测试（灯：红）")))
    sheet = book.active
    assert [c.value for c in sheet[2]] == ["名称", "到期", "滞后", "灯"]
    rows = list(sheet.iter_rows(min_row=3))
    assert len(rows) == 3  # every page, not only the second
    formula = rows[0][0]
    assert formula.value == '=HYPERLINK("x")' and formula.data_type == "s"
    shown = [[c.text for c in listing.cells(r)] for r in listing.rows]
    read_back = [[cell_text(c.value.date() if c.is_date else c.value) for c in row] for row in rows]
    assert read_back == shown


def test_cell_text_is_what_the_workbook_holds():
    assert cell_text(None) == "" and cell_text(date(2019, 11, 15)) == "2019-11-15"
    assert cell_text(Decimal("50.00")) == "50" and cell_text(Decimal("12.3400")) == "12.34"
    assert cell_text(1 / 3) == "0.3333" and cell_text(2.0) == "2"


def test_a_filter_may_not_take_a_name_the_toolkit_reads():
    with pytest.raises(ValueError):
        ListSpec(name="x", columns=(), filters=(Filter.flag("page", "页", test=bool),))


def test_the_query_string_keeps_the_filters_and_resets_the_page():
    query = read("light=red&page=2")
    assert query.url(sort="-lag") == "?light=red&sort=-lag"
    assert query.url(page=3) == "?light=red&page=3"
    assert query.url(export="xlsx") == "?light=red&export=xlsx"
