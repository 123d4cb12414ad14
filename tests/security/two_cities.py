"""Two cities in one database, for the isolation walk (issue 29).

City A is the demo's 永康市; city B (建德市) is started as a new city is, through the
新建城市 page, from the organisation workbook the page hands out. This module builds
B, gathers A's ids and marker strings, and offers the walk's instruments: a whole-
database fingerprint, a fingerprint of the rows that belong to A, a recorder of the
writes a request makes, and the text of any response (HTML, JSON, xlsx, docx, pdf).
"""

import hashlib
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Q
from django.test import Client
from openpyxl import load_workbook
from PIL import Image

from guatu.accounts.models import Role, User
from guatu.ledger.exporting import organisation_workbook
from guatu.org.models import City, Department, Town

A_NAME = "永康市"
TODAY = date(2019, 11, 15)

B_CITY = {
    "城市名称": "建德市",
    "行政区划代码": "330182",
    "时区": "Asia/Shanghai",
    "发文机关": "建德市重大项目推进中心",
    "发文字号": "建推进",
    "数据日期": datetime(2019, 11, 15),
}
B_TOWNS = [("新安江街道", "街道", 1), ("乾潭镇", "镇", 2)]
B_VILLAGES = [("乾潭镇", "胥岭村"), ("新安江街道", "罗桐埠村")]
B_DEPARTMENTS = [("建德市林业水利局", "林水局"), ("建德市港航管理中心", "港航中心")]
#: role → (login, name, 角色, 镇街区, 部门): one user of every role.
B_USERS = {
    Role.SUPERVISOR: ("jd_office", "严督查", "督查办", "", ""),
    Role.LEADER: ("jd_leader", "方副市长", "市领导", "", ""),
    Role.TOWN: ("jd_town", "乾潭联络员", "镇街区", "乾潭镇", ""),
    Role.DEPARTMENT: ("jd_dept", "林水联络员", "部门", "", "建德市林业水利局"),
    Role.ADMIN: ("jd_admin", "建德管理员", "系统管理员", "", ""),
}
B_PROJECT = ("jiande-road", "建德大道拓宽工程")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- city B, as a new city is started ----------------------------------------------


def b_workbook() -> bytes:
    """The page's own template with B's organisation written over the example rows.

    Columns are found by their header (row 2), so added columns stay empty."""
    book = load_workbook(io.BytesIO(organisation_workbook()))
    sheets = {
        "城市": [B_CITY],
        "镇街区": [{"镇街区名称": n, "类型": k, "排序": o} for n, k, o in B_TOWNS],
        "行政村": [{"所属镇街区": t, "行政村名称": n} for t, n in B_VILLAGES],
        "部门": [{"部门名称": n, "简称": s} for n, s in B_DEPARTMENTS],
        "用户": [
            {"登录名": u, "姓名": n, "角色": r, "所属镇街区": t, "所属部门": d}
            for u, n, r, t, d in B_USERS.values()
        ],
    }
    for title, rows in sheets.items():
        sheet = book[title]
        headers = [cell.value for cell in sheet[2]]
        if sheet.max_row > 2:
            sheet.delete_rows(3, sheet.max_row - 2)
        for number, row in enumerate(rows, start=3):
            unknown = set(row) - set(headers)
            assert not unknown, f"the template's “{title}” sheet lacks {unknown}"
            for column, header in enumerate(headers, start=1):
                sheet.cell(number, column, row.get(header))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class CityB:
    city: City
    users: dict[str, User]  # role → user
    how: str  # "page" or "service"
    page_status: int | None
    superusers: list[str]  # logins the setup made superusers
    given_city: dict[str, int | None]  # login → the city the setup gave (None: no User.city)
    project: object = None
    item: object = None
    town: Town | None = None
    department: Department | None = None


def user_city_field() -> bool:
    """Whether ``User.city`` exists yet (the change this walk is written for)."""
    return any(f.name == "city" for f in User._meta.get_fields())


def city_b_create(root: User) -> CityB:
    """Start 建德市 through the 新建城市 page as *root*; the setup service if the page refuses."""
    client = Client()
    client.force_login(root)
    upload = SimpleUploadedFile("建德市组织架构.xlsx", b_workbook(), content_type=XLSX)
    response = client.post("/setup/city/", {"workbook": upload, "action": "create"})
    how, status = "page", response.status_code
    city = City.objects.filter(name=B_CITY["城市名称"]).first()
    if city is None:
        from guatu.ledger.city_setup import city_init

        result = city_init(source=io.BytesIO(b_workbook()), name="建德市.xlsx", actor=root)
        assert result.written, [str(p) for p in result.problems]
        city, how = result.city, "service"
    logins = {login: role for role, (login, *_rest) in B_USERS.items()}
    users = {logins[u.username]: u for u in User.objects.filter(username__in=logins)}
    assert set(users) == set(B_USERS), f"the setup made {sorted(users)} of {sorted(B_USERS)}"
    superusers = sorted(u.username for u in users.values() if u.is_superuser)
    given_city = {u.username: getattr(u, "city_id", None) for u in users.values()}
    for user in users.values():
        # They have changed their handed-out password (else every page sends them to
        # the password form and the API refuses them, and the walk would prove nothing).
        user.must_change_password = False
        fields = ["must_change_password"]
        if user_city_field():
            user.city = city
            fields.append("city")
        user.save(update_fields=fields)
    b = CityB(
        city=city,
        users=users,
        how=how,
        page_status=status,
        superusers=superusers,
        given_city=given_city,
    )
    b.town = Town.objects.get(city=city, name="乾潭镇")
    b.department = Department.objects.get(city=city, name="建德市林业水利局")
    _b_project(b)
    return b


def _b_project(b: CityB) -> None:
    """One project of B's own with one work item, for B's pages and B-side writes."""
    from guatu.projects.models import Project
    from guatu.projects.services import work_item_create

    code, name = B_PROJECT
    b.project = Project.objects.create(
        city=b.city,
        code=code,
        name=name,
        start_date=date(2019, 3, 1),
        deadline=date(2020, 12, 31),
        owner_department=b.department,
    )
    b.item = work_item_create(
        actor=b.users[Role.SUPERVISOR],
        project=b.project,
        code="jd1",
        name="乾潭段征地拆迁",
        duration_days=60,
        town=b.town,
        owner_department=b.department,
    )


# --- city A: what the walk names -----------------------------------------------------


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def a_extras(city: City) -> dict:
    """Rows of A the demo lacks but a route names: a site photo, an evidence file, a
    draft bulletin, a notice, an estimate, a 大屏 token, a piece of press evidence, an
    answer to a notice (整改反馈) with its file."""
    from guatu.baselines.models import Adjustment, AdjustmentFile
    from guatu.intake.models import Evidence
    from guatu.notify.models import Notice
    from guatu.org.models import CalendarException
    from guatu.progress.models import ProgressReport, ReportPhoto
    from guatu.projects.models import WorkItem
    from guatu.risk.estimates import estimate_set
    from guatu.screens.services import screen_token_create
    from guatu.supervision.models import EscalationEvent, NoticeReply, NoticeReplyFile
    from guatu.supervision.services import bulletin_draft

    supervisor = User.objects.get(username="supervisor")
    report = ProgressReport.objects.filter(work_item__project__city=city).order_by("-pk").first()
    photo = ReportPhoto(report=report, content_type="image/jpeg", size=100, width=64, height=48)
    photo.image.save("a-site.jpg", ContentFile(jpeg_bytes()), save=False)
    photo.thumbnail.save("a-site-thumb.jpg", ContentFile(jpeg_bytes()), save=False)
    photo.display.save("a-site-display.jpg", ContentFile(jpeg_bytes()), save=False)
    photo.save()
    adjustment = Adjustment.objects.filter(project__city=city).order_by("pk").first()
    evidence_file = AdjustmentFile(
        adjustment=adjustment,
        name="永康征迁协议.pdf",
        content_type="application/pdf",
        size=20,
        uploaded_by=adjustment.proposed_by,
    )
    evidence_file.file.save("a-evidence.pdf", ContentFile(b"%PDF-1.4 isolation\n"), save=False)
    evidence_file.save()
    bulletin = bulletin_draft(actor=supervisor, city=city, period_text="2019-11")
    notice = Notice.objects.create(
        recipient=supervisor,
        kind=Notice._meta.get_field("kind").choices[0][0],
        title="永康督办提醒（隔离测试）",
        body="永康市重点办提醒：石柱镇请按期填报。",
        url=f"/items/{report.work_item_id}/",
        event="isolation-walk",
    )
    item = (
        WorkItem.objects.filter(project__city=city, project__baselines__isnull=False)
        .exclude(kind=WorkItem.Kind.MILESTONE)
        .order_by("pk")
        .first()
    )
    estimate_set(
        actor=supervisor,
        item=item,
        optimistic=Decimal(5),
        most_likely=Decimal(8),
        pessimistic=Decimal(13),
    )
    screen, token = screen_token_create(actor=supervisor, name="永康指挥中心大屏")
    Evidence.objects.create(
        project=report.work_item.project,
        source="永康日报",
        issue_date=TODAY,
        kind="quantity",
        text="永康隔离证据",
        value="1",
        quote="永康隔离证据原文",
        accepted_by=supervisor,
    )
    CalendarException.objects.create(
        city=city, date=date(2019, 12, 28), working=True, note="永康调休上班（隔离测试）"
    )
    rung = EscalationEvent.objects.filter(work_item__project__city=city).order_by("pk").first()
    answer = NoticeReply.objects.create(
        escalation=rung,
        text="永康整改反馈（隔离测试）",
        created_by=User.objects.filter(town=rung.town).first() or supervisor,
    )
    answer_file = NoticeReplyFile(reply=answer, name="永康整改报告.pdf", size=20)
    answer_file.file.save("a-answer.pdf", ContentFile(b"%PDF-1.4 isolation\n"), save=False)
    answer_file.save()
    return {
        "photo": photo.pk,
        "adjustment_file": evidence_file.pk,
        "reply_file": answer_file.pk,
        "bulletin": bulletin.pk,
        "notice": notice.pk,
        "estimate_item": item.pk,
        "screen": screen.pk,
        "screen_token": token,
    }


def investment_ids(city: City, office: User) -> dict[str, list]:
    """A city's 投资调度 ids a route names: reports (one waiting with a check open, one
    reviewed), checks (open, cleared), a report with its 形象进度确认单, the year. The demo
    has them for A; a city without them (B) is given one project's months here, through
    the services, as its units and office would."""
    from guatu.investment.models import CheckFlag, MonthlyReport, MonthPhoto
    from guatu.investment.services import (
        MonthFigures,
        flag_clear,
        monthly_review,
        monthly_submit,
        plan_set,
    )
    from guatu.projects.models import Project

    reports = MonthlyReport.everywhere.filter(project__city=city)
    if not reports.exists():
        project = Project.everywhere.filter(city=city).order_by("pk").first()
        plan_set(actor=office, project=project, year=2019, amount=Decimal(1000))
        reviewed = monthly_submit(
            actor=office,
            project=project,
            year=2019,
            month=9,
            figures=MonthFigures(amount=Decimal(800)),  # above half the plan, not 入库
            confirmation=ContentFile(jpeg_bytes(), name="isolation-confirm.jpg"),  # a scan
            today=TODAY,
        )
        for flag in reviewed.flags.all():
            flag_clear(actor=office, flag=flag, note="隔离测试核实")
        monthly_review(actor=office, report=reviewed, approve=True)
        monthly_submit(
            actor=office,
            project=project,
            year=2019,
            month=10,
            figures=MonthFigures(amount=Decimal(-10)),  # 核减: a check raised, waiting
            today=TODAY,
        )
    flags = CheckFlag.everywhere.filter(report__project__city=city)
    waiting = reports.filter(superseded_by__isnull=True, review__isnull=True)
    report = (
        waiting.filter(flags__cleared_at__isnull=True).order_by("pk").first()
        or waiting.order_by("pk").first()
    )
    confirmed = reports.exclude(confirmation="").order_by("pk").first()
    storage = confirmed.confirmation.storage
    if not storage.exists(confirmed.confirmation.name):
        # The demo's rows are written again for each module, its files are not: the file
        # goes back where the row says it is (the row itself is history, never updated).
        storage.save(confirmed.confirmation.name, ContentFile(jpeg_bytes()))
    photo = MonthPhoto(report=report, content_type="image/jpeg", size=100, width=64, height=48)
    for attr in ("image", "thumbnail", "display"):
        getattr(photo, attr).save(
            f"{city.pk}-month-{attr}.jpg", ContentFile(jpeg_bytes()), save=False
        )
    photo.save()
    return {
        "investment_report": _distinct(
            report, reports.filter(review__isnull=False).order_by("pk").first()
        ),
        "investment_photo": [photo.pk],
        "investment_check": _distinct(
            flags.filter(cleared_at__isnull=True).order_by("pk").first(),
            flags.filter(cleared_at__isnull=False).order_by("pk").first(),
        ),
        "investment_confirmation": [confirmed.pk],
        "investment_year": [2019],
    }


def a_ids(city: City, extras: dict) -> dict[str, list]:
    """A handful of A's ids of every kind a route names, chosen to differ in state
    (open and settled, draft and decided); the walk fills each route with each."""
    from guatu.baselines.models import Adjustment, Baseline
    from guatu.notify.models import Robot
    from guatu.parks.models import Application, Park
    from guatu.progress.models import Blocker, ProgressReport
    from guatu.projects.models import Project, WorkItem
    from guatu.public.models import Approval
    from guatu.supervision.models import Bulletin, EscalationEvent

    baseline = Baseline.objects.filter(project__city=city).order_by("pk").first()
    blockers = Blocker.objects.filter(work_item__project__city=city)
    adjustments = Adjustment.objects.filter(project__city=city)
    blocker_item = blockers.filter(status="open").order_by("pk").first() or blockers.first()
    projects = [baseline.project.code]
    other = Project.objects.filter(city=city).exclude(code__in=projects).order_by("code").first()
    projects.append(other.code)
    items = [extras["estimate_item"], blocker_item.work_item_id]
    pending = adjustments.filter(status__in=["pending", "reviewed"]).order_by("pk").first()
    if pending is not None:
        items.append(pending.work_item_id)
    reports = ProgressReport.objects.filter(work_item__project__city=city)
    park = Park.objects.filter(city=city).order_by("pk").first()
    application = Application.objects.filter(park=park).order_by("pk").first()
    unit = park.units.order_by("pk").first()
    ids = {
        "project": projects,
        "item": list(dict.fromkeys(items)),
        "report": [reports.order_by("pk").first().pk, reports.order_by("-pk").first().pk],
        "blocker": _distinct(
            blockers.filter(status="open").order_by("pk").first(),
            blockers.exclude(status="open").order_by("pk").first(),
        ),
        "adjustment": _distinct(
            pending, adjustments.exclude(status__in=["pending", "reviewed"]).first()
        ),
        "adjustment_file": [extras["adjustment_file"]],
        "reply_file": [extras["reply_file"]],
        "bulletin": _distinct(
            Bulletin.objects.get(pk=extras["bulletin"]),
            Bulletin.objects.filter(city=city, status="published").first(),
        ),
        "escalation": _distinct(
            EscalationEvent.objects.filter(work_item__project__city=city).order_by("pk").first()
        ),
        "park": [park.code],
        "application": [application.pk],
        "unit": [unit.code if unit else "A-01"],
        "notice": [extras["notice"]],
        "robot": _distinct(Robot.objects.filter(city=city).order_by("pk").first()),
        "town": [Town.objects.get(city=city, name="石柱镇").pk],
        "department": [Department.objects.get(city=city, name="市交通运输局").pk],
        "photo": [extras["photo"]],
        "screen": [extras["screen"]],
        "screen_token": [extras["screen_token"]],
        "baseline": [baseline.number],
        "baseline_project": [baseline.project.code],
        "estimate_item": [extras["estimate_item"]],
        "estimate_project": [WorkItem.objects.get(pk=extras["estimate_item"]).project.code],
        "user": [User.objects.get(username="supervisor").pk],
        "leader": [User.objects.get(username="leader").pk],
        # 交办单 (issue 34): an open problem's and a settled one's.
        "assigned_problem": _distinct(
            blockers.filter(number__isnull=False, status="open").order_by("pk").first(),
            blockers.filter(number__isnull=False).exclude(status="open").order_by("pk").first(),
        ),
        **investment_ids(city, User.objects.get(username="supervisor")),
        "problem_file": [problem_file(city)],
        # 公开: the approvals the demo records for its public page, and the city's code.
        "public_approval": list(
            Approval.objects.filter(project__city=city)
            .order_by("pk")
            .values_list("pk", flat=True)[:2]
        ),
        "city_code": [city.code],
    }
    empty = [key for key, values in ids.items() if not values]
    assert not empty, f"the demo has no {empty} of A to name"
    return ids


def problem_file(city: City) -> int:
    """An evidence file of one of the city's problems: its 反馈 with a PDF, by its unit."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    from guatu.problems.models import ProblemFile
    from guatu.problems.services import problem_reply
    from guatu.progress.models import Blocker

    found = ProblemFile.objects.filter(step__blocker__work_item__project__city=city).first()
    if found is not None:
        return found.pk
    blocker = Blocker.objects.filter(
        work_item__project__city=city,
        status="open",
        number__isnull=False,
        owner_department__users__role="department",
    ).order_by("pk")[0]
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    data = io.BytesIO()
    writer.write(data)
    # The answer is its department's (the office verifies it; it does not give it).
    step = problem_reply(
        actor=User.objects.filter(role="department", department=blocker.owner_department)[0],
        blocker=blocker,
        text="隔离测试反馈",
        files=[SimpleUploadedFile("反馈.pdf", data.getvalue(), "application/pdf")],
    )
    return step.files.get().pk


def _distinct(*objects) -> list:
    return list(dict.fromkeys(o.pk for o in objects if o is not None))


def a_markers(city: City) -> list[str]:
    """Strings that only A's data contains: its name, towns, departments, projects,
    people, blockers' and reports' own words. B's names were chosen to share none."""
    from guatu.progress.models import Blocker, ProgressReport
    from guatu.projects.models import Project, WorkItem

    markers = {city.name, city.office_name, city.document_prefix}
    markers |= set(Town.objects.filter(city=city).values_list("name", flat=True))
    markers |= set(Department.objects.filter(city=city).values_list("name", flat=True))
    markers |= set(Project.objects.filter(city=city).values_list("name", flat=True))
    # A's 前期 items are named after the 前期 template, the code's own text that every
    # city's template page shows (core.prework.DEFAULT): not A's data.
    items = WorkItem.objects.filter(project__city=city, prework_code="")
    markers |= {name for name in items.values_list("name", flat=True) if len(name) >= 6}
    markers |= set(
        Blocker.objects.filter(work_item__project__city=city).values_list("description", flat=True)
    )
    notes = ProgressReport.objects.filter(work_item__project__city=city).values_list(
        "note", flat=True
    )
    markers |= {note for note in notes if len(note) >= 8}
    markers |= {"（演示）", "永康督办提醒", "永康指挥中心大屏", "永康隔离证据"}
    markers = {m for m in markers if m and len(m) >= 3}
    b_text = " ".join(
        [*(str(v) for v in B_CITY.values()), *(t for t, *_ in B_TOWNS), *map(str, B_VILLAGES)]
        + [f"{d} {s}" for d, s in B_DEPARTMENTS]
        + [" ".join(u) for u in B_USERS.values()]
        + list(B_PROJECT)
    )
    clash = sorted(m for m in markers if m in b_text)
    assert not clash, f"B's names contain A's {clash}: choose others"
    return sorted(markers)


# --- instruments -------------------------------------------------------------------------

#: Written by every request, or by reading: left out of "nothing written".
UNWATCHED_TABLES = ("django_session", "audit_auditentry")
UNWATCHED_COLUMNS = {
    "accounts_user": {"last_login"},  # signing in
    "accounts_apitoken": {"last_used_at"},  # using a token
    "screens_screentoken": {"last_seen_at"},  # a 大屏 showing
}


def unwatched(table: str) -> bool:
    return table in UNWATCHED_TABLES or "cache" in table or "throttle" in table


def db_fingerprint() -> dict[str, str]:
    """Every table's rows (less the unwatched ones and columns), hashed: table → digest."""
    prints = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if unwatched(table):
                continue
            columns = [
                c.name
                for c in connection.introspection.get_table_description(cursor, table)
                if c.name not in UNWATCHED_COLUMNS.get(table, ())
            ]
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            prints[table] = f"{len(rows)}:{hashlib.sha256(repr(rows).encode()).hexdigest()[:16]}"
    return prints


def owned_rows(city: City, users: set[int]) -> dict[type, set]:
    """The pks of every row that belongs to *city*: its own, its *users*, and every row
    that points at one of them (followed until nothing more is found)."""
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m not in (City, User) and not unwatched(m._meta.db_table)
    ]
    owned: dict[type, set] = {City: {city.pk}, User: set(users)}
    changed = True
    while changed:
        changed = False
        for model in models:
            query = Q()
            for f in model._meta.concrete_fields:
                if f.is_relation and owned.get(f.related_model):
                    query |= Q(**{f"{f.attname}__in": owned[f.related_model]})
            if not query:
                continue
            pks = set(model._base_manager.filter(query).values_list("pk", flat=True))
            if pks != owned.get(model, set()):
                owned[model] = pks
                changed = True
    return owned


def owned_fingerprint(city: City, users: set[int]) -> dict[str, str]:
    """Each of *city*'s tables, hashed over the rows that belong to it: label → digest."""
    prints = {}
    for model, pks in owned_rows(city, users).items():
        skip = UNWATCHED_COLUMNS.get(model._meta.db_table, ())
        columns = [f.attname for f in model._meta.concrete_fields if f.column not in skip]
        rows = sorted(
            repr(row) for row in model._base_manager.filter(pk__in=pks).values_list(*columns)
        )
        prints[model._meta.label] = (
            f"{len(rows)}:{hashlib.sha256(repr(rows).encode()).hexdigest()[:16]}"
        )
    return prints


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


_WRITE = re.compile(
    r"^\s*(INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
_SET_COLUMNS = re.compile(r"[\"`](\w+)[\"`]\s*=")


@dataclass
class Writes:
    """A database wrapper that notes every write but the unwatched ones: (table, verb)."""

    seen: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):
        match = _WRITE.match(sql)
        if match:
            verb, table = match[1].split()[0].upper(), match[2]
            if not unwatched(table) and not self._only_unwatched_columns(verb, table, sql):
                self.seen.append((table, verb))
        return execute(sql, params, many, context)

    @staticmethod
    def _only_unwatched_columns(verb: str, table: str, sql: str) -> bool:
        if verb != "UPDATE" or table not in UNWATCHED_COLUMNS:
            return False
        head = re.split(r"\bWHERE\b", sql, maxsplit=1, flags=re.IGNORECASE)[0]
        columns = set(_SET_COLUMNS.findall(head.split("SET", 1)[-1]))
        return bool(columns) and columns <= UNWATCHED_COLUMNS[table]


def response_text(response) -> str:
    """What a person would read in *response*: HTML and JSON as text (JSON's \\u escapes
    undone), and the words inside an xlsx, docx or pdf."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                parts = [
                    archive.read(name).decode("utf-8", "replace")
                    for name in archive.namelist()
                    if name.endswith((".xml", ".rels"))
                ]
            return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(parts)))
        except zipfile.BadZipFile:
            pass
    if body[:5] == b"%PDF-":
        try:
            from pypdf import PdfReader

            return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
        except Exception as error:  # an unreadable PDF is named, not hidden
            return f"<unreadable pdf: {error}>"
    text = body.decode("utf-8", "replace")
    if "json" in response.get("Content-Type", ""):
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return html.unescape(text)


def day(offset: int = 0) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()
