"""A new city from one sheet: the template filled in, checked cell by cell, created all at
once; users change their handed-out password at the first sign-in; a whole city's ledger
export, imported into an empty database, gives back the same export."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from guatu.accounts.models import Role, User
from guatu.audit.context import Origin, current_origin
from guatu.audit.models import AuditEntry
from guatu.demo.build import demo_build
from guatu.ledger.city_setup import city_init
from guatu.ledger.exporting import ledger_workbook, organisation_workbook
from guatu.ledger.new_city import ledger_import_new_city
from guatu.org.models import CalendarException, City, Department, Town, Village
from guatu.progress.models import StatusRuleSet

pytestmark = pytest.mark.django_db


def workbook_with(edits) -> io.BytesIO:
    """The template with *edits* ({sheet: {cell: value}}) applied."""
    book = load_workbook(io.BytesIO(organisation_workbook()))
    for sheet, cells in edits.items():
        for cell, value in cells.items():
            book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_the_template_filled_in_makes_a_city(tmp_path):
    template = tmp_path / "org.xlsx"
    call_command("city", "template", str(template))
    passwords = tmp_path / "first.csv"
    call_command("city", "init", str(template), "--passwords", str(passwords))
    city = City.objects.get(name="示例市")
    assert (city.code, city.time_zone, city.office_name) == (
        "339999",
        "Asia/Shanghai",
        "示例市重点项目建设管理办公室",
    )
    assert list(Town.objects.filter(city=city).values_list("name", "kind", "order")) == [
        ("石柱镇", "town", 1),
        ("江南街道", "subdistrict", 2),
        ("经济开发区", "zone", 3),
    ]
    assert Village.objects.filter(town__city=city).count() == 2
    assert Department.objects.filter(city=city).count() == 2
    town_user = User.objects.get(username="shizhu_wang")
    assert (town_user.role, town_user.town.name, town_user.must_change_password) == (
        Role.TOWN,
        "石柱镇",
        True,
    )
    assert User.objects.get(username="zhang_wei").is_staff
    rules = StatusRuleSet.objects.get(city=city)
    assert (rules.version, rules.yellow_lag, rules.red_lag, rules.created_by.username) == (
        1,
        10,
        30,
        "zhang_wei",
    )
    exception = CalendarException.objects.get(city=city)
    assert (exception.date.isoformat(), exception.working) == ("2026-02-14", True)
    rows = passwords.read_text(encoding="utf-8-sig").splitlines()
    assert (len(rows) == 5 and rows[0].startswith("登录名")) or rows[0].startswith("用户名")
    assert oct(passwords.stat().st_mode & 0o777) == "0o600"
    login, _name, password = rows[3].split(",")
    assert User.objects.get(username=login).check_password(password)
    assert AuditEntry.objects.filter(action="city_init", target_id=str(city.pk)).exists()


def test_every_problem_is_named_at_its_cell_and_nothing_is_written():
    User.objects.create(username="li_na", role=Role.LEADER)
    source = workbook_with(
        {
            "城市": {"B3": "33x", "C3": "Mars/Olympus"},
            "镇街区": {"A4": "石柱镇", "B5": "村"},
            "行政村": {"A4": "象珠镇"},
            "用户": {"C4": "市长", "D5": "", "E6": "不存在局", "F3": "not-an-email"},
            "亮灯规则": {"C3": 40},
            "日历调整": {"B3": "也许"},
        }
    )
    result = city_init(source=source, name="org.xlsx")
    found = {(p.sheet, p.row, p.column) for p in result.problems}
    assert found >= {
        ("城市", 3, "B（行政区划代码）"),
        ("城市", 3, "C（时区）"),
        ("镇街区", 4, "A（镇街区名称）"),
        ("镇街区", 5, "B（类型）"),
        ("行政村", 4, "A（所属镇街区）"),
        ("用户", 3, "F（邮箱）"),
        ("用户", 4, "A（登录名）"),
        ("用户", 4, "C（角色）"),
        ("用户", 5, "D（所属镇街区）"),
        ("用户", 6, "E（所属部门）"),
        ("亮灯规则", 3, "D（红灯（欠序时百分点））"),
        ("日历调整", 3, "B（上班）"),
    }, found
    text = "\n".join(str(p) for p in result.problems)
    assert (
        "应为 6、9 或 12 位" in text and "该登录名已被使用" in text and "首次出现在第 3 行" in text
    )
    assert not result.written and not City.objects.exists() and not Town.objects.exists()
    with pytest.raises(CommandError):
        call_command("city", "init", "/no/such/file.xlsx")


def test_a_first_sign_in_must_change_the_password():
    result = city_init(source=workbook_with({}), name="org.xlsx")
    login, _name, password = next(row for row in result.passwords if row[0] == "shizhu_wang")
    client = Client()
    assert client.post("/login/", {"username": login, "password": password}).status_code == 302
    assert client.get("/my/")["Location"] == "/password/?first=1"
    assert client.get("/projects/")["Location"] == "/password/?first=1"
    page = client.get("/password/?first=1")
    assert "首次登录" in page.text
    changed = client.post(
        "/password/",
        {
            "old_password": password,
            "new_password1": "石柱镇-2026-新密码",
            "new_password2": "石柱镇-2026-新密码",
        },
    )
    assert changed.status_code == 302
    assert not User.objects.get(username=login).must_change_password
    assert client.get("/my/").status_code == 200


def test_only_the_system_administrator_opens_the_setup_page(users):
    template = organisation_workbook()
    for role in ("leader", "supervisor", "department", "town"):
        client = Client()
        client.force_login(users[role])
        assert client.get("/setup/city/").status_code == 403, role
        upload = io.BytesIO(template)
        upload.name = "org.xlsx"
        answer = client.post("/setup/city/", {"workbook": upload, "action": "create"})
        assert answer.status_code == 403, role
    assert not City.objects.filter(name="示例市").exists()
    admin = Client()
    admin.force_login(users["admin"])
    assert admin.get("/setup/city/template.xlsx").status_code == 200
    upload = io.BytesIO(template)
    upload.name = "org.xlsx"
    checked = admin.post("/setup/city/", {"workbook": upload, "action": "check"})
    assert checked.status_code == 200 and "未发现问题" in checked.text
    assert not City.objects.filter(name="示例市").exists()
    upload = io.BytesIO(template)
    upload.name = "org.xlsx"
    created = admin.post("/setup/city/", {"workbook": upload, "action": "create"})
    assert created.status_code == 200 and "示例市 已建立" in created.text
    assert created.text.count("<code>") == 4  # each first password, shown once
    again = io.BytesIO(template)
    again.name = "org.xlsx"
    refused = admin.post("/setup/city/", {"workbook": again, "action": "create"})
    assert refused.status_code == 422 and "已有同名城市" in refused.text


def test_a_city_exported_and_imported_into_an_empty_database_exports_the_same(demo_copy):
    exported = demo_copy["export"]
    setup, result = ledger_import_new_city(source=io.BytesIO(exported), name="yongkang.xlsx")
    assert setup.written and result.ok, (setup.problems, result.problems)
    again = ledger_workbook(city=City.objects.get())
    first = CalamineWorkbook.from_filelike(io.BytesIO(exported))
    second = CalamineWorkbook.from_filelike(io.BytesIO(again))
    assert first.sheet_names == second.sheet_names
    for name in first.sheet_names:
        rows = first.get_sheet_by_name(name).to_python()
        assert rows == second.get_sheet_by_name(name).to_python(), name
    assert setup.counts["users"] == User.objects.count() > 20


def test_a_dry_run_or_a_wrong_ledger_leaves_the_empty_database_empty(demo_copy):
    setup, result = ledger_import_new_city(
        source=io.BytesIO(demo_copy["export"]), name="x.xlsx", dry_run=True
    )
    assert result.ok and not setup.written and not City.objects.exists()
    book = load_workbook(io.BytesIO(demo_copy["export"]))
    book["工作事项"]["A3"] = "NO-SUCH-PROJECT"
    broken = io.BytesIO()
    book.save(broken)
    setup, result = ledger_import_new_city(source=io.BytesIO(broken.getvalue()), name="x.xlsx")
    assert not result.ok and not setup.written
    assert not City.objects.exists() and not User.objects.exists()


@pytest.fixture(scope="module")
def demo_copy(django_db_setup, django_db_blocker):
    """The demo city's whole ledger export, made in a transaction rolled back at once."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_build()
        exported = ledger_workbook(city=City.objects.get())
        transaction.set_rollback(True)
    return {"export": exported}


@pytest.mark.parametrize("role", ["supervisor", "leader", "town", "department"])
def test_only_the_administrator_sets_up_a_city(role, users):
    """city_init checks the role itself: a caller that skipped the page's check is refused."""
    before = City.objects.count()
    with pytest.raises(PermissionDenied):
        city_init(source=workbook_with({}), name="org.xlsx", actor=users[role])
    assert City.objects.count() == before
    assert AuditEntry.objects.filter(action="city_init", allowed=False).count() == 1


def test_a_request_without_a_user_is_no_operator(users):
    """No user is the command line's operator only on the command line, not in a request."""
    token = current_origin.set(Origin("web", "127.0.0.1"))
    try:
        with pytest.raises(PermissionDenied):
            city_init(source=workbook_with({}), name="org.xlsx")
    finally:
        current_origin.reset(token)
    result = city_init(source=workbook_with({}), name="org.xlsx", actor=users["admin"])
    assert result.written


def test_townships_ethnic_townships_short_names_and_mobiles_are_what_a_county_writes():
    """兰溪 had to file 柏社乡 and 水亭畲族乡 as 镇, its users' departments in full, and
    had nowhere for a 手机号 (issue 29)."""
    book = workbook_with(
        {
            "城市": {"A3": "兰溪市", "B3": "330781"},
            "镇街区": {"A4": "柏社乡", "B4": "乡", "A5": "水亭畲族乡", "B5": "畲族乡"},
            "用户": {"G3": "138-0000-0001", "G5": "+8613800000002", "E6": "交通局"},
        }
    )
    result = city_init(source=book)
    assert not result.problems, [str(p) for p in result.problems]
    city = City.objects.get(name="兰溪市")
    assert dict(Town.objects.filter(city=city).values_list("name", "kind")) == {
        "石柱镇": "town",
        "柏社乡": "township",
        "水亭畲族乡": "ethnic",
    }
    users = {u.username: u for u in User.objects.filter(city=city)}
    assert users["jiaotong_liu"].department.name == "示例市交通运输局"
    assert (users["zhang_wei"].mobile, users["shizhu_wang"].mobile) == (
        "13800000001",
        "13800000002",
    )
    # Every user of the new city is in it, and nobody is made a superuser.
    assert len(users) == 4 and not any(u.is_superuser for u in users.values())
    assert users["zhang_wei"].groups.filter(name="role:supervisor").exists()
    exported = load_workbook(io.BytesIO(organisation_workbook(city=city)))
    header = [cell.value for cell in exported["用户"][2]]
    assert "手机号" in header
    kinds = {row[0]: row[1] for row in exported["镇街区"].iter_rows(min_row=3, values_only=True)}
    assert kinds["水亭畲族乡"] == "民族乡" and kinds["柏社乡"] == "乡"


def test_a_wrong_kind_or_mobile_is_named_at_its_cell():
    book = workbook_with({"镇街区": {"B4": "村"}, "用户": {"G3": "12345"}})
    result = city_init(source=book)
    text = "\n".join(str(p) for p in result.problems)
    assert "镇街区" in text and "乡" in text and "手机号" in text and "11" in text
    assert not City.objects.filter(name="示例市").exists()


def test_a_first_password_never_starts_like_a_formula():
    """Seen in CI: a password beginning with "-" went into the CSV as "'-…" (the formula
    guard), and the person typing what they read could not sign in."""
    from guatu.ledger.city_setup import initial_password

    assert not any(initial_password()[0] in "-+=@_" for _ in range(3000))
