"""Enterprise identifiers: the unified social credit code and the GB/T 4754 industry code.

A 统一社会信用代码 (GB 32100-2015) has 18 characters from a 31-letter alphabet
without I, O, S, V and Z: registration authority, kind, the 6-digit division
code, the 9-character organisation code (itself checked by GB 11714), and a
check character. A typing error in any one character, or two swapped, is
caught by the check characters.

An industry code (国民经济行业分类, GB/T 4754-2017) is a section letter and
2 to 4 digits: C3311 is 金属结构制造 in section C, 制造业, division 33.

>>> check_credit_code("91110108551385082Q")
'91110108551385082Q'
>>> industry_code("3311")
'C3311'
"""

import re

from guatu.core.errors import CoreError
from guatu.core.i18n import gettext_noop

__all__ = [
    "CreditCodeError",
    "IndustryCodeError",
    "check_credit_code",
    "complete_credit_code",
    "industry_code",
    "industry_matches",
]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

#: Division number ranges of each GB/T 4754-2017 section.
SECTIONS = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}


class CreditCodeError(CoreError):
    """Not a valid unified social credit code."""


class IndustryCodeError(CoreError):
    """Not a GB/T 4754 industry code."""


def _check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _org_check(first8: str) -> str:
    total = sum(
        ORG_ALPHABET.index(ch) * weight for ch, weight in zip(first8, ORG_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def complete_credit_code(first17: str) -> str:
    """Return *first17* with its organisation-code and final check characters set.

    Character 17 (the organisation code's check) is recomputed from 9–16.

    >>> complete_credit_code("91330784MA2DA3EX0")
    '91330784MA2DA3EX4U'
    """
    first17 = first17.upper()
    body = first17[:16] + _org_check(first17[8:16])
    return body + _check_character(body)


def check_credit_code(text: str) -> str:
    """Return the code in upper case if it is a valid 统一社会信用代码, else raise.

    >>> check_credit_code("91110108551385082A")
    Traceback (most recent call last):
    ...
    guatu.core.enterprise.CreditCodeError: The check character of 91110108551385082A should be Q.
    """
    code = re.sub(r"\s+", "", text).upper()
    if len(code) != 18:
        raise CreditCodeError(
            gettext_noop("A unified social credit code has 18 characters, not %(count)d."),
            count=len(code),
        )
    wrong = [ch for ch in code if ch not in ALPHABET]
    if wrong:
        raise CreditCodeError(
            gettext_noop("“%(char)s” cannot appear in a unified social credit code."),
            char=wrong[0],
        )
    if not code[2:8].isdigit():
        raise CreditCodeError(
            gettext_noop("Characters 3–8 of a credit code are the division code (digits).")
        )
    if code[16] != _org_check(code[8:16]):
        raise CreditCodeError(
            gettext_noop("The organisation code inside %(code)s does not check."), code=code
        )
    expected = _check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            gettext_noop("The check character of %(code)s should be %(expected)s."),
            code=code,
            expected=expected,
        )
    return code


def industry_code(text: str) -> str:
    """Return a GB/T 4754 code with its section letter (C3311), from 3311, c3311 or C33."""
    code = re.sub(r"\s+", "", text).upper()
    match = re.fullmatch(r"([A-T])?(\d{2,4})", code)
    if match is None:
        raise IndustryCodeError(
            gettext_noop(
                "“%(code)s” is not an industry code (a letter and 2–4 digits, e.g. C3311)."
            ),
            code=text,
        )
    division = int(match[2][:2])
    section = next(
        (letter for letter, (low, high) in SECTIONS.items() if low <= division <= high), None
    )
    if section is None or (match[1] and match[1] != section):
        raise IndustryCodeError(
            gettext_noop("Division %(division)02d is not in GB/T 4754 section %(section)s."),
            division=division,
            section=match[1] or "?",
        )
    return section + match[2]


def industry_matches(code: str, prefixes: list[str]) -> bool:
    """Whether *code* (C3311) falls under any of *prefixes* (C, C33, C331, 3311 …).

    >>> industry_matches("C3311", ["C34", "C33"])
    True
    """
    digits = code[1:]
    for prefix in prefixes:
        prefix = prefix.strip().upper()
        if not prefix:
            continue
        if prefix[0].isalpha():
            if code.startswith(prefix):
                return True
        elif digits.startswith(prefix):
            return True
    return False
