"""One ledger cell, as people type it, into a value.

Offices write dates as Excel dates, as 2020-06-30, 2020.6.30, 2020年6月30日,
二〇二〇年六月三十日, or as a deadline in words: 2020年6月底, 6月下旬, 年底.
Numbers come with thousands separators, full-width digits, in 万 or 亿, and
sometimes with their unit in the same cell (3万平方米). Every parser here
returns the value or raises ``CellError`` with what was expected, as a
message id, so that the caller can name the cell in the user's language.

>>> parse_date("2020年6月底", year=None)
datetime.date(2020, 6, 30)
>>> parse_date("6月底", year=2020)
datetime.date(2020, 6, 30)
>>> parse_number("1,234.5")
Decimal('1234.5')
>>> parse_quantity("3万平方米")
(Decimal('30000'), '平方米')
>>> parse_links("A01、B02(SS+3)")
[('A01', 'FS', 0), ('B02', 'SS', 3)]
"""

import calendar as _calendar
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from guatu.core.errors import CoreError
from guatu.core.i18n import gettext_noop

__all__ = [
    "EXPECT_DATE",
    "CellError",
    "parse_amount",
    "parse_bool",
    "parse_code",
    "parse_date",
    "parse_links",
    "parse_number",
    "parse_percent",
    "parse_quantity",
    "plain_text",
]

EXPECT_DATE = gettext_noop("a date such as 2020-06-30, 2020年6月30日 or 2020年6月底")
EXPECT_NUMBER = gettext_noop("a number such as 1234.5, 1,234.5 or 12.5万")
EXPECT_BOOL = gettext_noop("是 or 否")
EXPECT_CODE = gettext_noop("a code of letters, digits, - and _")
EXPECT_LINKS = gettext_noop(
    "work item codes separated by 、, each optionally with its type and lag, e.g. A01、B02(SS+3)"
)
EXPECT_YEAR = gettext_noop("a date with its year (the ledger's title names no year)")
EXPECT_REAL_DAY = gettext_noop("a day that exists in the calendar")

#: Excel counts days from 1899-12-30 (it takes 1900 for a leap year).
EXCEL_EPOCH = date(1899, 12, 30)
LINK_TYPES = ("FS", "SS", "FF", "SF")
_LINK_TYPE_WORDS = {"完成-开始": "FS", "开始-开始": "SS", "完成-完成": "FF", "开始-完成": "SF"}
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", ""}
_CN_DIGITS = dict(zip("〇零一二三四五六七八九", (0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CN_DIGITS["两"] = 2


class CellError(CoreError):
    """A cell's value is not what its column holds; ``expected`` says what would be."""

    def __init__(self, expected: str, **params: Any) -> None:
        self.expected = expected
        super().__init__(expected, **params)


def plain_text(value: Any) -> str:
    """Return *value* as the text a person sees, without the ``.0`` Excel adds to whole numbers.

    Only surrounding blanks go: names and notes keep their full-width punctuation.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    return str(value).strip()


def _compact(value: Any) -> str:
    """The text of a code, number or date: full-width letters and digits as ASCII (NFKC),
    no inner blanks (people align numbers and dates with spaces)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", plain_text(value)))


# --- dates -----------------------------------------------------------------

_NUM = r"(\d{1,4}|[〇零一二三四五六七八九十两]{1,5})"
_DATE_PATTERNS = [
    # 2020-06-30, 2020/6/30, 2020.6.30, optionally with a time of day after it.
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]?\d{1,2}:\d{2}(?::\d{2})?)?$"), "ymd"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    (re.compile(rf"^(?:{_NUM}年)?{_NUM}月{_NUM}[日号]?$"), "ymd"),
    (re.compile(rf"^(?:{_NUM}年)?{_NUM}月(底|末|上旬|中旬|下旬)$"), "ym-part"),
    (re.compile(rf"^{_NUM}年(底|末|年底|年末|上半年|下半年)$"), "y-part"),
    (re.compile(rf"^(?:{_NUM}年)?(?:第)?([一二三四1-4])季度末?$"), "quarter"),
]


def _cn_number(text: str) -> int:
    """Return the value of 2020, 二〇二〇, 十二 or 三十一 (as written in dates)."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def parse_date(value: Any, *, year: int | None) -> date:
    """Return the date in *value*; *year* fills in a date written without one (6月底).

    Deadlines in words take the last day they allow: 月底 and 下旬 the month's
    last day, 上旬 the 10th, 中旬 the 20th, 年底 31 December, 上半年 30 June,
    a quarter its last day. A number is an Excel serial date (or 20200630).

    >>> parse_date("二〇一九年十一月十五日", year=None)
    datetime.date(2019, 11, 15)
    >>> parse_date(43646, year=None)
    datetime.date(2019, 6, 30)
    >>> parse_date("2020年2月30日", year=None)
    Traceback (most recent call last):
    ...
    guatu.core.ledger.cells.CellError: a day that exists in the calendar
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if number != value:
            raise CellError(EXPECT_DATE)
        if 19000101 <= number <= 21001231:
            value = str(number)
        elif 1 <= number <= 73050:  # Excel serials up to 2099
            return EXCEL_EPOCH + timedelta(days=number)
        else:
            raise CellError(EXPECT_DATE)
    text = _compact(value)
    for pattern, shape in _DATE_PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        groups = match.groups()
        if shape == "ymd":
            y, m, d = groups
            return _day(_year(y, year), _cn_number(m), _cn_number(d))
        if shape == "ym-part":
            y, m, part = groups
            y, m = _year(y, year), _cn_number(m)
            if not 1 <= m <= 12:
                raise CellError(EXPECT_REAL_DAY)
            last = _calendar.monthrange(y, m)[1]
            return date(y, m, {"上旬": 10, "中旬": 20}.get(part, last))
        if shape == "y-part":
            y, part = groups
            return date(
                _year(y, year), 6 if part == "上半年" else 12, 30 if part == "上半年" else 31
            )
        y, quarter = groups
        month = 3 * _cn_number(quarter)
        y = _year(y, year)
        return date(y, month, _calendar.monthrange(y, month)[1])
    raise CellError(EXPECT_DATE)


def _year(text: str | None, context: int | None) -> int:
    if text is None:
        if context is None:
            raise CellError(EXPECT_YEAR)
        return context
    number = _cn_number(text)
    if not 1900 <= number <= 2100:
        raise CellError(EXPECT_DATE)
    return number


def _day(y: int, m: int, d: int) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise CellError(EXPECT_REAL_DAY) from None


# --- numbers ---------------------------------------------------------------

_NUMBER = re.compile(
    r"^(?P<number>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)"
    r"(?P<scale>万|亿)?(?P<rest>.*)$"
)
_SCALES = {None: 1, "万": 10_000, "亿": 100_000_000}


def _split_number(value: Any) -> tuple[Decimal, str]:
    """Return the number at the start of *value* (scaled by 万/亿) and the text after it."""
    if isinstance(value, bool):
        raise CellError(EXPECT_NUMBER)
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(EXPECT_NUMBER)
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value), ""
    match = _NUMBER.match(_compact(value))
    if match is None:
        raise CellError(EXPECT_NUMBER)
    try:
        number = Decimal(match["number"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise CellError(EXPECT_NUMBER) from None
    return _normal(number * _SCALES[match["scale"]]), match["rest"]


def _normal(number: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (12.50万 → 125000)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def parse_number(value: Any) -> Decimal:
    """Return the number in *value*: 1234.5, 1,234.5, １２３４, 12.5万 or 1.2亿.

    >>> parse_number("12.5万")
    Decimal('125000')
    """
    number, rest = _split_number(value)
    if rest:
        raise CellError(EXPECT_NUMBER)
    return number


def parse_quantity(value: Any) -> tuple[Decimal, str]:
    """Return the number in *value* and the unit written after it, if any ("" if none).

    >>> parse_quantity("1,200 户")
    (Decimal('1200'), '户')
    """
    return _split_number(value)


def parse_amount(value: Any) -> Decimal:
    """Return an amount of money in 万元, the unit of the ledgers' investment columns.

    A bare number is already in 万元; 1500万, 1500万元, 1.2亿 and 3000000元 are
    converted.

    >>> parse_amount("1.2亿")
    Decimal('12000')
    >>> parse_amount("3,000,000元")
    Decimal('300')
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _split_number(value)[0]
    text = _compact(value)
    match = _NUMBER.match(text)
    if match is None or match["rest"] not in ("", "元", "万元"):
        raise CellError(EXPECT_NUMBER)
    number = Decimal(match["number"].replace(",", ""))
    if match["rest"] == "万元" and match["scale"] is None:
        return _normal(number)
    if match["scale"] is None and match["rest"] == "":
        return _normal(number)
    yuan = number * _SCALES[match["scale"]]
    return _normal(yuan / 10_000)


def parse_percent(value: Any, *, percent_format: bool = False) -> Decimal:
    """Return a percentage: 85, "85%", or 0.85 from a cell Excel shows as 85%.

    >>> parse_percent(0.855, percent_format=True)
    Decimal('85.5')
    """
    if percent_format and isinstance(value, int | float) and not isinstance(value, bool):
        return _normal(_split_number(value)[0] * 100)
    number, rest = _split_number(value)
    if rest not in ("", "%"):
        raise CellError(gettext_noop("a percentage such as 85 or 85%"))
    return number


def parse_bool(value: Any) -> bool:
    """Return True for 是 (or Y, √, 1 …), False for 否 or an empty cell."""
    text = _compact(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(EXPECT_BOOL)


_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")


def parse_code(value: Any) -> str:
    """Return a code (项目编码, 事项编码): ASCII letters, digits, - and _; 101.0 reads as 101."""
    text = _compact(value)
    if not _CODE.match(text):
        raise CellError(EXPECT_CODE)
    return text


_LINK = re.compile(
    r"^(?P<code>[-a-zA-Z0-9_]+)"
    r"(?:\((?P<type>FS|SS|FF|SF|完成-开始|开始-开始|完成-完成|开始-完成)?"
    r"(?P<lag>[+-]\d+)?(?:天|d|D)?\))?$",
    re.IGNORECASE,
)


def parse_links(value: Any) -> list[tuple[str, str, int]]:
    """Return the predecessors in *value* as (code, link type, lag in days).

    Codes are separated by 、 , ; or line breaks; each may carry its type and
    lag in brackets, full-width or not: ``A01（SS+3）``, ``B02(-2天)``.

    >>> parse_links("A01；B02（完成-完成-2天）")
    [('A01', 'FS', 0), ('B02', 'FF', -2)]
    """
    text = unicodedata.normalize("NFKC", plain_text(value))
    links = []
    for token in re.split(r"[、,;\n]+", text):
        token = re.sub(r"\s+", "", token)
        if not token:
            continue
        match = _LINK.match(token)
        if match is None:
            raise CellError(EXPECT_LINKS)
        kind = (match["type"] or "FS").upper()
        links.append((match["code"], _LINK_TYPE_WORDS.get(kind, kind), int(match["lag"] or 0)))
    return links


def format_links(links: list[tuple[str, str, int]]) -> str:
    """Write predecessors the way ``parse_links`` reads them (FS without lag is the bare code)."""
    parts = []
    for code, kind, lag in links:
        if kind == "FS" and lag == 0:
            parts.append(code)
        elif kind == "FS":
            parts.append(f"{code}({lag:+d})")
        else:
            parts.append(f"{code}({kind}{lag:+d})" if lag else f"{code}({kind})")
    return "、".join(parts)
