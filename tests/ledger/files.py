"""Ledger files as offices make them: openpyxl workbooks with titles, merges and hidden sheets,
CSV in GBK, and LibreOffice's conversion of a CSV (the real program, headless)."""

import os
import subprocess
from pathlib import Path

from openpyxl import Workbook

TITLE = "测试市2020年重点项目推进台账"


def xlsx(
    path: Path,
    sheets: dict[str, list[list]],
    *,
    merges: dict[str, list[str]] | None = None,
    hidden: dict[str, list[list]] | None = None,
    percent_cells: dict[str, list[str]] | None = None,
) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for ref in (merges or {}).get(name, []):
            sheet.merge_cells(ref)
        for ref in (percent_cells or {}).get(name, []):
            sheet[ref].number_format = "0%"
    for name, rows in (hidden or {}).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = "hidden"
    book.save(path)
    return path


def csv_file(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    text = "\n".join(",".join(_csv_cell(cell) for cell in row) for row in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return f'"{text}"' if any(ch in text for ch in ',"\n') else text


def libreoffice_xlsx(csv_path: Path, out_dir: Path) -> Path:
    """Convert *csv_path* (UTF-8) to .xlsx with LibreOffice Calc, as a user's “Save as” would.

    The CSV filter options: comma, double quote, UTF-8, from line 1, English
    locale, detect dates and percentages (so they become real date and % cells).
    """
    profile = out_dir / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--infilter=CSV:44,34,76,1,,1033,false,true",
            "--outdir",
            str(out_dir),
            str(csv_path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(out_dir)},
    )
    converted = out_dir / (csv_path.stem + ".xlsx")
    assert converted.is_file(), "LibreOffice wrote no file"
    return converted
