"""Ledger import benchmark: guatu beside django-import-export, 100,000 work-item rows.

    .venv/bin/python bench/ledger.py [--rows 100000] [--database-url URL]

Writes one .xlsx work-item sheet of --rows rows (project code, item code,
name, town, phase, target quantity and unit, investment, duration, planned
start, time node), then imports it into the same, empty models twice in one
run: first with django-import-export 4 (a ``ModelResource`` keyed on project
+ item code, foreign keys by name, the unit symbol mapped to its code; run
once per row as documented, and once with ``use_bulk``), then with
``guatu.ledger.importing.ledger_import`` (which also schedules the project,
work the reference does not do). Each import parses, validates and writes;
between them the items are deleted. The resulting rows are compared field by
field and the ratio printed. Throw-away SQLite database unless
--database-url names another.
"""

import argparse
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADERS = [
    "项目编码",
    "事项编码",
    "事项名称",
    "镇街",
    "环节",
    "目标数量",
    "单位",
    "计划投资（万元）",
    "工期（天）",
    "计划开始",
    "时间节点",
]
TOWNS = [f"镇{n:02d}" for n in range(20)]
PHASES = ["违建拆除", "征地", "政策处理", "交地", "开工"]
UNITS = ["亩", "平方米", "户", "公里", "个"]


def write_sheet(path: Path, rows: int) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("工作事项")
    sheet.append(HEADERS)
    start = date(2020, 1, 2)
    for k in range(rows):
        planned = WriteOnlyCell(sheet, value=start + timedelta(days=k % 300))
        planned.number_format = "yyyy-mm-dd"
        node = None
        if k % 4 == 0:
            node = WriteOnlyCell(sheet, value=start + timedelta(days=400 + k % 200))
            node.number_format = "yyyy-mm-dd"
        sheet.append(
            [
                "bench",
                f"I{k:06d}",
                f"工作事项{k:06d}（第{k % 47 + 1}村）",
                TOWNS[k % len(TOWNS)],
                PHASES[k % len(PHASES)],
                (k % 997) + 1.5,
                UNITS[k % len(UNITS)],
                (k % 5000) / 4 if k % 3 else None,
                10 + k % 90,
                planned,
                node,
            ]
        )
    book.save(path)


def setup_city():
    from django.contrib.auth.hashers import make_password

    from guatu.accounts.models import Role, User
    from guatu.org.models import City, Department, Town
    from guatu.projects.models import Project

    city = City.objects.create(name="基准市", code="999999", status_date=date(2020, 1, 2))
    for n, name in enumerate(TOWNS):
        Town.objects.create(city=city, name=name, order=n)
    department = Department.objects.create(city=city, name="交通局")
    Project.objects.create(
        city=city,
        code="bench",
        name="基准项目",
        start_date=date(2020, 1, 2),
        owner_department=department,
    )
    return city, User.objects.create(
        username="supervisor", role=Role.SUPERVISOR, password=make_password("x")
    )


def reference_resource(use_bulk: bool):
    from import_export import fields, resources, widgets

    from guatu.core.units import parse_unit
    from guatu.org.models import Town
    from guatu.projects.models import Phase, Project, WorkItem

    class UnitWidget(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            return parse_unit(value).code if value else ""

    class WorkItemResource(resources.ModelResource):
        project = fields.Field(
            attribute="project",
            column_name="项目编码",
            widget=widgets.ForeignKeyWidget(Project, "code"),
        )
        code = fields.Field(attribute="code", column_name="事项编码")
        name = fields.Field(attribute="name", column_name="事项名称")
        town = fields.Field(
            attribute="town", column_name="镇街", widget=widgets.ForeignKeyWidget(Town, "name")
        )
        phase = fields.Field(
            attribute="phase", column_name="环节", widget=widgets.ForeignKeyWidget(Phase, "name")
        )
        quantity_target = fields.Field(
            attribute="quantity_target", column_name="目标数量", widget=widgets.DecimalWidget()
        )
        unit = fields.Field(attribute="unit", column_name="单位", widget=UnitWidget())
        planned_value = fields.Field(
            attribute="planned_value",
            column_name="计划投资（万元）",
            widget=widgets.DecimalWidget(),
        )
        duration_days = fields.Field(
            attribute="duration_days", column_name="工期（天）", widget=widgets.IntegerWidget()
        )
        planned_start = fields.Field(
            attribute="planned_start", column_name="计划开始", widget=widgets.DateWidget()
        )
        deadline = fields.Field(
            attribute="deadline", column_name="时间节点", widget=widgets.DateWidget()
        )

        class Meta:
            model = WorkItem
            import_id_fields = ("project", "code")
            fields = (
                "project",
                "code",
                "name",
                "town",
                "phase",
                "quantity_target",
                "unit",
                "planned_value",
                "duration_days",
                "planned_start",
                "deadline",
            )
            use_transactions = True
            clean_model_instances = True
            batch_size = 1000

    WorkItemResource._meta.use_bulk = use_bulk
    return WorkItemResource()


def reference_import(path: Path, use_bulk: bool) -> float:
    import tablib

    started = time.perf_counter()
    with path.open("rb") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="xlsx")
    result = reference_resource(use_bulk).import_data(dataset, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors()
    return elapsed


def guatu_import(path: Path, city, actor) -> float:
    from guatu.ledger.importing import ledger_import

    started = time.perf_counter()
    result = ledger_import(source=path, actor=actor, city=city)
    elapsed = time.perf_counter() - started
    assert result.ok, [str(p) for p in result.problems[:5]]
    return elapsed


def rows_now() -> list[tuple]:
    from guatu.projects.models import WorkItem

    def plain(value):
        return value.normalize() if isinstance(value, Decimal) else value

    return [
        tuple(plain(v) for v in row)
        for row in WorkItem.objects.order_by("code").values_list(
            "project__code",
            "code",
            "name",
            "town__name",
            "phase__name",
            "quantity_target",
            "unit",
            "planned_value",
            "duration_days",
            "planned_start",
            "deadline",
        )
    ]


def clear() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_workitem")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: a throw-away SQLite file")
    parser.add_argument("--skip-per-row", action="store_true", help="only the use_bulk reference")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from django_env import django_environment

    folder = django_environment(database_url=args.database_url)
    from django.db import connection

    city, actor = setup_city()
    path = Path(folder) / "items.xlsx"
    started = time.perf_counter()
    write_sheet(path, args.rows)
    print(
        f"{args.rows} rows, {path.stat().st_size / 1e6:.1f} MB, written in "
        f"{time.perf_counter() - started:.1f} s; database: {connection.vendor}"
    )
    references = []
    for use_bulk in [True] if args.skip_per_row else [False, True]:
        elapsed = reference_import(path, use_bulk)
        label = "django-import-export" + (" use_bulk" if use_bulk else " (per row)")
        references.append((label, elapsed, rows_now()))
        print(f"{label:38s} {elapsed:8.2f} s")
        clear()
    ours = guatu_import(path, city, actor)
    print(f"{'guatu ledger_import (+ CPM schedule)':38s} {ours:8.2f} s")
    result = rows_now()
    assert len(result) == args.rows
    again = guatu_import(path, city, actor)
    assert rows_now() == result
    print(f"{'guatu, same file again (nothing changes)':38s} {again:8.2f} s")
    for label, elapsed, rows in references:
        assert rows == result, f"{label}: different rows"
        print(f"same {len(rows)} rows as {label}; guatu is {elapsed / ours:.1f}× faster")


if __name__ == "__main__":
    main()
