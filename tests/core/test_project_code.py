"""The 项目代码 validator (GB/T 40058): good codes pass, each bad part is named."""

import pytest

from guatu.core.project_code import check_project_code, division_covers, normalise_project_code


def parts(code: str, division: str = "330700", year: int = 2026) -> list[str]:
    return [problem.part for problem in check_project_code(code, division=division, year=year)]


@pytest.mark.parametrize(
    "code",
    [
        "2019-330784-48-01-012345",  # a county-level city below 金华 (330700)
        "2020-330700-47-03-00001X",  # the city's own code, a letter in the check place
        "1990-330701-01-01-000000",  # the first year
        "2026-330784-48-01-ABCDE9",  # this year
    ],
)
def test_good_codes_pass(code):
    assert parts(code) == []


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("2019-330784-48-01", ["shape"]),  # a part missing
        ("2019330784480101234", ["shape"]),  # no hyphens
        ("2019-330784-48-01-0123456", ["shape"]),  # seven in the serial
        ("20I9-330784-48-01-012345", ["year"]),  # a letter in the year
        ("2019-33O784-48-01-012345", ["division"]),  # letter O for zero
        ("2019-330784-4A-01-012345", ["industry"]),
        ("2019-330784-48-0x-012345", ["kind"]),
        ("2019-330784-48-01-01234x", ["serial"]),  # lower case
        ("2027-330784-48-01-012345", ["year"]),  # next year: not given yet
        ("1989-330784-48-01-012345", ["year"]),
        ("2019-330184-48-01-012345", ["division"]),  # 杭州's county: another city
        ("2019-320784-48-01-012345", ["division"]),  # another province
        ("2027-110101-48-01-012345", ["year", "division"]),  # both named
    ],
)
def test_each_bad_part_is_named(code, expected):
    assert parts(code) == expected


def test_each_problem_has_a_sentence():
    (problem,) = check_project_code("2019-330184-48-01-012345", division="330700", year=2026)
    assert "330184" in str(problem) and "330700" in str(problem)


def test_division_rules():
    assert division_covers("330700", "330784")  # a city covers its counties
    assert division_covers("330784", "330784")  # a county-level city itself
    assert not division_covers("330784", "330700")  # not the city above it
    assert not division_covers("330784", "330782")  # nor a neighbour
    assert division_covers("330000", "330784")  # a province, all of it
    assert not division_covers("", "330784")


def test_written_with_a_chinese_input_method():
    assert normalise_project_code(" ２０１９－３３０７８４－４８－０１－０１２３４ｘ ") == (
        "2019-330784-48-01-01234X"
    )


def test_digits_of_other_scripts_are_not_digits_here():
    # Arabic-Indic digits in the industry part: \d would have taken them.
    assert parts("2019-330784-٤٨-01-01234X") == ["industry"]
