"""The national 项目代码 of a fixed-asset investment project (GB/T 40058-2021).

The 投资项目在线审批监管平台 gives every project one code for its whole life, written
``YYYY-AAAAAA-BB-CC-NNNNNN`` (24 characters with the hyphens):

- ``YYYY``: the year the code was given (时间代码);
- ``AAAAAA``: the 6-digit administrative division of the authority that gave it (地区代码,
  GB/T 2260): a project supervised by a city is coded by the city or a county below it, so
  the code's division must be the city's own or one of its children;
- ``BB``: the central department that guides the industry (中央业务指导部门代码), two digits;
- ``CC``: the project type (项目类型代码), two digits;
- ``NNNNNN``: a five-character random serial (随机码) and one check character (校验码).

What is checked here: the shape, each part's characters, the year (1990 to the year of
*today*: no code is given in the future), and the division. **The check character's
algorithm is not verified**: the standard's text (§4.7) was not available to us, so any
digit or capital letter is accepted in that place, and the docs say so.

>>> check_project_code("2019-330784-48-01-01234X", division="330784", year=2026)
[]
>>> [problem.template for problem in check_project_code("2019-3307-48", division="330784",
...  year=2026)]
['The 项目代码 must read YYYY-AAAAAA-BB-CC-NNNNNN (24 characters); this reads %(code)s.']
"""

import re
import unicodedata
from dataclasses import dataclass

from guatu.core.errors import CoreError
from guatu.core.i18n import gettext_noop

__all__ = ["CodeProblem", "check_project_code", "division_covers", "normalise_project_code"]

_SHAPE = re.compile(r"^([0-9]{4})-([0-9]{6})-([0-9]{2})-([0-9]{2})-([0-9A-Z]{6})$")
_LOOSE = re.compile(r"^(.{4})-(.{6})-(.{2})-(.{2})-(.{6})$")
FIRST_YEAR = 1990


class CodeProblem(CoreError):
    """One thing wrong with a 项目代码; ``part`` names the part (year, division …)."""

    def __init__(self, template: str, *, part: str, **params) -> None:
        self.part = part
        super().__init__(template, **params)


@dataclass(frozen=True)
class _Parts:
    year: str
    division: str
    industry: str
    kind: str
    serial: str


def normalise_project_code(text: str) -> str:
    """Return *text* as the code is written: trimmed, fullwidth digits and letters made
    ASCII (a ledger typed with a Chinese input method), letters upper-case, any dash a hyphen."""
    # NFKC makes fullwidth digits, letters and other compatibility forms plain ASCII;
    # digits of other scripts (٤, ४) stay as they are and fail the check.
    text = unicodedata.normalize("NFKC", text.strip())
    for dash in ("—", "–", "－", "‐", "‑"):
        text = text.replace(dash, "-")
    return text.upper()


def division_covers(city: str, division: str) -> bool:
    """Whether *division* is *city*'s own code or a division below it (GB/T 2260: a city is
    ``PPCC00``, its counties ``PPCCxx``; a county-level city ``PPCCDD`` covers itself only)."""
    if not (len(city) == 6 and city.isdigit()):
        return False
    if city.endswith("0000"):  # a province covers its whole province
        return division[:2] == city[:2]
    if city.endswith("00"):
        return division[:4] == city[:4]
    return division == city


def check_project_code(code: str, *, division: str, year: int) -> list[CodeProblem]:
    """Return every problem of *code* for a city whose division code is *division*, checked
    in the year *year* (today's). An empty list means the code is well formed."""
    shaped = _SHAPE.match(code)
    if shaped is None:
        loose = _LOOSE.match(code)
        if loose is None:
            return [
                CodeProblem(
                    gettext_noop(
                        "The 项目代码 must read YYYY-AAAAAA-BB-CC-NNNNNN (24 characters); "
                        "this reads %(code)s."
                    ),
                    part="shape",
                    code=code[:40],
                )
            ]
        return _part_problems(_Parts(*loose.groups()))
    parts = _Parts(*shaped.groups())
    problems: list[CodeProblem] = []
    if not FIRST_YEAR <= int(parts.year) <= year:
        problems.append(
            CodeProblem(
                gettext_noop(
                    "The 项目代码's year %(value)s is not between %(first)s and %(last)s."
                ),
                part="year",
                value=parts.year,
                first=FIRST_YEAR,
                last=year,
            )
        )
    if division and not division_covers(division, parts.division):
        problems.append(
            CodeProblem(
                gettext_noop(
                    "The 项目代码's division %(value)s is neither the city's (%(city)s) "
                    "nor one below it."
                ),
                part="division",
                value=parts.division,
                city=division,
            )
        )
    return problems


def _part_problems(parts: _Parts) -> list[CodeProblem]:
    """Name each part whose characters are wrong (the shape, hyphens included, is right)."""
    problems = []
    for part, value, label in (
        ("year", parts.year, gettext_noop("year (4 digits)")),
        ("division", parts.division, gettext_noop("division code (6 digits)")),
        ("industry", parts.industry, gettext_noop("industry (2 digits)")),
        ("kind", parts.kind, gettext_noop("project type (2 digits)")),
    ):
        if not (value.isascii() and value.isdigit()):
            problems.append(
                CodeProblem(
                    gettext_noop("The 项目代码's %(label)s reads %(value)s."),
                    part=part,
                    label=label,
                    value=value,
                )
            )
    if not re.fullmatch(r"[0-9A-Z]{6}", parts.serial):
        problems.append(
            CodeProblem(
                gettext_noop(
                    "The 项目代码's serial and check character must be six digits or capital "
                    "letters; this reads %(value)s."
                ),
                part="serial",
                value=parts.serial,
            )
        )
    return problems
