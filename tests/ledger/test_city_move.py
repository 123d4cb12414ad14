"""Moving a city through its ledger (issue 29): 兰溪's export, read into an empty database,
changed a review state (已确认 → 待核实) and a figure (完成率 104.17 → 100), dropped its open
blockers (28 → 0) without a word, and re-publishing reissued 兰重点办〔2026〕1号.

The whole city's export now carries the reviews of above-target reports, every blocker
and the last bulletin number of each year, and says (sheet 说明, the commands' output)
what it does not carry and that ``guatu backup``/``guatu restore`` move everything.
"""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from openpyxl import load_workbook

from guatu.accounts.models import User
from guatu.demo.build import demo_build
from guatu.ledger.exporting import ledger_workbook
from guatu.ledger.importing import ledger_import
from guatu.ledger.new_city import ledger_import_new_city
from guatu.notify.models import Notice
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.progress.models import Blocker, ProgressReport, ReportReview
from guatu.progress.services import blocker_open, report_review, report_submit
from guatu.projects.models import WorkItem
from guatu.supervision import render
from guatu.supervision.services import bulletin_draft, bulletin_publish

pytestmark = pytest.mark.django_db


def values(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def rows_of(data: bytes, sheet: str) -> list[dict]:
    """The data rows of *sheet* as {header: value}."""
    _title, headers, *rows = values(data)[sheet]
    return [dict(zip(headers, row, strict=True)) for row in rows]


@pytest.fixture
def quick_render(monkeypatch, tmp_path):
    """Publishing renders three documents; the numbering is what these tests look at."""
    for kind in ("to_docx", "to_xlsx", "to_pdf"):
        monkeypatch.setattr(render, kind, lambda content: b"-")
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def _publish(actor, city, period: str, number: int | None = None):
    draft = bulletin_draft(actor=actor, city=city, period_text=period)
    return bulletin_publish(actor=actor, bulletin=draft, number=number)


@pytest.fixture(scope="module")
def moved(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo city with what 兰溪 had: a confirmed above-target report (104.17 %), a
    rejected one, open blockers, two published bulletins; its export and what it held."""
    patch = pytest.MonkeyPatch()
    for kind in ("to_docx", "to_xlsx", "to_pdf"):
        patch.setattr(render, kind, lambda content: b"-")
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
            transaction.atomic(),
        ):
            demo_build()
            city = City.objects.get()
            office = User.objects.get(username="supervisor")
            today = city_today(city)
            above = report_submit(
                work_item=WorkItem.objects.get(project__code="park-kaifaqu", code="gh"),
                reported_by=office,
                reported_on=today,
                percent=Decimal("104.17"),
                above_target=True,
                note="规划范围扩大，多完成两处",
                today=today,
            )
            report_review(actor=office, report=above, confirm=True, note="经现场核实属实")
            rejected = report_submit(
                work_item=WorkItem.objects.get(project__code="park-longshan", code="gh"),
                reported_by=office,
                reported_on=today,
                percent=Decimal("110"),
                above_target=True,
                note="含二期",
                today=today,
            )
            report_review(actor=office, report=rejected, confirm=False, note="二期不在目标内")
            blocker_open(
                actor=office,
                work_item=WorkItem.objects.get(project__code="park-shizhu", code="gh"),
                description="2户未签约",
                owner_department=city.departments.order_by("name").first(),
                responsible_person="王芳",
                opened_on=today,
                due_on=today,
            )
            first = _publish(office, city, "2019-W44", number=45)
            second = _publish(office, city, "2019-W45")
            held = {
                "blockers": sorted(Blocker.objects.values_list("status", flat=True)),
                "reviews": sorted(ReportReview.objects.values_list("decision", "note")),
                "numbers": [first.content["number_text"], second.content["number_text"]],
            }
            exported = ledger_workbook(city=city)
            transaction.set_rollback(True)
    finally:
        patch.undo()
    return {"export": exported, **held}


def test_a_city_moved_by_its_ledger_exports_the_same_cells_reviews_and_blockers(moved):
    exported = moved["export"]
    setup, result = ledger_import_new_city(source=io.BytesIO(exported), name="yongkang.xlsx")
    assert setup.written and result.ok, (setup.problems, result.problems[:5])
    again = ledger_workbook(city=City.objects.get())
    first, second = values(exported), values(again)
    assert list(second) == list(first)
    for sheet in first:
        assert second[sheet] == first[sheet], sheet
    # The two cells 兰溪 lost: the review state and the figure that counts because of it.
    progress = rows_of(again, "进度")
    confirmed = next(r for r in progress if r["事项编码"] == "gh" and r["完成率（%）"] == 104.17)
    assert (confirmed["核实情况"], confirmed["核实意见"]) == ("已确认", "经现场核实属实")
    items = rows_of(again, "工作事项")
    assert any(r["项目编码"] == "park-kaifaqu" and r["完成率（%）"] == 104.17 for r in items)
    # The reviews and every blocker, open or not, and no 填报待核实 notice for reviewed reports.
    assert sorted(ReportReview.objects.values_list("decision", "note")) == moved["reviews"]
    assert sorted(Blocker.objects.values_list("status", flat=True)) == moved["blockers"]
    assert Blocker.objects.exclude(status=Blocker.Status.RESOLVED).count() >= 4
    assert result.reviews.counts["created"] == 2
    assert not Notice.objects.filter(event__startswith="review:").exists()
    # It says what it leaves out, in the workbook and in the command's words.
    notes = "\n".join(row[0] for row in first["说明"] if row[0])
    assert "guatu backup" in notes and "通报" in notes and "照片" in notes
    assert any("guatu backup" in note for note in result.notes)
    assert not any("说明" in note for note in result.notes)


def test_the_next_bulletin_continues_the_numbering_after_the_move(moved, quick_render):
    assert moved["numbers"] == ["永重点办〔2019〕45号", "永重点办〔2019〕46号"]
    assert rows_of(moved["export"], "通报编号") == [
        {"年度": 2019, "最后编号": 46, "文号": "永重点办〔2019〕46号"}
    ]
    setup, result = ledger_import_new_city(source=io.BytesIO(moved["export"]), name="y.xlsx")
    assert setup.written and result.ok
    city = City.objects.get()
    assert city.bulletin_numbers == {"2019": 46}
    office = User.objects.get(username="supervisor")
    with pytest.raises(Exception, match="46"):
        _publish(office, city, "2019-W45", number=46)
    assert _publish(office, city, "2019-W46").content["number_text"] == "永重点办〔2019〕47号"
    # Exported again, the last number is the one published here.
    assert rows_of(ledger_workbook(city=city), "通报编号")[0]["最后编号"] == 47


def test_the_commands_say_what_the_ledger_leaves_out(moved, tmp_path, capsys):
    source = tmp_path / "yongkang.xlsx"
    source.write_bytes(moved["export"])
    call_command("ledger", "import", str(source))
    imported = capsys.readouterr().out
    assert "guatu backup" in imported and "卡点" in imported
    target = tmp_path / "again.xlsx"
    call_command("ledger", "export", str(target))
    exported = capsys.readouterr().out
    assert "guatu backup" in exported and "guatu restore" in exported


def _edited(data: bytes, sheet: str, cells: dict[str, object]) -> io.BytesIO:
    book = load_workbook(io.BytesIO(data))
    for cell, value in cells.items():
        book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _column(data: bytes, sheet: str, header: str) -> str:
    headers = values(data)[sheet][1]
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[headers.index(header)]


def test_a_review_is_the_offices_and_is_never_changed_by_a_ledger(moved):
    setup, _result = ledger_import_new_city(source=io.BytesIO(moved["export"]), name="y.xlsx")
    city = setup.city
    export = ledger_workbook(city=city)
    progress = values(export)["进度"]
    row = next(n for n, r in enumerate(progress, 1) if r[6] == 104.17)
    column = _column(export, "进度", "核实情况")
    # The office cannot turn a confirmation into a rejection …
    changed = _edited(export, "进度", {f"{column}{row}": "不予认定"})
    office = User.objects.get(username="supervisor")
    result = ledger_import(source=changed, name="x.xlsx", actor=office, city=city)
    assert not result.ok and "已确认" in str(result.problems[0]), result.problems
    # … and reading the same export again changes nothing.
    again = ledger_import(source=io.BytesIO(export), name="x.xlsx", actor=office, city=city)
    assert again.ok and again.reviews.counts["created"] == 0
    # The story's five 卡点 and the three problems of the demo's 问题清单.
    assert again.blockers.counts == {"created": 0, "updated": 0, "unchanged": 8}
    assert again.progress.counts["created"] == again.progress.counts["updated"] == 0


def _finished_town_item(city) -> WorkItem:
    """A town's item done before today (so today may still be reported, above the target)."""
    today = city_today(city)
    for item in WorkItem.objects.filter(project__city=city, town__isnull=False).order_by("pk"):
        last = item.reports.order_by("-reported_on").first()
        if last and last.percent_complete == 100 and last.reported_on < today:
            return item
    raise AssertionError("the demo has a finished town item")


def _only(data: bytes, sheet: str) -> io.BytesIO:
    """The workbook with *sheet* alone, as a town sends its progress."""
    book = load_workbook(io.BytesIO(data))
    for other in [name for name in book.sheetnames if name != sheet]:
        del book[other]
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_a_town_cannot_confirm_its_own_figure_and_a_rejection_says_why(moved):
    setup, _result = ledger_import_new_city(source=io.BytesIO(moved["export"]), name="y.xlsx")
    city = setup.city
    item = _finished_town_item(city)
    town = User.objects.filter(role="town", town=item.town).order_by("username").first()
    today = city_today(city)
    report_submit(
        work_item=item,
        reported_by=town,
        reported_on=today,
        percent=Decimal("105"),
        above_target=True,
        note="多完成",
        today=today,
    )
    export = ledger_workbook(city=city)
    progress = values(export)["进度"]
    row = next(
        n
        for n, r in enumerate(progress, 1)
        if (r[0], r[1], r[3]) == (item.project.code, item.code, r[3]) and r[6] == 105
    )
    assert progress[row - 1][11] == "待核实"
    column = _column(export, "进度", "核实情况")
    confirmed = _edited(export, "进度", {f"{column}{row}": "已确认"})
    result = ledger_import(
        source=_only(confirmed.getvalue(), "进度"), name="x.xlsx", actor=town, city=city
    )
    refused = [p for p in result.problems if p.row == row and "核实情况" in (p.column or "")]
    assert not result.written and "只有督查办" in refused[0].message, result.problems
    rejected = _edited(export, "进度", {f"{column}{row}": "不予认定"})
    office = User.objects.get(username="supervisor")
    result = ledger_import(source=rejected, name="x.xlsx", actor=office, city=city)
    assert not result.ok and "核实意见" in str(result.problems[0])
    confirmed.seek(0)
    result = ledger_import(source=confirmed, name="x.xlsx", actor=office, city=city)
    assert result.ok and result.reviews.counts["created"] == 1
    report = ProgressReport.objects.get(work_item=item, reported_on=city_today(city))
    assert report.review.decision == ReportReview.Decision.CONFIRMED


def test_a_blocker_goes_forward_only_and_is_checked_at_its_cells(moved):
    setup, _result = ledger_import_new_city(source=io.BytesIO(moved["export"]), name="y.xlsx")
    city = setup.city
    office = User.objects.get(username="supervisor")
    export = ledger_workbook(city=city)
    blockers = values(export)["卡点"]
    resolved = next(n for n, r in enumerate(blockers, 1) if r[8] == "已解决")
    open_row = next(n for n, r in enumerate(blockers, 1) if r[8] == "未解决")
    status = _column(export, "卡点", "状态")
    due = _column(export, "卡点", "限期")
    department = _column(export, "卡点", "责任部门")
    wrong = _edited(
        export,
        "卡点",
        {
            f"{status}{resolved}": "未解决",
            f"{due}{open_row}": "2001-01-01",
            f"{department}{open_row}": "不存在局",
        },
    )
    result = ledger_import(source=wrong, name="x.xlsx", actor=office, city=city)
    found = {(p.row, p.column.split("（")[1][:-1]) for p in result.problems}
    assert found == {(resolved, "状态"), (open_row, "限期"), (open_row, "责任部门")}, found
    # 已上报: still open, its unit asks for the next level of coordination (问题清单).
    asking = Blocker.objects.filter(status=Blocker.Status.OPEN, escalation_requested=True)
    before = asking.count()
    escalated = _edited(export, "卡点", {f"{status}{open_row}": "已上报"})
    result = ledger_import(source=escalated, name="x.xlsx", actor=office, city=city)
    assert result.ok and result.blockers.counts["updated"] == 1
    assert asking.count() == before + 1
