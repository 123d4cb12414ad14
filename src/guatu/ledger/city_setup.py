"""A new city from one sheet: the organisation workbook, all of it or nothing.

The workbook (``guatu.core.ledger.organisation``) names the city, its 镇街区
and 行政村, its departments and its users. Like the ledger, the whole file is
checked first and every problem reported at its sheet, row and column; with
any problem nothing is written. Users get a random first password each,
shown once to whoever ran the setup, and must change it when they first sign
in.
"""

import re
import secrets
import zoneinfo
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from guatu.access import can_set_up_city, require
from guatu.accounts.models import Role, User
from guatu.accounts.roles import role_group_name
from guatu.audit.services import audit_record
from guatu.core.geo.measure import extent
from guatu.core.geo.shapes import GeoError, geometry_checked
from guatu.core.geo.text import KEEP, geometry_from_text
from guatu.core.ledger.cells import parse_bool, parse_number, plain_text
from guatu.core.ledger.columns import SheetSpec
from guatu.core.ledger.organisation import (
    CITY,
    DEPARTMENTS,
    ORG_SHEETS,
    ROLE_NAMES,
    TOWNS,
    USERS,
    town_kind,
)
from guatu.core.ledger.workbook import Table
from guatu.errors import translate
from guatu.ledger.checking import (
    MAX_PROBLEMS,
    CellChecker,
    TooManyProblems,
    sheets_read,
    source_name,
)
from guatu.ledger.layout import NOTES_SHEET
from guatu.ledger.problems import Problem
from guatu.org.models import CalendarException, City, Department, Town, Village
from guatu.progress.models import StatusRuleSet

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
DIVISION_CODE = re.compile(r"^\d{6}(\d{3}){0,2}$")
DEFAULT_ZONE = "Asia/Shanghai"


@dataclass
class CityInit:
    file: str
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    city: City | None = None
    counts: dict[str, int] = field(default_factory=dict)
    #: (login, name, first password) for each user created — shown once, never stored.
    passwords: list[tuple[str, str, str]] = field(default_factory=list)
    written: bool = False


@dataclass
class _Plan:
    city: dict = field(default_factory=dict)
    towns: list[dict] = field(default_factory=list)
    villages: list[dict] = field(default_factory=list)
    departments: list[dict] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    rules: list[dict] = field(default_factory=list)
    calendar: list[dict] = field(default_factory=list)


def city_init(
    *,
    source: str | Path | IO[bytes],
    name: str | None = None,
    dry_run: bool = False,
    actor=None,
    others: tuple[SheetSpec, ...] = (),
) -> CityInit:
    """Check the organisation workbook in *source* and, unless *dry_run* or wrong, create it.

    *actor* is the signed-in administrator on the page; the command line
    runs as the machine's operator (``None``). *others* are sheets another
    step reads from the same file (a whole city's ledger): recognised, left alone.
    """
    require(can_set_up_city(actor), user=actor, action="city_init", target=None)
    file_name = source_name(source, name)
    result = CityInit(file=file_name, dry_run=dry_run)
    book = sheets_read(
        source,
        name=file_name,
        specs=ORG_SHEETS + others,
        problems=result.problems,
        notes=result.notes,
        quiet=(NOTES_SHEET,),
    )
    if book is None:
        return result
    tables = {spec.key: [t for t in book.tables if t.spec is spec] for spec in ORG_SHEETS}
    plan = _Plan()
    try:
        _check(tables, plan, result.problems)
    except TooManyProblems:
        result.notes.append(
            _("Checking stopped after %(count)d problems.") % {"count": MAX_PROBLEMS}
        )
    if result.problems or dry_run:
        result.counts = _counts(plan)
        return result
    with transaction.atomic():
        result.city, result.passwords = _write(plan)
        result.counts = _counts(plan)
        audit_record(
            user=actor, action="city_init", target=result.city,
            detail={"file": file_name, **result.counts},
        )  # fmt: skip
    result.written = True
    return result


def _counts(plan: _Plan) -> dict[str, int]:
    return {
        "towns": len(plan.towns),
        "villages": len(plan.villages),
        "departments": len(plan.departments),
        "users": len(plan.users),
        "rules": len(plan.rules),
        "calendar": len(plan.calendar),
    }


def _check(tables: dict[str, list[Table]], plan: _Plan, problems: list[Problem]) -> None:
    """Check every sheet into *plan*, noting each problem at its cell; a bad 城市 stops it."""
    if not _check_city(tables["city"], plan, problems):
        return
    towns = _check_towns(tables["towns"], plan, problems)
    _check_villages(tables["villages"], towns, plan, problems)
    departments = _check_departments(tables["departments"], plan, problems)
    _check_users(tables["users"], towns, departments, plan, problems)
    _check_rules(tables["rules"], plan, problems)
    _check_calendar(tables["calendar"], plan, problems)
    _check_numbers(tables["numbers"], plan, problems)
    for spec in (TOWNS, DEPARTMENTS, USERS):
        if not tables[spec.key]:
            problems.append(
                Problem(spec.title, None, None, "",
                        _("the workbook needs a “%(sheet)s” sheet.") % {"sheet": spec.title})
            )  # fmt: skip


def _check_city(tables: list[Table], plan: _Plan, problems: list[Problem]) -> bool:
    """The city's one row: a new name and division code, a known time zone.

    Return False when there is no such row (nothing else can be checked then).
    """
    if not tables:
        problems.append(
            Problem(CITY.title, None, None, "", _("the workbook needs a “城市” sheet."))
        )
        return False
    rows = [(table, number, row) for table in tables for number, row in table.rows]
    if len(rows) != 1:
        problems.append(
            Problem(CITY.title, None, None, "", _("the “城市” sheet must have exactly one row."))
        )
        return False
    table, number, row = rows[0]
    check = CellChecker(table, problems, None)
    check.start(number, row)
    city = {
        "name": check.text("name", max_length=50, required=True),
        "code": plain_text(check.raw("code")),
        "time_zone": check.text("time_zone", max_length=40) or DEFAULT_ZONE,
        "office_name": check.text("office_name", max_length=60),
        "document_prefix": check.text("document_prefix", max_length=20),
        "status_date": check.date("status_date"),
    }
    if not DIVISION_CODE.match(city["code"]):
        check.fail("code", _("expected a GB/T 2260 division code of 6, 9 or 12 digits."))
    if city["time_zone"] not in zoneinfo.available_timezones():
        check.fail("time_zone", _("expected a time zone such as Asia/Shanghai."))
    # Names, codes and logins are unique across the deployment: checked against every city.
    if city["name"] and City.everywhere.filter(name=city["name"]).exists():
        check.fail("name", _("a city of this name already exists."))
    if city["code"] and City.everywhere.filter(code=city["code"]).exists():
        check.fail("code", _("a city with this code already exists."))
    plan.city = city
    return True


def _check_towns(tables: list[Table], plan: _Plan, problems: list[Problem]) -> dict[str, int]:
    """The 镇街区, each once; return the row of each name."""
    towns: dict[str, int] = {}
    outlines: list[tuple[CellChecker, int, Any, dict]] = []
    for table in tables:
        check = CellChecker(table, problems, None)
        for number, row in table.rows:
            check.start(number, row)
            name = check.text("name", max_length=50, required=True)
            kind = town_kind(plain_text(check.raw("kind")))
            if kind is None:
                check.fail("kind", _("expected 镇, 乡, 民族乡, 街道 or 开发区."))
            order = _order(check, default=len(towns) + 1)
            geometry = None
            if check.has("geometry"):
                try:
                    geometry = geometry_from_text(plain_text(check.raw("geometry")), keep=True)
                except GeoError as error:
                    check.fail("geometry", translate(error))
                if geometry is KEEP:  # exported too long for a cell: upload it as a map file
                    geometry = None
            if name in towns:
                check.fail("name", _("this 镇街区 is listed twice (first in row %(row)d).")
                           % {"row": towns[name]})  # fmt: skip
            elif name:
                towns[name] = number
                town = {"name": name, "kind": kind or "town", "order": order, "geometry": geometry}
                plan.towns.append(town)
                if geometry is not None:
                    outlines.append((check, number, row, geometry))
    _check_outlines_together(outlines)
    return towns


def _check_outlines_together(outlines: list[tuple[CellChecker, int, Any, dict]]) -> None:
    """The towns' outlines lie near one another: each near the middle of them all (a town of
    another city, or longitude and latitude swapped in one row, is named at its cell)."""
    box = extent(geometry for _c, _n, _r, geometry in outlines)
    if box is None:
        return
    middle = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    for check, number, row, geometry in outlines:
        try:
            geometry_checked(geometry, seat=middle)
        except GeoError as error:
            check.start(number, row)
            check.fail("geometry", translate(error))


def _check_villages(
    tables: list[Table], towns: dict[str, int], plan: _Plan, problems: list[Problem]
) -> None:
    """The 行政村, each once in a 镇街区 of the workbook."""
    seen: dict[tuple[str, str], int] = {}
    for table in tables:
        check = CellChecker(table, problems, None)
        for number, row in table.rows:
            check.start(number, row)
            town = check.text("town", max_length=50, required=True)
            name = check.text("name", max_length=50, required=True)
            if town and town not in towns:
                check.fail("town", _("no such 镇街区 on the “镇街区” sheet."))
            elif (town, name) in seen:
                check.fail("name", _("this 行政村 is listed twice (first in row %(row)d).")
                           % {"row": seen[(town, name)]})  # fmt: skip
            elif town and name:
                seen[(town, name)] = number
                plan.villages.append({"town": town, "name": name})


def _check_departments(tables: list[Table], plan: _Plan, problems: list[Problem]) -> dict[str, int]:
    """The departments, each once; return the row of each name."""
    departments: dict[str, int] = {}
    for table in tables:
        check = CellChecker(table, problems, None)
        for number, row in table.rows:
            check.start(number, row)
            name = check.text("name", max_length=80, required=True)
            short = check.text("short_name", max_length=20)
            if name in departments:
                check.fail("name", _("this department is listed twice (first in row %(row)d).")
                           % {"row": departments[name]})  # fmt: skip
            elif name:
                departments[name] = number
                plan.departments.append({"name": name, "short_name": short})
    return departments


def _check_users(
    tables: list[Table],
    towns: dict[str, int],
    departments: dict[str, int],
    plan: _Plan,
    problems: list[Problem],
) -> None:
    """The users: a free login each, a known role, the 镇街区 or department it needs.

    At least one of them must be able to run the city (督查办 or 系统管理员).
    """
    logins: dict[str, int] = {}
    short_counts = Counter(d["short_name"] for d in plan.departments if d["short_name"])
    short_names = {
        d["short_name"]: d["name"]
        for d in plan.departments
        if d["short_name"]
        and short_counts[d["short_name"]] == 1
        and d["short_name"] not in departments
    }
    for table in tables:
        check = CellChecker(table, problems, None)
        for number, row in table.rows:
            check.start(number, row)
            username = check.text("username", max_length=150, required=True)
            if username:
                _check_login(check, username, number, logins)
            role_text = check.text("role", max_length=20, required=True)
            role = ROLE_NAMES.get(role_text.lower()) if role_text else None
            if role_text and role is None:
                check.fail("role", _("expected 市领导, 督查办, 部门, 镇街区 or 系统管理员."))
            town = check.text("town", max_length=50)
            department = check.text("department", max_length=80)
            # A department may be named by its short name (交通局), as everywhere else.
            department = short_names.get(department, department)
            _check_user_place(check, role, town, department, towns, departments)
            email = check.text("email", max_length=254)
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    check.fail("email", _("expected an email address."))
            mobile = re.sub(r"[\s-]", "", check.text("mobile", max_length=20))
            if mobile.startswith("+86"):
                mobile = mobile[3:]
            if mobile and not MOBILE.match(mobile):
                check.fail("mobile", _("expected an 11-digit mobile number such as 13800000000."))
            if check.ok:
                plan.users.append(
                    {
                        "username": username,
                        "full_name": check.text("full_name", max_length=50),
                        "role": role,
                        "town": town,
                        "department": department,
                        "email": email,
                        "mobile": mobile,
                    }
                )
    if plan.users and not any(u["role"] in (Role.SUPERVISOR, Role.ADMIN) for u in plan.users):
        problems.append(
            Problem(
                USERS.title, None, None, "",
                _("name at least one 督查办 or 系统管理员 user: someone must run the city."),
            )
        )  # fmt: skip


_USERNAMES = UnicodeUsernameValidator()


def _check_login(check: CellChecker, username: str, number: int, logins: dict[str, int]) -> None:
    """A login of allowed characters, once in the workbook (any case) and not yet taken."""
    try:
        _USERNAMES(username)
    except ValidationError:
        check.fail("username", _("letters, digits and @ . + - _ only."))
    if username.lower() in logins:
        check.fail("username", _("this login is listed twice (first in row %(row)d).")
                   % {"row": logins[username.lower()]})  # fmt: skip
    elif User.everywhere.filter(username__iexact=username).exists():
        check.fail("username", _("this login is already taken."))
    logins.setdefault(username.lower(), number)


def _check_user_place(
    check: CellChecker,
    role: str | None,
    town: str,
    department: str,
    towns: dict[str, int],
    departments: dict[str, int],
) -> None:
    """A 镇街区 user names a 镇街区 of the workbook, a department user a department; no one else."""
    if role == Role.TOWN and not town:
        check.fail("town", _("a 镇街区 user must name their 镇街区."), "")
    if town and town not in towns:
        check.fail("town", _("no such 镇街区 on the “镇街区” sheet."))
    elif town and role != Role.TOWN:
        check.fail("town", _("only 镇街区 users belong to a 镇街区."))
    if role == Role.DEPARTMENT and not department:
        check.fail("department", _("a department user must name their department."), "")
    if department and department not in departments:
        check.fail("department", _("no such department on the “部门” sheet."))
    elif department and role != Role.DEPARTMENT:
        check.fail("department", _("only department users belong to a department."))


def _check_rules(tables: list[Table], plan: _Plan, problems: list[Problem]) -> None:
    """Lighting-rule versions (optional: without them the default thresholds apply)."""
    versions: dict[int, int] = {}
    for table in tables:
        check = CellChecker(table, problems, None)
        for number, row in table.rows:
            check.start(number, row)
            version = _order(check, default=0, key="version")
            valid_from = check.date("valid_from", required=True)
            yellow = check.cell("yellow_lag", parse_number, required=True)
            red = check.cell("red_lag", parse_number, required=True)
            window = _order(check, default=28, key="window_days")
            s_curve = check.cell("s_curve", parse_bool) or False
            reset_after = _order(check, default=1, key="ladder_reset_after")
            ladder_from = check.date("ladder_from")
            note = check.text("note", max_length=200)
            if version in versions:
                check.fail("version", _("this version is listed twice (first in row %(row)d).")
                           % {"row": versions[version]})  # fmt: skip
            versions.setdefault(version, number)
            if yellow is not None and red is not None and (yellow < 0 or red < yellow):
                check.fail("red_lag", _("The red threshold cannot be below the yellow one."))
            if window < 1:
                check.fail("window_days", _("Thresholds and the window must be positive."))
            if not 1 <= reset_after <= 12:
                check.fail(
                    "ladder_reset_after",
                    _("The ladder starts again after 1 to 12 periods out of the red."),
                )
            if check.ok:
                plan.rules.append(
                    {
                        "version": version,
                        "valid_from": valid_from,
                        "yellow_lag": yellow,
                        "red_lag": red,
                        "window_days": window,
                        "s_curve": s_curve,
                        "ladder_reset_after": reset_after,
                        "ladder_from": ladder_from,
                        "note": note,
                    }
                )


def _check_calendar(tables: list[Table], plan: _Plan, problems: list[Problem]) -> None:
    """The city's own working-day exceptions beyond the official calendar (optional)."""
    days: dict = {}
    for table in tables:
        check = CellChecker(table, problems, None)
        for number, row in table.rows:
            check.start(number, row)
            day = check.date("date", required=True)
            working = check.cell("working", parse_bool, required=True)
            note = check.text("note", max_length=100)
            if day in days:
                check.fail("date", _("this date is listed twice (first in row %(row)d).")
                           % {"row": days[day]})  # fmt: skip
            days.setdefault(day, number)
            if check.ok:
                plan.calendar.append({"date": day, "working": working, "note": note})


def _check_numbers(tables: list[Table], plan: _Plan, problems: list[Problem]) -> None:
    """The last bulletin number issued in each year (optional): numbering continues after it."""
    numbers: dict[str, int] = {}
    rows: dict[int, int] = {}
    for table in tables:
        check = CellChecker(table, problems, None)
        for number, row in table.rows:
            check.start(number, row)
            year = _order(check, default=0, key="year")
            if check.ok and not 1949 <= year <= 2999:
                check.fail("year", _("expected a year such as 2026."))
            before = len(problems)
            last = _order(check, default=0, key="last_number")
            if len(problems) == before and last < 1:
                check.fail("last_number", _("expected a whole number."))
            if year in rows:
                check.fail("year", _("this year is listed twice (first in row %(row)d).")
                           % {"row": rows[year]})  # fmt: skip
            rows.setdefault(year, number)
            if check.ok:
                numbers[str(year)] = last
    if numbers:
        plan.city["bulletin_numbers"] = numbers


def _order(check: CellChecker, *, default: int, key: str = "order") -> int:
    raw = plain_text(check.raw(key))
    if not raw:
        return default
    if not raw.isdigit() or int(raw) > 32767:
        check.fail(key, _("expected a whole number."))
        return default
    return int(raw)


def initial_password() -> str:
    """A first password to hand out: it never begins with a character a spreadsheet reads
    as a formula (a leading "-"), which the CSV of passwords would carry
    behind an apostrophe the person must not type."""
    while True:
        password = secrets.token_urlsafe(9)
        if password[0].isalnum():
            return password


def _hash(password: str) -> str:
    return make_password(password)


def _write(plan: _Plan) -> tuple[City, list[tuple[str, str, str]]]:
    city = City.objects.create(**plan.city)
    towns = {
        town.name: town
        for town in Town.objects.bulk_create(Town(city=city, **row) for row in plan.towns)
    }
    Village.objects.bulk_create(
        Village(town=towns[row["town"]], name=row["name"]) for row in plan.villages
    )
    departments = {
        d.name: d
        for d in Department.objects.bulk_create(
            Department(city=city, **row) for row in plan.departments
        )
    }
    passwords = [initial_password() for _ in plan.users]
    # Hashing is slow on purpose; hashlib lets threads run side by side.
    with ThreadPoolExecutor(max_workers=8) as pool:
        hashes = list(pool.map(_hash, passwords))
    users = []
    for row, password_hash in zip(plan.users, hashes, strict=True):
        role = row["role"]
        users.append(
            User(
                username=row["username"],
                full_name=row["full_name"],
                email=row["email"],
                mobile=row["mobile"],
                role=role,
                city=city,
                town=towns.get(row["town"]) if row["town"] else None,
                department=departments.get(row["department"]) if row["department"] else None,
                # Staff for the admin pages of their own city; never a superuser,
                # who would see and change every city of the deployment.
                is_staff=role in (Role.ADMIN, Role.SUPERVISOR),
                password=password_hash,
                must_change_password=True,
            )
        )
    created = User.objects.bulk_create(users)
    groups = {group.name: group for group in Group.objects.all()}
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=groups[role_group_name(user.role)].pk)
        for user in created
        if role_group_name(user.role) in groups
    )
    keeper = next(
        (u for u in created if u.role == Role.SUPERVISOR),
        next((u for u in created if u.role == Role.ADMIN), None),
    )
    StatusRuleSet.objects.bulk_create(
        StatusRuleSet(city=city, created_by=keeper, **row) for row in plan.rules
    )
    CalendarException.objects.bulk_create(
        CalendarException(city=city, **row) for row in plan.calendar
    )
    shown = [
        (row["username"], row["full_name"], password)
        for row, password in zip(plan.users, passwords, strict=True)
    ]
    return city, shown
