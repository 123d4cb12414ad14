"""A workbook that claims or holds more than a ledger may is refused before any sheet is read.

The seen attack (issue 28, item 1): a 1,632-byte 进度.xlsx with cells A1 and
XFD1048576, sent by a town official to ``POST /api/v1/ledger/import?dry_run=true``
or to the park screening, killed the worker: calamine asked for 512 GiB for
the sheet's grid and aborted. Every variant in ``xlsx_bombs`` — the dimension
lying either way or missing, cells placed without references, shared strings
declared, many or copied, styles, merged ranges, a part lying about its size,
a DTD — is refused with a problem at the sheet (or, for the workbook's shared
parts, at the file), through every entry: the core reader in a child process
whose memory is measured, ``ledger_import``, the import page and API as a
town official, the park screening and a new city's organisation workbook.
"""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.audit.models import AuditEntry
from guatu.ledger.city_setup import city_init
from guatu.ledger.importing import ledger_import
from guatu.parks.models import Application
from guatu.progress.models import ProgressReport
from tests.security.xlsx_bombs import BOMBS, far_cell, fine

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
#: What each kind of refusal says, in Chinese, beside the sheet's or the file's name.
SAYS = {
    "far_cell": "声明了 1048576 行、16384 列，超过上限 250000 行、200 列",
    "dimension_lies_small": "单元格延伸到第 1048576 行、第 16384 列，超过上限 250000 行、200 列",
    "dimension_lies_large": "声明了 1048576 行、16384 列，超过上限 250000 行、200 列",
    "no_dimension": "单元格延伸到第 1048576 行、第 16384 列",
    "cells_without_references": "单元格延伸到第 1048576 行、第 16384 列",
    "wide_and_long": "250000 行 × 41 列（10250000 个单元格）",
    "cells_repeated": "合计超过 10000000 个单元格",
    "shared_text": "300 MB",
    "merged_ranges": "100000 个合并区域",
    "shared_strings_declared": "共享字符串超过 1000000 个",
    "shared_strings_ten_million": "共享字符串达 123 MB",
    "shared_strings_many": "共享字符串超过 1000000 个",
    "styles": "单元格样式超过 200000 个",
    "size_lie": "进度.xlsx",
    "entities": "文档类型声明",
    "spreadsheet_repeats": "不是 .xlsx 工作簿",
}


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return {name: build() for name, (build, _where) in BOMBS.items()}


def placed(name: str, message: str) -> bool:
    """Whether *message* says where: at the sheet, or the file for the workbook's shared parts."""
    if BOMBS[name][1] == "sheet":
        return message.startswith("工作表“进度”：")
    return "进度.xlsx" in message


def bearer(username: str) -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {token_create(user=User.objects.get(username=username))}"
    }


def test_the_seen_file_is_as_small_as_reported():
    assert len(far_cell()) < 1700


CHILD = """
import io, json, resource, sys
from guatu.core.ledger.workbook import LedgerFileError, SheetLimitError, read_ledger

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # MB (KiB on Linux)

# Warm up (the compiled scanner loads on its first call) on a file that is let through.
read_ledger(io.BytesIO("项目编码,事项编码,填报日期,累计完成\\nP1,A1,2020-01-02,1\\n".encode()),
            name="进度.csv")
read_ledger(sys.argv[1], name="进度.xlsx")
before = peak()
figures = {}
for path in sys.argv[2:]:
    try:
        read_ledger(path, name="进度.xlsx")
        figures[path] = {"refused": False}
    except LedgerFileError as error:
        figures[path] = {
            "refused": True,
            "sheet": getattr(error, "sheet", None),
            "message": str(error),
            "grown_mb": peak() - before,
        }
print(json.dumps(figures))
"""


def test_the_reader_survives_every_bomb_and_its_memory_stays_bounded(bombs, tmp_path):
    """Read in a child process, so that a regression aborts the child, not the tests."""
    let_through = tmp_path / "fine.xlsx"
    let_through.write_bytes(fine())
    paths = {}
    for name, data in bombs.items():
        paths[name] = tmp_path / f"{name}.xlsx"
        paths[name].write_bytes(data)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(let_through), *map(str, paths.values())],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    figures = json.loads(child.stdout)
    for name, path in paths.items():
        seen = figures[str(path)]
        assert seen["refused"], name
        assert seen["grown_mb"] < 100, f"{name}: memory grew by {seen['grown_mb']} MB"
        if BOMBS[name][1] == "sheet":
            assert seen["sheet"] == "进度", (name, seen["message"])


@pytest.mark.parametrize("name", BOMBS)
def test_refused_by_ledger_import_with_nothing_written(demo, bombs, name):
    before = ProgressReport.objects.count()
    with translation.override("zh-hans"):
        result = ledger_import(
            source=io.BytesIO(bombs[name]),
            name="进度.xlsx",
            actor=User.objects.get(username="town_shizhu"),
            dry_run=False,
        )
        problems = [str(problem) for problem in result.problems]
    assert not result.ok and not result.written and len(problems) == 1
    assert placed(name, problems[0]) and SAYS[name] in problems[0], problems
    assert ProgressReport.objects.count() == before


@pytest.mark.parametrize("name", BOMBS)
def test_refused_by_the_api_for_a_town_official(demo, bombs, name):
    upload = io.BytesIO(bombs[name])
    upload.name = "进度.xlsx"
    response = Client().post(
        "/api/v1/ledger/import?dry_run=true", {"file": upload}, **bearer("town_shizhu")
    )
    assert response.status_code == 422, response.content[:500]
    body = response.json()
    assert body["field"] == "file" and len(body["errors"]["file"]) == 1
    message = body["errors"]["file"][0]
    assert placed(name, message) and SAYS[name] in message, message


@pytest.mark.parametrize("name", ["far_cell", "shared_strings_declared", "styles"])
def test_refused_on_the_import_page(demo, bombs, name):
    client = Client()
    client.force_login(User.objects.get(username="town_shizhu"))
    upload = io.BytesIO(bombs[name])
    upload.name = "进度.xlsx"
    page = client.post("/ledger/import/", {"file": upload, "check": "1"})
    assert page.status_code == 422
    assert SAYS[name] in page.text and ("“进度”" in page.text or "进度.xlsx" in page.text)


@pytest.mark.parametrize("name", BOMBS)
def test_refused_by_the_park_screening(demo, bombs, name):
    before = Application.objects.count()
    upload = io.BytesIO(bombs[name])
    upload.name = "进度.xlsx"
    response = Client().post(
        "/api/v1/parks/park-shizhu/screen", {"file": upload}, **bearer("town_shizhu")
    )
    assert response.status_code == 422, response.content[:500]
    message = response.json()["errors"]["file"][0]
    assert placed(name, message) and SAYS[name] in message, message
    assert Application.objects.count() == before


@pytest.mark.parametrize("name", ["far_cell", "cells_without_references", "shared_text"])
def test_refused_as_a_new_citys_organisation(bombs, name):
    """``guatu city init`` (the command line's operator) reads the same way."""
    with translation.override("zh-hans"):
        result = city_init(source=io.BytesIO(bombs[name]), name="进度.xlsx", dry_run=True)
        problems = [str(problem) for problem in result.problems]
    assert problems and placed(name, problems[0]) and SAYS[name] in problems[0], problems
    assert not AuditEntry.objects.filter(action="city_init").exists()
