"""The lists a 督查办 works from: search, filters, sorting, paging and "导出 Excel".

A list is declared once as a ``ListSpec``: its columns (header, the value of a
cell, how it sorts, where it links), its filters (read from ``request.GET`` and
checked, with a 400 naming the parameter for a value it cannot use) and the
fields its search box looks in. The page and its workbook are then made from
the same rows by the same code: the filters and the search narrow the rows,
the sort orders them, the page shows one slice of them and the export writes
all of them (every page of the filtered result) through ``spreadsheet.write_sheet``,
formula-safe. A cell shows on the page exactly the text the workbook holds
(dates as ``YYYY-MM-DD``), so the two can be compared row for row.

Filters work on two stages, each filter on one of them:

- the database (``lookup`` or ``where``): ``Query.where()`` is one ``Q`` for the
  view to apply to its queryset, which goes through the city-scoped managers
  (``common.scope``) like every other query;
- the rows (``test``): for what is computed after the query, such as the lights
  of ``progress.status``, which the page shows and so the filter must use.

The choices of a unit filter (towns, departments, projects) are read at request
time from a city-scoped queryset: only the acting user's city is offered, and a
value that is not one of the choices is refused like junk.

Example (a view)::

    ADJUSTMENTS = ListSpec(
        name=_("Adjustments"),
        columns=(
            Column("item", _("Work item"), lambda a: a.work_item.name, link=item_url),
            Column("status", _("Status"), lambda a: a.get_status_display()),
            Column("proposed", _("Proposed on"), lambda a: a.created_at.date()),
        ),
        filters=(Filter.units("town", _("Town"), Town.objects.all, "work_item__town"),),
        search=("work_item__name", "reason"),
        sort="-proposed",
    )

    def adjustment_list_view(request):
        return ADJUSTMENTS.respond(
            request, lambda query: Adjustment.objects.filter(query.where()),
            template="baselines/adjustment_list.html",
        )
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from guatu.common.pages import bad_query, xlsx_response
from guatu.common.spreadsheet import book_properties, write_sheet

__all__ = [
    "BadParameter",
    "Cell",
    "Column",
    "Filter",
    "ListSpec",
    "Listing",
    "Query",
    "cell_text",
]

#: The largest id a database key holds (a bigger number is junk, not a missing row).
MAX_ID = 2**63 - 1
#: The longest search text read (the rest is cut, not refused).
MAX_SEARCH = 100
#: Decimal places a computed figure (a lag, a share) keeps on the page and in the workbook.
FLOAT_PLACES = 4
#: The names the toolkit reads itself; a filter may not take one of them.
RESERVED = {"q", "sort", "page", "export"}


class BadParameter(ValueError):
    """A query parameter whose value the list cannot use; the page answers 400 naming it."""

    def __init__(self, name: str, value: str, why: str):
        self.name, self.value, self.why = name, value, why
        super().__init__(f"{name}={value!r}: {why}")

    def message(self) -> str:
        return _("The parameter “%(name)s” cannot be “%(value)s”: %(why)s") % {
            "name": self.name,
            "value": self.value[:40],
            "why": self.why,
        }


def cell_text(value: Any) -> str:
    """The text a cell shows on the page: what the workbook holds, written out."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _export_value(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{round(value, FLOAT_PLACES):.{FLOAT_PLACES}f}".rstrip("0").rstrip(".")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _export_value(value: Any) -> Any:
    """The value as the workbook keeps it: an aware time in the city's zone, without it
    (Excel has no zones); a yes/no as the page's word."""
    if isinstance(value, datetime) and value.tzinfo:
        return timezone.localtime(value).replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, bool):
        return cell_text(value)
    if isinstance(value, float):
        return round(value, FLOAT_PLACES)
    return value


def _sortable(value: Any) -> tuple:
    """A sort key that puts empty cells last and never compares unlike types."""
    if value is None or value == "":
        return (1, 0, "")
    if isinstance(value, bool):
        return (0, 0, int(value))
    if isinstance(value, int | float | Decimal):
        return (0, 0, value)
    if isinstance(value, datetime):
        return (0, 1, value.timestamp())
    if isinstance(value, date):
        return (0, 1, value.toordinal())
    return (0, 2, str(value))


@dataclass(frozen=True)
class Column:
    """One column: its ``key`` (``?sort=key``), its header, the value of its cell for a
    row (written to the workbook as it is, shown as ``cell_text``), how it sorts
    (``sort``: a key of the row; ``False``: not sortable; default: the value), the
    address it links to (``link``), ``label`` (value → the words shown and exported,
    e.g. a light's name), ``kind`` (``num``, ``date``, ``light``, ``name``: how the
    cell is laid out) and ``css`` (a row → a class of its cell on the page)."""

    key: str
    header: Any
    value: Callable[[Any], Any]
    sort: Callable[[Any], Any] | bool | None = None
    link: Callable[[Any], str | None] | None = None
    label: Callable[[Any], Any] | None = None
    kind: str = ""
    #: A class for the cell of a row on the page (``answer-overdue``), never exported.
    css: Callable[[Any], str] | None = None

    @property
    def sortable(self) -> bool:
        return self.sort is not False

    def sort_key(self, row: Any) -> tuple:
        key = self.value if self.sort in (None, True) else self.sort
        return _sortable(key(row))

    def cell(self, row: Any) -> Any:
        """The cell's value as exported (``label`` applied)."""
        value = self.value(row)
        return self.label(value) if self.label is not None else value


@dataclass(frozen=True)
class Filter:
    """One filter: ``key`` is its parameter; build one with ``units``, ``choice``,
    ``dates`` or ``flag``.

    ``where(value) → Q`` narrows the query; ``test(row, value) → bool`` narrows the rows
    (for what only the rows know, such as a light). ``default`` applies when the
    parameter is absent (``?key=`` asks for every row)."""

    key: str
    label: Any
    kind: str  # "units", "choice", "dates", "flag"
    options: Callable[[], Sequence[tuple[str, Any]]] | None = None
    where: Callable[[Any], Q] | None = None
    test: Callable[[Any, Any], bool] | None = None
    default: str = ""

    @classmethod
    def units(cls, key: str, label, queryset: Callable, lookup: str = "", *, where=None, test=None):
        """Choose one row of *queryset* (a callable returning a city-scoped queryset, read
        per request), by id: ``lookup`` (default *key*) is the query's field for it, or
        ``where(pk) → Q`` / ``test(row, pk)`` narrow."""

        def options():
            return [(str(obj.pk), str(obj)) for obj in queryset()]

        if where is None and test is None:
            field_name = lookup or key
            where = lambda value: Q(**{field_name: value})  # noqa: E731
        return cls(key, label, "units", options=options, where=where, test=test)

    @classmethod
    def choice(
        cls, key: str, label, choices, *, lookup: str = "", where=None, test=None, default: str = ""
    ):
        """Choose one of *choices* (``(value, label)`` pairs, or a callable returning them);
        narrowed by ``lookup`` (the field equal to the value), ``where`` or ``test``."""
        options = choices if callable(choices) else (lambda: list(choices))
        if lookup:
            where = lambda value: Q(**{lookup: value})  # noqa: E731
        return cls(key, label, "choice", options=options, where=where, test=test, default=default)

    @classmethod
    def dates(cls, key: str, label, lookup: str = "", *, value: Callable | None = None):
        """A date range, ``?key_from=…&key_to=…`` (both ends kept, ISO dates); on the query's
        ``lookup`` field, or on the rows' ``value(row)``."""
        if value is not None:

            def test(row, bounds):
                day = value(row)
                if isinstance(day, datetime):
                    day = timezone.localtime(day).date() if day.tzinfo else day.date()
                first, last = bounds
                if day is None:
                    return False
                return (first is None or day >= first) and (last is None or day <= last)

            return cls(key, label, "dates", test=test)
        name = lookup or key

        def where(bounds):
            first, last = bounds
            q = Q()
            if first is not None:
                q &= Q(**{f"{name}__gte": first})
            if last is not None:
                q &= Q(**{f"{name}__lte": last})
            return q

        return cls(key, label, "dates", where=where)

    @classmethod
    def flag(cls, key: str, label, *, where=None, test=None):
        """A box to tick (``?key=1``): narrowed by ``where()`` or ``test(row)``."""
        return cls(
            key,
            label,
            "flag",
            where=(lambda _value: where()) if where else None,
            test=(lambda row, _value: test(row)) if test else None,
        )

    def params(self) -> tuple[str, ...]:
        return (f"{self.key}_from", f"{self.key}_to") if self.kind == "dates" else (self.key,)

    def read(self, query: QueryDict) -> Any:
        """The filter's value from *query* (None: not filtered), or ``BadParameter``."""
        if self.kind == "dates":
            bounds = tuple(_read_date(query, name) for name in self.params())
            if bounds[0] and bounds[1] and bounds[0] > bounds[1]:
                raise BadParameter(
                    self.params()[1], query[self.params()[1]], _("it is before the start date.")
                )
            return None if bounds == (None, None) else bounds
        raw = query.get(self.key)
        if raw is None:
            raw = self.default
        raw = raw.strip()
        if not raw:
            return None
        if self.kind == "flag":
            if raw not in ("1", "0"):
                raise BadParameter(self.key, raw, _("write 1 or leave it out."))
            return True if raw == "1" else None
        if self.kind == "units" and not (
            raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID
        ):
            raise BadParameter(self.key, raw, _("it is not the number of a row."))
        if raw not in {value for value, _text in self.options()}:
            raise BadParameter(self.key, raw, _("it is none of the choices."))
        return int(raw) if self.kind == "units" else raw


def _read_date(query: QueryDict, name: str) -> date | None:
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, raw, _("write a date like 2019-11-15.")) from None


@dataclass(frozen=True)
class Cell:
    """A cell as the page lays it out: its text (what the workbook holds, written out),
    the address it links to and its kind (``light`` carries the light's code)."""

    text: str
    link: str | None = None
    kind: str = ""
    code: str = ""
    css: str = ""


@dataclass
class Row:
    """A row of the page: the object (or tuple) it shows, and its cells."""

    obj: Any
    cells: list[Cell]
    css: str = ""


@dataclass(frozen=True)
class ListSpec:
    """A list: its name (the workbook's sheet and file), columns, filters, the fields its
    search box looks in (``search``: query lookups, matched with ``icontains``; or
    ``search_text``: a row's text), its default sort (``"-key"`` descending; empty: the
    rows' own order) and how many rows a page shows."""

    name: Any
    columns: tuple[Column, ...]
    filters: tuple[Filter, ...] = ()
    search: tuple[str, ...] = ()
    search_text: Callable[[Any], str] | None = None
    sort: str = ""
    per_page: int = 50
    #: A class for a row of the page (``overdue``), never exported.
    row_class: Callable[[Any], str] | None = None

    def __post_init__(self):
        keys = [name for f in self.filters for name in f.params()]
        clash = RESERVED.intersection(keys)
        if clash or len(set(keys)) != len(keys):
            raise ValueError(f"filter parameters clash: {sorted(clash) or keys}")

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def read(self, query: QueryDict) -> "Query":
        """The list's query from *query* (``request.GET``), or ``BadParameter``."""
        values = {}
        for f in self.filters:
            value = f.read(query)
            if value is not None:
                values[f.key] = value
        search = (query.get("q") or "").strip()[:MAX_SEARCH]
        if "\x00" in search:  # PostgreSQL compares no text with a NUL in it: a 500 there
            raise BadParameter("q", search.replace("\x00", ""), _("it holds a NUL character."))
        sort = (query.get("sort") or self.sort).strip()
        column = self.column(sort.removeprefix("-")) if sort else None
        if sort and (column is None or not column.sortable):
            raise BadParameter("sort", sort, _("no column sorts by it."))
        raw_page = (query.get("page") or "1").strip()
        if not (raw_page.isascii() and raw_page.isdigit()) or not 0 < int(raw_page) <= MAX_ID:
            raise BadParameter("page", raw_page, _("write the number of a page, from 1."))
        export = (query.get("export") or "").strip()
        if export not in ("", "xlsx"):
            raise BadParameter("export", export, _("the lists export to xlsx only."))
        return Query(self, query, values, search, sort, int(raw_page), export == "xlsx")

    def respond(
        self,
        request: HttpRequest,
        rows: Callable[["Query"], Iterable],
        *,
        template: str,
        context: dict | None = None,
        heading: str = "",
        status: int = 200,
    ) -> HttpResponse:
        """The page of the list (or its workbook with ``?export=xlsx``); a parameter the
        list cannot use answers 400 naming it. *rows(query)* gives the rows the query's
        database filters keep (``query.where()``); the rest is done here, the same way
        for the page and the workbook."""
        try:
            query = self.read(request.GET)
        except BadParameter as error:
            return bad_query(request, error.message())
        listing = query.result(rows(query))
        if query.export:
            summary = listing.summary()
            title = heading or str(self.name)
            city = getattr(request.user, "city", None)
            return listing.download(
                heading=f"{title}（{summary}）" if summary else title,
                creator=getattr(city, "issuer", "") or "",
            )
        return render(request, template, {**(context or {}), "listing": listing}, status=status)


@dataclass
class Query:
    """What ``ListSpec.read`` read: the filters' values, the search, the sort, the page."""

    spec: ListSpec
    params: QueryDict
    values: dict[str, Any]
    search: str
    sort: str
    page: int
    export: bool

    def value(self, key: str) -> Any:
        """A filter's value (None: not filtered). A method, not ``query[key]``: Django's
        templates try ``[]`` first, so ``{{ listing.query.search }}`` would read a filter."""
        return self.values.get(key)

    def where(self) -> Q:
        """The filters and the search that the database applies, as one ``Q``."""
        q = Q()
        for f in self.spec.filters:
            if f.key in self.values and f.where is not None:
                q &= f.where(self.values[f.key])
        if self.search and self.spec.search:
            words = Q()
            for lookup in self.spec.search:
                words |= Q(**{f"{lookup}__icontains": self.search})
            q &= words
        return q

    def narrow(self, rows: Iterable) -> list:
        """The rows the filters on rows (and a search on rows' text) keep."""
        rows = list(rows)
        for f in self.spec.filters:
            if f.key in self.values and f.test is not None:
                value = self.values[f.key]
                rows = [row for row in rows if f.test(row, value)]
        if self.search and self.spec.search_text is not None:
            needle = self.search.casefold()
            rows = [row for row in rows if needle in self.spec.search_text(row).casefold()]
        return rows

    def order(self, rows: list) -> list:
        """*rows* in the asked order (stable: equal cells keep the rows' own order)."""
        if not self.sort:
            return rows
        column = self.spec.column(self.sort.removeprefix("-"))
        descending = self.sort.startswith("-")
        # Empty cells stay last in both directions.
        filled = [row for row in rows if column.sort_key(row)[0] == 0]
        empty = [row for row in rows if column.sort_key(row)[0] != 0]
        filled.sort(key=column.sort_key, reverse=descending)
        return filled + empty

    def result(self, rows: Iterable) -> "Listing":
        return Listing(self, self.order(self.narrow(rows)))

    def url(self, **changes: Any) -> str:
        """The query string with *changes* (None removes a parameter); the page goes back
        to 1 unless *changes* names it."""
        params = self.params.copy()
        if "page" not in changes:
            params.pop("page", None)
        for name, value in changes.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = str(value)
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"


@dataclass
class Listing:
    """The rows of a list, filtered and sorted: one page of them, or all for the workbook."""

    query: Query
    rows: list
    _page: Page | None = field(default=None, repr=False)

    @property
    def spec(self) -> ListSpec:
        return self.query.spec

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def page(self) -> Page:
        """The page asked for (past the last: the last)."""
        if self._page is None:
            paginator = Paginator(self.rows, self.spec.per_page)
            self._page = paginator.get_page(min(self.query.page, paginator.num_pages))
        return self._page

    def cells(self, row: Any) -> list[Cell]:
        cells = []
        for column in self.spec.columns:
            value = column.value(row)
            shown = column.label(value) if column.label is not None else value
            link = column.link(row) if column.link is not None else None
            code = str(value) if column.kind == "light" and value else ""
            css = [column.kind] if column.kind not in ("", "light") else []
            if column.css is not None:
                css.append(column.css(row))
            cells.append(
                Cell(cell_text(shown), link, column.kind, code, " ".join(filter(None, css)))
            )
        return cells

    def page_rows(self) -> list[Row]:
        """The rows of the page asked for, with their cells."""
        css = self.spec.row_class or (lambda _row: "")
        return [Row(obj, self.cells(obj), css(obj)) for obj in self.page.object_list]

    @property
    def previous_url(self) -> str:
        return self.query.url(page=self.page.number - 1)

    @property
    def next_url(self) -> str:
        return self.query.url(page=self.page.number + 1)

    def summary(self) -> str:
        """What narrows the list, in words (the workbook's heading says it)."""
        parts = []
        for control in self.controls():
            if control["kind"] == "dates" and (control["from"] or control["to"]):
                parts.append(f"{control['label']}：{control['from']}～{control['to']}")
            elif control["kind"] == "flag" and control["checked"]:
                parts.append(str(control["label"]))
            elif control.get("value"):
                text = dict(control["options"]).get(control["value"], control["value"])
                parts.append(f"{control['label']}：{text}")
        if self.query.search:
            parts.append(_("search: %(text)s") % {"text": self.query.search})
        return "；".join(parts)

    def export_rows(self) -> list[list]:
        """Every row (all pages), as the workbook holds them."""
        return [
            [_export_value(column.cell(row)) for column in self.spec.columns] for row in self.rows
        ]

    def headers(self) -> list[dict]:
        """Each column's header, with the address that sorts by it (again: reversed)."""
        current = self.query.sort
        headers = []
        for column in self.spec.columns:
            entry = {"text": column.header, "kind": column.kind, "url": None, "sorted": ""}
            if column.sortable:
                ascending = current != column.key
                entry["url"] = self.query.url(sort=column.key if ascending else f"-{column.key}")
                if current == column.key:
                    entry["sorted"] = "ascending"
                elif current == f"-{column.key}":
                    entry["sorted"] = "descending"
            headers.append(entry)
        return headers

    def controls(self) -> list[dict]:
        """Each filter with its choices and what is chosen, for the form above the list."""
        controls = []
        for f in self.spec.filters:
            value = self.query.values.get(f.key)
            entry = {"key": f.key, "label": f.label, "kind": f.kind}
            if f.kind == "dates":
                first, last = value or (None, None)
                entry["from"] = first.isoformat() if first else ""
                entry["to"] = last.isoformat() if last else ""
            elif f.kind == "flag":
                entry["checked"] = bool(value)
            else:
                entry["value"] = "" if value is None else str(value)
                entry["options"] = f.options()
                entry["default"] = f.default
            controls.append(entry)
        return controls

    @property
    def filtered(self) -> bool:
        return bool(self.query.values or self.query.search)

    def export_url(self) -> str:
        return self.query.url(export="xlsx")

    def page_url(self, number: int) -> str:
        return self.query.url(page=number)

    def workbook(self, *, heading: str, creator: str = "") -> bytes:
        """Every row of the list (all pages) as a workbook, formula-safe; *creator* is who
        hands it out (the acting user's city's office), as the file's properties say."""
        book = Workbook(write_only=True)
        book_properties(book, creator=creator, title=heading)
        headers = [str(column.header) for column in self.spec.columns]
        write_sheet(book, str(self.spec.name)[:31], heading, headers, self.export_rows())
        out = BytesIO()
        book.save(out)
        return out.getvalue()

    def download(self, *, heading: str, creator: str = "") -> HttpResponse:
        stamp = timezone.localdate().isoformat()
        data = self.workbook(heading=heading, creator=creator)
        return xlsx_response(data, f"{self.spec.name}-{stamp}.xlsx")
