"""Credit codes and industry codes, against published codes and hand-made typos."""

import pytest

from guatu.core.enterprise import (
    CreditCodeError,
    IndustryCodeError,
    check_credit_code,
    complete_credit_code,
    industry_code,
    industry_matches,
)

REAL = ["91110108551385082Q", "91330000142916567N", "91440300708461136T"]


@pytest.mark.parametrize("code", REAL)
def test_published_codes_check(code):
    assert check_credit_code(code.lower()) == code
    assert complete_credit_code(code[:17]) == code


@pytest.mark.parametrize("code", REAL)
def test_every_single_typo_and_swap_is_caught(code):
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for i in range(18):
        for ch in alphabet:
            if ch != code[i]:
                typo = code[:i] + ch + code[i + 1 :]
                with pytest.raises(CreditCodeError):
                    check_credit_code(typo)
    for i in range(17):
        if code[i] != code[i + 1] and code[2:8].isdigit():
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            if swapped[2:8].isdigit():
                with pytest.raises(CreditCodeError):
                    check_credit_code(swapped)


@pytest.mark.parametrize("bad", ["9111010855138508", "91110108551385082O", "911101085513850820Q"])
def test_wrong_length_or_letters(bad):
    with pytest.raises(CreditCodeError):
        check_credit_code(bad)


def test_industry_codes():
    assert industry_code("3311") == "C3311"
    assert industry_code(" c33 ") == "C33"
    assert industry_code("A01") == "A01"
    for bad in ("C01", "Z33", "3", "C33111", "金属"):
        with pytest.raises(IndustryCodeError):
            industry_code(bad)
    assert industry_matches("C3311", ["C"])
    assert industry_matches("C3311", ["331"])
    assert not industry_matches("C3424", ["C33", "C2927"])
