"""Isolation proven (issue 29): two cities in one database, and city B's users of every
role walk every route of the URLconf and every operation of the API with city A's ids.

A is the demo's 永康市; B (建德市) is started through the 新建城市 page as the system
administrator would, and given one project of its own. The walk, as each B user:

1. every route and API operation that names an object, filled with A's ids: GET, POST
   empty, POST with a plausible form (one per action the page knows), the API's declared
   method with and without a plausible body, by bearer token and by session. Allowed:
   400/403/404/405/422 or a redirect to signing in; never 2xx, never 5xx, no write;
2. every route without an object (and every route of B's own objects): GET; what comes
   back (HTML, JSON, xlsx, docx, pdf) names nothing of A;
3. the writes of those routes, with forms naming A's ids: no row of A changes, the API
   refuses (4xx), nothing answers 5xx.

Writes are watched per request (every INSERT/UPDATE/DELETE) and a request that wrote
where it must not is rolled back, so that one leak does not hide the next; the whole
database is fingerprinted around step 1, and A's rows around the whole walk. Every
failure is listed — (user, method, url, body) → status — not just the first.
"""

import json
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from guatu.accounts.models import Role, User
from guatu.accounts.tokens import token_create
from guatu.api import throttle
from guatu.api.v1 import api
from guatu.audit.models import AuditEntry
from guatu.ledger.exporting import ledger_workbook
from guatu.org.models import City
from guatu.projects.models import Dependency, Project
from tests.security.two_cities import (
    B_CITY,
    B_PROJECT,
    B_USERS,
    Writes,
    a_extras,
    a_ids,
    a_markers,
    changed,
    city_b_create,
    day,
    db_fingerprint,
    jpeg_bytes,
    owned_fingerprint,
    owned_rows,
    response_text,
    user_city_field,
)

pytestmark = pytest.mark.django_db

#: Answers that refuse (a redirect to signing in too, see ``_refused``).
REFUSALS = {400, 403, 404, 405, 422}


SIGN_IN = ("/login/", "/admin/login/", "/password/")
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def ghost(converter: str, name: str, index: int) -> str:
    """A value naming no object: a redirect that is the same for it is blind."""
    return str(987654320 + index) if converter in ("int", "path") else f"no-such-{name}"


#: Each route that names an object: its parameters, filled from A's ids (a key of
#: ``a_ids``) or from the literal values listed. Admin routes are filled by their model.
FILL: dict[str, dict[str, str | tuple]] = {
    "projects/<slug:code>/": {"code": "project"},
    "projects/<slug:code>/mspdi.xml": {"code": "project"},
    "projects/<slug:code>/wallchart/": {"code": "project"},
    "projects/<slug:code>/wallchart.<str:fmt>": {"code": "project", "fmt": ("svg", "pdf")},
    "items/<int:pk>/": {"pk": "item"},
    "items/<int:pk>/report/": {"pk": "item"},
    "photos/<int:pk>/<str:kind>": {"pk": "photo", "kind": ("thumb", "full", "original")},
    "towns/<int:pk>/": {"pk": "town"},
    "bulletins/<int:pk>/": {"pk": "bulletin"},
    "bulletins/<int:pk>/bulletin.<str:fmt>": {"pk": "bulletin", "fmt": ("docx", "pdf", "xlsx")},
    "escalations/<int:pk>/notice.docx": {"pk": "escalation"},
    "escalations/<int:pk>/notice.pdf": {"pk": "escalation"},
    "bulletins/<int:pk>/rungs/": {"pk": "bulletin"},
    "escalations/<int:pk>/": {"pk": "escalation"},
    "reply-files/<int:pk>": {"pk": "reply_file"},
    "parks/<slug:code>/": {"code": "park"},
    "parks/<slug:code>/criteria/": {"code": "park"},
    "parks/<slug:code>/screen/": {"code": "park"},
    "parks/<slug:code>/allocate/": {"code": "park"},
    "parks/<slug:code>/results.xlsx": {"code": "park"},
    "applications/<int:pk>/": {"pk": "application"},
    "screen/<str:token>/": {"token": "screen_token"},
    "inbox/<int:pk>/": {"pk": "notice"},
    "notify/robots/<int:pk>/": {"pk": "robot"},
    "projects/<slug:code>/baselines/": {"code": "project"},
    "projects/<slug:code>/adjustments/": {"code": "project"},
    "adjustments/<int:pk>/": {"pk": "adjustment"},
    "adjustments/<int:pk>/revise/": {"pk": "adjustment"},
    "items/<int:pk>/adjust/": {"pk": "item"},
    "items/<int:pk>/adjust/preview/": {"pk": "item"},
    "adjustments/<int:pk>/files/": {"pk": "adjustment"},
    "adjustment-files/<int:pk>": {"pk": "adjustment_file"},
    "projects/<slug:code>/as-of/": {"code": "project"},
    "projects/<slug:code>/as-of.xlsx": {"code": "project"},
    "projects/<slug:code>/risk/": {"code": "project"},
    "projects/<slug:code>/risk/items.xlsx": {"code": "project"},
    "projects/<slug:code>/risk/estimates/": {"code": "project"},
    "projects/<slug:code>/risk/estimates/<int:pk>/clear/": {
        "code": "estimate_project",
        "pk": "estimate_item",
    },
    "projects/<slug:code>/edit/": {"code": "project"},
    "projects/<slug:code>/items/new/": {"code": "project"},
    "projects/<slug:code>/links/": {"code": "project"},
    "projects/<slug:code>/links/<int:pk>/remove/": {"code": "link_project", "pk": "link"},
    "items/<int:pk>/edit/": {"pk": "item"},
    "projects/<slug:code>/task-force/": {"code": "project"},
    "supervision/agenda/<int:pk>/agenda.docx": {"pk": "leader"},
    "supervision/agenda/<int:pk>/agenda.pdf": {"pk": "leader"},
    "supervision/problems/<int:pk>/assignment.docx": {"pk": "assigned_problem"},
    "supervision/problems/<int:pk>/assignment.pdf": {"pk": "assigned_problem"},
    "projects/<slug:code>/prework/": {"code": "project"},
    "admin/r/<path:content_type_id>/<path:object_id>/": {
        "content_type_id": "project_type",
        "object_id": "project_pk",
    },
    "admin/accounts/user/<id>/password/": {"id": "user"},
    "projects/<int:pk>/investment/": {"pk": "project_pk"},
    "investment/reports/<int:pk>/confirmation/": {"pk": "investment_confirmation"},
    "problems/<int:pk>/": {"pk": "blocker"},
    "problems/files/<int:pk>/": {"pk": "problem_file"},
    "investment/photos/<int:pk>/<str:kind>": {
        "pk": "investment_photo",
        "kind": ("thumb", "full", "original"),
    },
}

#: Routes whose parameters are a period, not an object (the 月报 of a month): walked as
#: the routes without parameters are, with these values — what they answer is the
#: walker's own city's, and must name nothing of A.
PERIODS: dict[str, dict[str, str]] = {
    "investment/workbook/<int:year>/<int:month>/": {"year": "2019", "month": "10"},
    # The printed 布局图: its parameter is the file's format, not an object; the sheet is
    # the walker's own city's.
    "map/print.<str:fmt>": {"fmt": "pdf"},
}
#: A city's 月报 of October 2019, downloaded by its office: the upload's plausible file.
MONTH_WORKBOOK = "/investment/workbook/2019/10/"

#: B's own objects, for the pages B's users should see (and the drop-downs in them).
FILL_B = {"code": "project", "pk": "item"}
#: B's routes whose ``pk`` names something other than a work item.
FILL_B_ROUTE = {"projects/<int:pk>/investment/": {"pk": "project_pk"}}
B_ROUTES = {
    "projects/<slug:code>/",
    "projects/<slug:code>/wallchart/",
    "projects/<slug:code>/baselines/",
    "projects/<slug:code>/adjustments/",
    "projects/<slug:code>/as-of/",
    "projects/<slug:code>/as-of.xlsx",
    "projects/<slug:code>/risk/",
    "projects/<slug:code>/risk/items.xlsx",
    "projects/<slug:code>/risk/estimates/",
    "items/<int:pk>/",
    "items/<int:pk>/adjust/",
    "items/<int:pk>/adjust/preview/",
    "projects/<slug:code>/edit/",
    "projects/<slug:code>/items/new/",
    "projects/<slug:code>/links/",
    "items/<int:pk>/edit/",
    "projects/<int:pk>/investment/",
    "projects/<slug:code>/task-force/",
    "projects/<slug:code>/prework/",
}

#: Routes not walked as the others, each with its reason. The test fails when a route
#: of the URLconf is neither filled nor listed here, or when one listed here is gone.
KNOWN = {
    "logout/": "signs the walker out; names nothing of any city",
    "admin/logout/": "signs the walker out; names nothing of any city",
    "admin/(?P<url>.*)$": "the admin's catch-all: a 404, or a redirect adding a slash",
    "admin/^(?P<app_label>": "an app's index in the admin lists models, no rows; walked as"
    " a read for each app (ADMIN_APPS)",
    "api/v1/*": "the API is walked from its OpenAPI schema (every path there is checked"
    " against the URLconf)",
    "admin/<model>/<path:object_id>/": "Django's bare admin object URL redirects to"
    " …/change/ without looking the object up (the change URL is walked)",
    "admin/auth/group/<path:object_id>/*": "the role groups are shared by every city",
    "admin/projects/phase/<path:object_id>/*": "the 环节 list is shared by every city",
    "admin/parks/enterprise/<path:object_id>/*": "enterprises have no city (they apply to"
    " parks; their applications and units are walked)",
    "admin/ops/workerheartbeat/<path:object_id>/*": "the worker's heartbeat has no city",
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/*": "background task"
    " results have no city",
    "region/<slug:code>/": "a city below, for the level above only: walked with A's, B's"
    " and both prefectures' codes as the prefectures' users and as A's and B's own users"
    " (test_region_isolation.py)",
}

#: Walked as the others, but the signed-in user is not what grants them: a 大屏 token is
#: the credential of a wall screen that never signs in. Checked: B's session gets no
#: more than no session at all.
CAPABILITY = {
    "screen/<str:token>/": "a 大屏 token opens its city's screen to whoever holds it",
}

#: The public's pages (公开, no sign-in): what they answer is published for anyone, A's
#: month too. Walked apart, with A's values: each B user gets exactly what no session gets
#: (status and body), never more.
PUBLIC: dict[str, dict[str, str]] = {
    "public/": {},
    "public/<citycode:city>/": {"city": "city_code"},
    "public/<citycode:city>/feed.xml": {"city": "city_code"},
    "public/<citycode:city>/<int:year>/<int:month>/": {"city": "city_code"},
    "public/<citycode:city>/<int:year>/<int:month>/snapshot.xlsx": {"city": "city_code"},
    "public/<citycode:city>/<int:year>/<int:month>/photos/<int:number>.jpg": {"city": "city_code"},
}
#: The month of A's public snapshot (the demo publishes October 2019) and a photo number.
PUBLIC_VALUES = {"year": "2019", "month": "10", "number": "1"}

#: Routes whose answer is the code's own text, not any city's data: markers found there
#: come from examples (the organisation template's 石柱镇 and 江南街道).
STATIC = {
    "setup/city/template.xlsx": "the organisation template's example rows",
}

#: Query strings naming A's objects on routes that take none in their path.
QUERIES = {
    "items/": [
        {"town": "town"},
        {"light": "red", "town": "town"},
        {"project": "project_pk", "export": "xlsx"},
    ],
    "projects/": [{"town": "town"}, {"department": "department", "export": "xlsx"}],
    "blockers/": [{"town": "town", "state": ""}, {"department": "department", "export": "xlsx"}],
    "reports/": [{"town": "town"}, {"export": "xlsx"}],
    "escalations/": [{"town": "town"}, {"export": "xlsx"}],
    "bulletins/": [{"export": "xlsx"}],
    "parks/": [{"town": "town"}, {"export": "xlsx"}],
    "scores/": [{"year": "2019"}],
    "risk/nodes/": [{"fragment": "1"}],
    "investment/": [{"year": "2019", "month": "10"}, {"year": "2019"}],
    "investment/workbook/upload/": [{"year": "2019", "month": "10"}],
    "supervision/agenda/": [{"month": "2019-11"}, {"month": "2019-10"}],
    "map/": [
        {"town": "town"},
        {"project": "project_pk", "light": "red"},
        {"department": "department", "colour": "investment"},
    ],
}

#: Answers of 5xx that are not errors: the health check says 503 while the worker's
#: heartbeat is stale (no worker runs in the tests).
HEALTH = {("healthz", 503)}

#: A's URLs that answer 404 to A's own office too, each for its reason.
CONTROL_404 = {
    ("admin/r/<path:content_type_id>/<path:object_id>/", 404): "the admin's view-on-site"
    " shortcut: no model of guatu has get_absolute_url, so it answers 404 to everyone",
}

#: The admin's app indexes, read as each B user (``admin/<app_label>/``).
ADMIN_APPS = ["accounts", "org", "projects", "progress", "supervision", "parks", "audit"]

#: The steps a problem's page takes (``step=…``).
PROBLEM_STEPS = ("assign", "reply", "close", "return", "request", "raise", "decline", "instruct")
#: The actions each page carries out on a POST (``action=…``); one plausible form each.
ACTIONS = {
    "items/<int:pk>/": ["report", "blocker", "review", "resolve", "escalate"],
    "adjustments/<int:pk>/": ["review", "return", "refuse", "withdraw", "approve", "reject"],
    "notify/robots/<int:pk>/": ["delete", "toggle"],
    "notify/": ["rules", "robot"],
    "screens/": ["revoke", "create"],
    "intake/": ["accept", "read"],
    "ledger/import/": ["check", "write"],
    "projects/<int:pk>/investment/": ["report", "review", "clear", "plan"],
    "problems/<int:pk>/": list(PROBLEM_STEPS),
    "public/manage/": ["disclose", "approval", "approval_remove", "photo", "publish"],
}
#: The office's project forms: their plausible form names A's town, items and department.
PROJECT_FORMS = {
    "projects/new/",
    "projects/<slug:code>/edit/",
    "projects/<slug:code>/items/new/",
    "projects/<slug:code>/links/",
    "items/<int:pk>/edit/",
}
#: Routes whose plausible form is not posted: it would change the walker's own password
#: or sign-in (no city's data in either); they are still posted empty.
NO_PLAUSIBLE = {"password/", "login/", "admin/login/", "admin/password_change/"}


@dataclass
class Route:
    pattern: str
    name: str
    params: dict[str, str]  # name → converter
    callback: object

    def url(self, values: dict) -> str:
        return "/" + CONVERTER.sub(lambda m: str(values[m[2]]), self.pattern)


def routes() -> list[Route]:
    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                pattern = prefix + str(p.pattern)
                params = {m[2]: m[1] or "str" for m in CONVERTER.finditer(pattern)}
                yield Route(pattern, f"{namespace}{p.name}", params, p.callback)

    return list(walk(get_resolver().url_patterns))


def admin_model(route: Route):
    parts = route.pattern.split("/")
    if route.pattern.startswith("admin/") and len(parts) > 3 and "object_id" in route.params:
        try:
            return apps.get_model(parts[1], parts[2])
        except LookupError:
            return None
    return None


def known_reason(route: Route) -> str | None:
    pattern = route.pattern
    if pattern in KNOWN:
        return KNOWN[pattern]
    if pattern.startswith("admin/^(?P<app_label>"):
        return KNOWN["admin/^(?P<app_label>"]
    if pattern.startswith("api/v1/"):
        return KNOWN["api/v1/*"]
    if (
        pattern.startswith("admin/")
        and pattern.endswith("<path:object_id>/")
        and route.name.endswith(":None")
    ):
        return KNOWN["admin/<model>/<path:object_id>/"]
    for key, reason in KNOWN.items():
        if key.endswith("/*") and pattern.startswith(key[:-1]):
            return reason
    return None


# --- the world: two cities ----------------------------------------------------------------


@dataclass
class World:
    a: City
    b: object  # two_cities.CityB
    ids: dict[str, list]
    markers: list[str]
    a_users: set[int]
    clients: dict[str, Client]  # B login → signed-in client
    tokens: dict[str, str]  # B login → API token
    files: dict[str, bytes]
    owned: dict  # model → A's pks (for the admin)
    control: dict[str, Client]  # A's own office, and the deployment's superuser (admin)
    control_token: str  # A's office's API token


def _build_world() -> World:
    a = City.objects.get(name="永康市")
    a_users = set(User.objects.values_list("pk", flat=True))
    extras = a_extras(a)
    root = User.objects.create(
        username="isolation_root", role=Role.ADMIN, is_staff=True, is_superuser=True
    )
    root.set_password("pw-isolation-root-1")
    root.save()
    b = city_b_create(root)
    ids = a_ids(a, extras)
    project = Project.objects.get(code=ids["project"][0])
    ids["project_type"] = [ContentType.objects.get_for_model(Project).pk]
    ids["project_pk"] = [project.pk]
    link = Dependency.objects.filter(successor__project=project).order_by("pk").first()
    ids["link"], ids["link_project"] = [link.pk], [project.code]
    office = Client(raise_request_exception=False)
    office.force_login(User.objects.get(username="supervisor"))
    small = Project.objects.get(code=ids["project"][1])
    plan = office.get(f"/projects/{small.code}/mspdi.xml")
    assert plan.status_code == 200, "A's office cannot export A's plan"
    month = office.get(MONTH_WORKBOOK)
    assert month.status_code == 200, "A's office cannot download A's 月报"
    files = {
        "ledger": ledger_workbook(city=a, projects=[small]),
        "mspdi": plan.content,
        "investment": month.content,
    }
    clients, tokens = {}, {}
    for user in b.users.values():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[user.username] = client
        tokens[user.username] = token_create(user=user)
    owned = owned_rows(a, a_users)
    # The audit log is left out of the fingerprints (every refusal adds to it), not out
    # of the admin: A's entries are A's.
    owned[AuditEntry] = set(
        AuditEntry.objects.filter(user_id__in=a_users).values_list("pk", flat=True)[:5]
    )
    control = {"office": office, "root": Client(raise_request_exception=False)}
    control["root"].force_login(root)
    return World(
        control=control,
        control_token=token_create(user=User.objects.get(username="supervisor")),
        a=a,
        b=b,
        ids=ids,
        markers=a_markers(a),
        a_users=a_users,
        clients=clients,
        tokens=tokens,
        files=files,
        owned=owned,
    )


# --- bodies ---------------------------------------------------------------------------


def _first(world: World, key: str):
    return world.ids[key][0]


def page_form(world: World, pattern: str, action: str | None) -> dict:
    """A plausible form for *pattern*: every field a page of guatu reads, naming A's ids
    (pages read the fields they know and ignore the rest)."""
    one = lambda key: _first(world, key)  # noqa: E731
    form = {
        "reported_on": day(),
        "quantity": "1",
        "percent": "50",
        "note": "隔离测试",
        "above_target": "",
        "supersedes": one("report"),
        "correction_reason": "隔离测试更正",
        "description": "隔离测试卡点",
        "owner_department": one("department"),
        "responsible_person": "张三",
        "due_on": day(7),
        "resolution": "隔离测试已解决",
        "report": one("report"),
        "decision": "confirm",
        "blocker": one("blocker"),
        "number": "1",
        "name": "隔离测试",
        "event": one("escalation"),
        "project": one("project"),
        "period": "2019-11",
        "new_deadline": day(60),
        "new_duration_days": "5",
        "reason": "隔离测试",
        "evidence": "隔离测试",
        "work_item": one("item"),
        "optimistic": "1",
        "most_likely": "2",
        "pessimistic": "3",
        "shape": "pert",
        "application": one("application"),
        "status": "let",
        "valid_from": day(),
        "yellow_lag": "10",
        "red_lag": "30",
        "window_days": "28",
        "screen": one("screen"),
        "original": "金台铁路永康段 完成征地 80%。",
        "issue": day(),
        "source": "隔离来源",
        "fact-0": one("project"),
        "text": "金台铁路永康段 完成征地 80%。",
        "code": "iso-walk",
        "language": "zh-hans",
        "email": "",
        "mobile": "",
        "post": "yes",
    }
    if pattern in PROJECT_FORMS:
        # The office's project forms (issue 32): every choice names A's rows.
        form.update(
            town=one("town"),
            predecessor=one("item"),
            successor=one("item"),
            type="FS",
            lag_days="0",
            kind="task",
            duration_days="5",
            start_date=day(),
            calendar="calendar_day",
        )
    if pattern == "projects/<int:pk>/investment/":
        # The project's investment page: each action's form names A's report and check.
        report, flag = one("investment_report"), one("investment_check")
        form.update(
            {
                "year": "2019",
                "month": "10",
                "amount": "1",
                "report": report,
                f"r{report}-decision": "approve",
                f"r{report}-note": "隔离测试",
                "flag": flag,
                f"f{flag}-note": "隔离测试",
                "plan-year": "2019",
                "plan-amount": "1",
            }
        )
    if pattern == "investment/workbook/upload/":
        form.update(year="2019", month="10")
    if pattern == "public/manage/":
        # The public page's office: each action names A's project, approval and photo by id.
        ids = world.ids
        form.update(
            {
                "project": ids["project_pk"][0],
                "on": "1",
                "approval": ids.get("public_approval", [""])[0],
                "photo": ids.get("investment_photo", [""])[0],
                "month": "2019-10",
                "approval-project": ids["project_pk"][0],
                "approval-matter": "隔离测试批复",
                "approval-authority": "隔离测试机关",
                "approval-number": "隔离〔2019〕1号",
                "approval-approved_on": day(),
            }
        )
    if pattern == "projects/<slug:code>/task-force/":
        # The 工作专班 page: one new row naming A's department.
        form.update(
            {
                "member-TOTAL_FORMS": "1",
                "member-INITIAL_FORMS": "0",
                "member-0-role": "resident",
                "member-0-name": "隔离测试",
                "member-0-department": one("department"),
                "member-0-phone": "0579-0000 0000",
            }
        )
    if pattern == "problems/<int:pk>/":
        # A problem's page: the step posted (``step``), its form's fields prefixed by it.
        form["step"] = action
        for field, value in {
            "category": "clearance",
            "level": "2",
            "action_required": "隔离测试",
            "owner_department": one("department"),
            "responsible_person": "张三",
            "due_on": day(7),
            "text": "隔离测试",
            "reason": "隔离测试",
            "note": "隔离测试",
        }.items():
            form[f"{action}-{field}"] = value
    if pattern == "projects/prework/":
        # The 前期 template's rows: a node whose 要素 department is A's.
        form.update(
            {
                "node-code": "iso-node",
                "node-name": "隔离测试节点",
                "node-duration_days": "5",
                "node-department": one("department"),
            }
        )
    if pattern == "investment/rules/":
        form.update(yellow_gap="5", red_gap="10", due_day="5", overrun_ratio="1.2",
                    idle_months="3", month_share="50")  # fmt: skip
    if pattern == "parks/<slug:code>/allocate/":
        form["unit"] = ""
        from guatu.parks.models import ParkUnit

        unit = ParkUnit.objects.filter(park__code=_first(world, "park")).first()
        form["unit"] = unit.pk if unit else ""
    if pattern == "notify/":
        form.update(
            unit=f"town:{one('town')}",
            kind="dingtalk",
            webhook="https://oapi.dingtalk.com/robot/send?access_token=isolation",
            report_reminders="on",
            report_cutoff_weekday="4",
            reminder_days="2,1",
            blocker_due_days="3",
        )
    if action == "accept":
        form["accept"] = "1"
    elif action == "write":
        form["write"] = "1"
    elif action not in (None, "check", "read"):
        form["action"] = action
    files = {
        "ledger/import/": {"file": ("a-ledger.xlsx", world.files["ledger"])},
        "projects/import/": {"file": ("a-plan.xml", world.files["mspdi"])},
        "parks/<slug:code>/screen/": {"file": ("a.csv", "企业名称\n永康隔离企业\n".encode())},
        "adjustments/<int:pk>/files/": {"files": ("a.pdf", b"%PDF-1.4 isolation\n")},
        "items/<int:pk>/adjust/": {"files": ("a.pdf", b"%PDF-1.4 isolation\n")},
        "items/<int:pk>/": {"photos": ("a.jpg", jpeg_bytes())},
        "projects/<int:pk>/investment/": {"photos": ("a.jpg", jpeg_bytes())},
        "setup/city/": {},
        "investment/workbook/upload/": {"file": ("a-month.xlsx", world.files["investment"])},
    }.get(pattern, {})
    for key, (name, content) in files.items():
        form[key] = SimpleUploadedFile(name, content)
    return form


def admin_form(world: World, model) -> dict:
    """A plausible admin form for *model*, its relations pointing at A's rows."""
    form = {"post": "yes", "_save": "1"}
    for f in model._meta.concrete_fields:
        if f.auto_created or not f.editable or isinstance(f, models.FileField):
            continue
        if f.is_relation:
            pks = world.owned.get(f.related_model) or set(
                f.related_model._base_manager.values_list("pk", flat=True)[:1]
            )
            form[f.name] = min(pks) if pks else ""
        elif f.choices:
            form[f.name] = f.choices[0][0]
        elif isinstance(f, models.DateTimeField):
            form[f"{f.name}_0"], form[f"{f.name}_1"] = day(), "08:00:00"
        elif isinstance(f, models.DateField):
            form[f.name] = day()
        elif isinstance(f, models.TimeField):
            form[f.name] = "08:00"
        elif isinstance(f, models.BooleanField):
            form[f.name] = "on"
        elif isinstance(f, models.IntegerField | models.DecimalField | models.FloatField):
            form[f.name] = "1"
        elif isinstance(f, models.JSONField):
            form[f.name] = "{}"
        elif isinstance(f, models.SlugField):
            form[f.name] = "iso-admin"
        else:
            form[f.name] = "隔离测试"[: f.max_length or 10]
    return form


API_JSON = {
    "ReportIn": lambda w: {"reported_on": day(), "percent": 50, "note": "隔离测试"},
    "CorrectionIn": lambda w: {"reported_on": day(), "percent": 40, "reason": "隔离测试更正"},
    "BlockerIn": lambda w: {
        "work_item": _first(w, "item"),
        "description": "隔离测试卡点",
        "owner_department": _first(w, "department"),
        "responsible_person": "张三",
        "due_on": day(7),
    },
    "ResolutionIn": lambda w: {"resolution": "隔离测试已解决"},
    "AllocationIn": lambda w: {"application": _first(w, "application"), "unit": _first(w, "unit")},
    "IntakeIn": lambda w: {"text": "金台铁路永康段 完成征地 80%。", "issue": day()},
    "EvidenceIn": lambda w: {
        "text": "金台铁路永康段 完成征地 80%。",
        "issue": day(),
        "source": "隔离来源",
        "choices": [{"fact": 0, "project": _first(w, "project")}],
    },
    "AdjustmentIn": lambda w: {"new_duration_days": 5, "reason": "隔离测试"},
    "ProjectIn": lambda w: {
        "code": "iso-new",
        "name": "隔离测试项目",
        "owner_department": _first(w, "department"),
        "start_date": day(),
    },
    "ProjectPatch": lambda w: {"name": "隔离测试改名", "owner_department": _first(w, "department")},
    "ItemIn": lambda w: {"code": "iso-item", "name": "隔离测试事项", "town": _first(w, "town")},
    "ItemPatch": lambda w: {"duration_days": 9, "town": _first(w, "town")},
    "LinkIn": lambda w: {"predecessor": "iso-a", "successor": "iso-b"},
    "NoteIn": lambda w: {"note": "隔离测试"},
    "DecisionIn": lambda w: {"approve": True, "note": "隔离测试"},
    "EstimateIn": lambda w: {"optimistic": 1, "most_likely": 2, "pessimistic": 3},
    "ReplyIn": lambda w: {"text": "隔离测试整改反馈"},
    "DraftIn": lambda w: {"period": day()},
    "RungIn": lambda w: {"work_item": _first(w, "item"), "level": "", "reason": "隔离测试"},
    "PublishIn": lambda w: {},
    "InvestmentMonthIn": lambda w: {
        "year": 2019,
        "month": 10,
        "amount": "1",
        "supersedes": _first(w, "investment_report"),
        "correction_reason": "隔离测试更正",
    },
    "InvestmentReviewIn": lambda w: {"approve": False, "note": "隔离测试"},
    "InvestmentClearIn": lambda w: {"note": "隔离测试"},
    "InvestmentPlanIn": lambda w: {"amount": "1"},
    "AssignIn": lambda w: {
        "category": "clearance",
        "level": 2,
        "action_required": "隔离测试",
        "owner_department": _first(w, "department"),
        "responsible_person": "张三",
        "due_on": day(7),
    },
    "TextIn": lambda w: {"text": "隔离测试"},
    "ReasonIn": lambda w: {"reason": "隔离测试"},
    "ReturnIn": lambda w: {"reason": "隔离测试"},
    "RaiseIn": lambda w: {"due_on": day(7), "note": "隔离测试"},
    "DeclineIn": lambda w: {"reason": "隔离测试", "due_on": day(7)},
}
API_FILES = {
    "/api/v1/parks/{code}/screen": lambda w: {
        "file": SimpleUploadedFile("a.csv", "企业名称\n永康隔离企业\n".encode())
    },
    "/api/v1/adjustments/{adjustment_id}/files": lambda w: {
        "files": SimpleUploadedFile("a.pdf", b"%PDF-1.4 isolation\n")
    },
    "/api/v1/ledger/import": lambda w: {"file": SimpleUploadedFile("a.xlsx", w.files["ledger"])},
    # A map file placing A's project, sent for A's project and for none.
    "/api/v1/geo/places": lambda w: {
        "file": SimpleUploadedFile(
            "a.geojson",
            json.dumps(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [120.05, 28.89]},
                    "properties": {"project": _first(w, "project")},
                }
            ).encode(),
        ),
        "project": _first(w, "project"),
    },
    "/api/v1/plans/import": lambda w: {
        "file": SimpleUploadedFile("a.xml", w.files["mspdi"]),
        "code": "iso-plan",
        "owner_department": _first(w, "department"),
    },
}
#: Required query parameters of the API, filled.
API_QUERY = {"date": day()}
#: Optional query parameters that make a write write (a ledger import checks by default).
API_WRITE_QUERIES = {"/api/v1/ledger/import": ["dry_run=false"]}
API_PARAMS = {
    "item_id": "item",
    "report_id": "report",
    "blocker_id": "blocker",
    "application_id": "application",
    "notice_id": "notice",
    "adjustment_id": "adjustment",
    "escalation_id": "escalation",
    "bulletin_id": "bulletin",
    "number": "baseline",
    "project_id": "project_pk",
    "investment_report_id": "investment_report",
    "check_id": "investment_check",
    "year": "investment_year",
}


@dataclass
class Operation:
    method: str
    path: str
    params: list[str]
    body: str | None  # "json:<Schema>", "multipart" or None
    query: str = ""  # its required query parameters, filled


def operations() -> list[Operation]:
    found = []
    for path, ops in api.get_openapi_schema()["paths"].items():
        for method, op in ops.items():
            params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            content = op.get("requestBody", {}).get("content", {})
            body = None
            if "application/json" in content:
                body = "json:" + content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            elif content:
                body = "multipart"
            required = [
                p["name"] for p in op.get("parameters", []) if p["in"] == "query" and p["required"]
            ]
            query = "&".join(f"{name}={API_QUERY[name]}" for name in required)
            found.append(Operation(method.upper(), path, params, body, query))
    return found


def api_bodies(world: World, op: Operation, *, b_item: bool = False) -> list[tuple[str, dict]]:
    """(label, request kwargs) for *op*: no body, and a plausible one naming A's ids."""
    if op.body is None:
        return [("", {})]
    if op.body == "multipart":
        return [("empty", {}), ("plausible", {"data": API_FILES[op.path](world)})]
    schema = op.body.split(":", 1)[1]
    plausible = API_JSON[schema](world)
    bodies = [
        ("empty", {"data": "{}", "content_type": "application/json"}),
        ("plausible", {"data": json.dumps(plausible), "content_type": "application/json"}),
    ]
    if schema == "BlockerIn":
        for label, change in (
            ("A item, B department", {"owner_department": world.b.department.pk}),
            ("B item, A department", {"work_item": world.b.item.pk}),
        ):
            bodies.append(
                (
                    label,
                    {
                        "data": json.dumps({**plausible, **change}),
                        "content_type": "application/json",
                    },
                )
            )
    return bodies


def api_url(world: World, op: Operation) -> str | None:
    values = {}
    for name in op.params:
        if name == "code":
            values[name] = _first(
                world, "park" if op.path.startswith("/api/v1/parks") else "project"
            )
            if "{number}" in op.path:
                values[name] = _first(world, "baseline_project")
        elif name in API_PARAMS:
            values[name] = _first(world, API_PARAMS[name])
        else:
            return None
    url = re.sub(r"\{(\w+)\}", lambda m: str(values[m[1]]), op.path)
    return f"{url}?{op.query}" if op.query else url


# --- the walk ---------------------------------------------------------------------------


@dataclass
class Answer:
    user: str
    phase: str  # "object", "read", "write"
    method: str
    url: str
    body: str
    status: int
    location: str = ""
    writes: list = field(default_factory=list)
    a_changed: list = field(default_factory=list)
    leaked: list = field(default_factory=list)
    route: str = ""
    blind: bool = False  # a redirect the same for objects that do not exist
    own: bool = False  # shows B's own project

    def __str__(self) -> str:
        where = f" → {self.location}" if self.location else ""
        body = f" [{self.body}]" if self.body else ""
        extra = ""
        if self.writes:
            extra += f" wrote {sorted(set(self.writes))}"
        if self.a_changed:
            extra += f" changed A's {self.a_changed}"
        if self.leaked:
            extra += f" shows {self.leaked[:4]}"
        return f"({self.user}, {self.method}, {self.url}{body}) {self.status}{where}{extra}"


@dataclass
class Walk:
    answers: list[Answer]
    unfilled: list[str]
    unknown_schema_paths: list[str]
    stale_known: list[str]
    db_before: dict
    db_after: dict
    a_before: dict
    a_after: dict
    refusals: dict[str, int]  # B login → refusals audited
    seconds: float
    world: World
    capability: list[tuple[str, int, int]] = field(default_factory=list)
    #: (B user, url, (status, body) as B, (status, body) with no session) of ``PUBLIC``.
    public: list[tuple[str, str, tuple, tuple]] = field(default_factory=list)


#: CI's PostgreSQL pass walks every sampled id as every user (``GUATU_ISOLATION_FULL=1``,
#: .ci/run); ``make test`` walks them all as B's office only, and as B's other users each id
#: parameter at its first value (a refusal by city does not depend on which id of A it is).
FULL = os.environ.get("GUATU_ISOLATION_FULL") == "1"
FULL_LOGINS = {B_USERS[Role.SUPERVISOR][0]}


class Walker:
    def __init__(self, world: World):
        self.world = world
        self.answers: list[Answer] = []
        self.a_print = owned_fingerprint(world.a, world.a_users)
        #: Each id parameter at its first value only (format variants kept): a sample.
        self.sampled = False

    def send(self, phase, user, client, method, url, body_label="", route="", ghost=None, **kwargs):
        """Send one request in a savepoint; note its answer, writes, and what it shows.

        *ghost*: (url, {ghost value: real value}) — the same request naming objects that
        do not exist; a redirect that is the same for them looks nothing up (it is blind).
        """
        writes = Writes()
        with transaction.atomic():
            with connection.execute_wrapper(writes):
                response = getattr(client, method.lower())(url, **kwargs)
            answer = Answer(
                user=user,
                phase=phase,
                method=method,
                url=url,
                body=body_label,
                status=response.status_code,
                location=response.get("Location", "") if 300 <= response.status_code < 400 else "",
                route=route,
            )
            if writes.seen and phase != "control":
                if phase == "object":
                    answer.writes = writes.seen
                else:
                    after = owned_fingerprint(self.world.a, self.world.a_users)
                    answer.a_changed = changed(self.a_print, after)
                if answer.writes or answer.a_changed:
                    transaction.set_rollback(True)  # undone: the next request sees A whole
            if phase == "control":
                transaction.set_rollback(True)
            shown = response.status_code == 200 or (phase == "object" and _refused(answer))
            if shown and phase in ("read", "object"):
                text = response_text(response)
                markers = self.world.markers
                if route in STATIC:
                    markers = []
                answer.leaked = [m for m in markers if m in text]
                answer.own = B_PROJECT[1] in text
            elif response.streaming:
                b"".join(response.streaming_content)
        if ghost is not None and answer.location and not _refused(answer):
            answer.blind = self._same_for_ghost(answer, client, method, ghost, kwargs)
        self.answers.append(answer)
        return answer

    @staticmethod
    def _same_for_ghost(answer, client, method, ghost, kwargs) -> bool:
        url, real = ghost
        with transaction.atomic():
            response = getattr(client, method.lower())(url, **kwargs)
            transaction.set_rollback(True)
        location = response.get("Location", "")
        for fake, value in real.items():
            location = location.replace(str(fake), str(value))
        return response.status_code == answer.status and location == answer.location

    # step 1
    def objects(self, login: str, all_routes: list[Route]) -> list[str]:
        world, client = self.world, self.world.clients[login]
        unfilled = []
        for route in all_routes:
            if (
                not route.params
                or known_reason(route)
                or route.pattern in PERIODS
                or route.pattern in PUBLIC
            ):
                continue
            model = admin_model(route)
            ids = set(route.params)  # the parameters that name an object (not a format)
            if model is not None:
                pks = world.owned.get(model)
                if not pks:
                    unfilled.append(route.pattern)
                    continue
                fills = [{"object_id": min(pks)}]
                forms = [("plausible", lambda m=model: admin_form(world, m))]
            elif route.pattern in FILL:
                ids = {n for n, source in FILL[route.pattern].items() if isinstance(source, str)}
                fills = self._fills(FILL[route.pattern])
                forms = [("empty", dict)] + [
                    (
                        action or "plausible",
                        lambda a=action, p=route.pattern: page_form(world, p, a),
                    )
                    for action in ACTIONS.get(route.pattern, [None])
                ]
            else:
                unfilled.append(route.pattern)
                continue
            phase = "capability" if route.pattern in CAPABILITY else "object"
            for values in fills:
                url = route.url(values)
                fake = {
                    name: ghost(route.params[name], name, n) if name in ids else value
                    for n, (name, value) in enumerate(values.items())
                }
                twin = (route.url(fake), {fake[n]: values[n] for n in ids})
                self.send(phase, login, client, "GET", url, route=route.pattern, ghost=twin)
                if phase == "capability":
                    continue
                for label, make in forms:
                    self.send(
                        phase, login, client, "POST", url, label, route.pattern,
                        ghost=twin, data=make(),
                    )  # fmt: skip
        return unfilled

    def control(self, all_routes: list[Route]) -> None:
        """A's own office (the superuser for the admin) GETs every URL of step 1: an
        id that A's own users cannot open either would prove nothing."""
        world = self.world
        for route in all_routes:
            if (
                not route.params
                or known_reason(route)
                or route.pattern in CAPABILITY
                or route.pattern in PERIODS
                or route.pattern in PUBLIC
            ):
                continue
            model = admin_model(route)
            if model is not None and world.owned.get(model):
                fills = [{"object_id": min(world.owned[model])}]
            elif route.pattern in FILL:
                fills = self._fills(FILL[route.pattern])
            else:
                continue
            who = "root" if route.pattern.startswith("admin/") else "office"
            for values in fills:
                url = route.url(values)
                self.send("control", who, world.control[who], "GET", url, route=route.pattern)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {world.control_token}"}
        for op in operations():
            if op.params and op.method == "GET":
                url = api_url(world, op)
                self.send("control", "office", Client(), "GET", url, "token", op.path, **headers)

    def _fills(self, spec: dict) -> list[dict]:
        """Each value of every parameter once (the others at their first value); sampled,
        each id at its first value only."""
        options = {
            name: list(source) if isinstance(source, tuple) else self.world.ids[source]
            for name, source in spec.items()
        }
        if self.sampled:
            options = {
                name: values if isinstance(spec[name], tuple) else values[:1]
                for name, values in options.items()
            }
        first = {name: values[0] for name, values in options.items()}
        fills = [first]
        for name, values in options.items():
            fills += [{**first, name: value} for value in values[1:]]
        return fills

    def api_objects(self, login: str) -> None:
        world = self.world
        auths = {
            "token": (
                Client(raise_request_exception=False),
                {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[login]}"},
            ),
            "session": (world.clients[login], {}),
        }
        for op in operations():
            if not op.params:
                continue
            url = api_url(world, op)
            assert url is not None, f"no A id for {op.path}'s parameters {op.params}"
            for auth, (client, headers) in auths.items():
                for label, kwargs in api_bodies(world, op):
                    self.send(
                        "object", login, client, op.method, url,
                        f"{auth} {label}".strip(), op.path, **kwargs, **headers,
                    )  # fmt: skip

    # step 2
    def reads(self, login: str, all_routes: list[Route]) -> None:
        world, client = self.world, self.world.clients[login]
        for route in all_routes:
            if known_reason(route) or route.pattern in ("logout/",) or route.pattern in PUBLIC:
                continue
            if route.pattern in PERIODS:
                url = route.url(PERIODS[route.pattern])
                self.send("read", login, client, "GET", url, "period", route.pattern)
            elif not route.params:
                self.send("read", login, client, "GET", route.url({}), route=route.pattern)
                for query in QUERIES.get(route.pattern, []):
                    data = {k: world.ids[v][0] if v in world.ids else v for k, v in query.items()}
                    self.send(
                        "read",
                        login,
                        client,
                        "GET",
                        route.url({}),
                        "query",
                        route.pattern,
                        data=data,
                    )
            elif route.pattern in B_ROUTES:
                url = route.url(b_fill(world, route))
                self.send("read", login, client, "GET", url, "B's own", route.pattern)
        for app in ADMIN_APPS:
            self.send("read", login, client, "GET", f"/admin/{app}/", route="admin/<app_label>/")
        token = Client(raise_request_exception=False)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[login]}"}
        for op in operations():
            if op.method == "GET" and not op.params:
                self.send("read", login, token, "GET", op.path, "token", op.path, **headers)
                self.send("read", login, client, "GET", op.path, "session", op.path)
        for path in ("/api/v1/projects/{code}/items",):
            url = path.replace("{code}", world.b.project.code)
            self.send("read", login, token, "GET", url, "B's own", path, **headers)

    # step 3
    def writes(self, login: str, all_routes: list[Route]) -> None:
        world, client = self.world, self.world.clients[login]
        for route in all_routes:
            if known_reason(route) or route.pattern in CAPABILITY:
                continue
            if route.params and route.pattern not in B_ROUTES | PERIODS.keys():
                continue
            if route.pattern in PERIODS:
                url = route.url(PERIODS[route.pattern])
            else:
                url = route.url(b_fill(world, route))
            if route.pattern.startswith("admin/") and route.pattern.endswith("/add/"):
                model = apps.get_model(*route.pattern.split("/")[1:3])
                self.send(
                    "write",
                    login,
                    client,
                    "POST",
                    url,
                    "plausible",
                    route.pattern,
                    data=admin_form(world, model),
                )
                continue
            self.send("write", login, client, "POST", url, "empty", route.pattern)
            if route.pattern in NO_PLAUSIBLE or route.pattern.startswith("admin/"):
                continue
            for action in ACTIONS.get(route.pattern, [None]):
                form = page_form(world, route.pattern, action)
                self.send(
                    "write",
                    login,
                    client,
                    "POST",
                    url,
                    action or "plausible",
                    route.pattern,
                    data=form,
                )
        token = Client(raise_request_exception=False)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[login]}"}
        for op in operations():
            if op.method == "GET" or op.params:
                continue
            urls = [op.path] + [f"{op.path}?{q}" for q in API_WRITE_QUERIES.get(op.path, [])]
            for url in urls:
                for label, kwargs in api_bodies(world, op):
                    self.send(
                        "write", login, token, op.method, url, label, op.path, **kwargs, **headers
                    )


def b_fill(world: World, route: Route) -> dict:
    """The values of B's own objects for *route*'s parameters."""
    values = {
        "project": world.b.project.code,
        "item": world.b.item.pk,
        "project_pk": world.b.project.pk,
    }
    fill = {**FILL_B, **FILL_B_ROUTE.get(route.pattern, {})}
    return {name: values[fill[name]] for name in route.params}


def _stale_known(all_routes: list[Route]) -> list[str]:
    patterns = [r.pattern for r in all_routes]
    stale = []
    for key in KNOWN:
        if key.endswith("/*") or key.endswith("<app_label>"):
            hit = any(p.startswith(key.rstrip("*")) for p in patterns)
        elif key == "admin/<model>/<path:object_id>/":
            hit = any(p.startswith("admin/") and p.endswith("<path:object_id>/") for p in patterns)
        else:
            hit = key in patterns
        if not hit:
            stale.append(key)
    stale += [
        key
        for key in (*FILL, *CAPABILITY, *STATIC, *PERIODS, *B_ROUTES, *PUBLIC)
        if key not in patterns
    ]
    return stale


def _schema_paths_missing(all_routes: list[Route]) -> list[str]:
    """Schema paths that no route of the URLconf serves (or the reverse)."""
    served = {
        "/" + CONVERTER.sub(lambda m: "{" + m[2] + "}", r.pattern)
        for r in all_routes
        if r.pattern.startswith("api/v1/")
    }
    paths = {op.path for op in operations()}
    return sorted(paths - served)


@pytest.fixture(scope="module")
def walk(demo, django_db_blocker, tmp_path_factory) -> Walk:
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        started = time.monotonic()
        world = _build_world()
        all_routes = routes()
        walker = Walker(world)
        logins = [u.username for u in world.b.users.values()]
        walker.control(all_routes)
        audit_start = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        db_before = db_fingerprint()
        unfilled: set[str] = set()
        for login in logins:
            cache.clear()  # the API's rate limit counts per user: no 429 in the walk
            throttle.forget()
            walker.sampled = not FULL and login not in FULL_LOGINS
            unfilled |= set(walker.objects(login, all_routes))
            walker.api_objects(login)
        db_after = db_fingerprint()
        for login in logins:
            cache.clear()
            throttle.forget()
            walker.sampled = not FULL and login not in FULL_LOGINS
            walker.reads(login, all_routes)
        for login in logins:
            cache.clear()
            throttle.forget()
            walker.sampled = not FULL and login not in FULL_LOGINS
            walker.writes(login, all_routes)
        walker.sampled = False
        capability = []
        for pattern in CAPABILITY:
            token = _first(world, "screen_token")
            url = "/" + pattern.replace("<str:token>", token)
            anonymous = Client(raise_request_exception=False).get(url).status_code
            for answer in walker.answers:
                if answer.route == pattern:
                    capability.append((str(answer), answer.status, anonymous))
        public = _public_walk(world, logins)
        refusals = {
            login: AuditEntry.objects.filter(
                pk__gt=audit_start, user__username=login, allowed=False
            ).count()
            for login in logins
        }
        result = Walk(
            answers=walker.answers,
            unfilled=sorted(unfilled),
            unknown_schema_paths=_schema_paths_missing(all_routes),
            stale_known=_stale_known(all_routes),
            db_before=db_before,
            db_after=db_after,
            a_before=walker.a_print,
            a_after=owned_fingerprint(world.a, world.a_users),
            refusals=refusals,
            seconds=time.monotonic() - started,
            world=world,
            capability=capability,
            public=public,
        )
        print(_summary(result))
        if dump := os.environ.get("GUATU_ISOLATION_DUMP"):
            with open(dump, "w", encoding="utf-8") as out:
                for answer in walker.answers:
                    out.write(json.dumps(answer.__dict__, ensure_ascii=False, default=str) + "\n")
        yield result
        transaction.set_rollback(True)


def _public_walk(world: World, logins: list[str]) -> list[tuple[str, str, tuple, tuple]]:
    """Every public page with A's values, as each B user and with no session."""
    values = {**PUBLIC_VALUES, "city_code": _first(world, "city_code")}
    seen = []
    for pattern, fill in PUBLIC.items():
        url = "/" + CONVERTER.sub(lambda m, fill=fill: values[fill.get(m[2], m[2])], pattern)
        anonymous = Client(raise_request_exception=False).get(url)
        expected = (anonymous.status_code, anonymous.content)
        for login in logins:
            answer = world.clients[login].get(url)
            seen.append((login, url, (answer.status_code, answer.content), expected))
    return seen


def _summary(walk: Walk) -> str:
    phases = Counter(a.phase for a in walk.answers)
    statuses = Counter((a.phase, a.status) for a in walk.answers)
    return (
        f"isolation walk: {len(walk.answers)} requests in {walk.seconds:.0f} s {dict(phases)};"
        f" statuses {dict(sorted(statuses.items()))}"
    )


def _listing(title: str, answers) -> str:
    answers = list(answers)
    kinds = Counter(a.route or a.url for a in answers)
    lines = [
        f"{title}: {len(answers)}",
        "by route: " + ", ".join(f"{k} ×{n}" for k, n in kinds.most_common()),
    ]
    return "\n".join(lines + [str(a) for a in answers])


def _refused(answer: Answer) -> bool:
    if answer.status in REFUSALS:
        return True
    if answer.status in (301, 302, 303):
        path = urlsplit(answer.location).path
        if path.startswith(SIGN_IN):
            return True
    return False


# --- what the walk must show --------------------------------------------------------------


def test_city_b_is_set_up_through_the_page_and_nobody_is_made_superuser(walk):
    b = walk.world.b
    assert b.how == "page", (
        f"the 新建城市 page answered {b.page_status}; B was set up by the service"
    )
    assert b.city.name == B_CITY["城市名称"]
    assert not b.superusers, f"setting up {b.city.name} made superusers of {b.superusers}"


def test_city_b_users_belong_to_city_b(walk):
    b = walk.world.b
    assert user_city_field(), "User.city does not exist yet"
    wrong = {login: city for login, city in b.given_city.items() if city != b.city.pk}
    assert not wrong, f"the setup did not put them in {b.city.name} ({b.city.pk}): {wrong}"


def test_b_users_see_their_own_city(walk):
    """The walk proves something only if B's users are signed in and see B: each gets
    B's project page, its item, and its project in the API's list (token and session)."""
    b = walk.world.b
    wanted = {
        f"/projects/{b.project.code}/": "B's own",
        f"/items/{b.item.pk}/": "B's own",
        "/api/v1/projects": "token",
        "/api/v1/projects ": "session",
    }
    missing = []
    for login in walk.refusals:
        for url, body in wanted.items():
            seen = [
                a
                for a in walk.answers
                if a.phase == "read" and a.user == login and a.url == url.strip() and a.body == body
            ]
            if not any(a.status == 200 and (a.own or url.startswith("/items/")) for a in seen):
                missing.append(f"{login} {url.strip()} [{body}]: {[a.status for a in seen]}")
    assert not missing, "B's users do not see B:\n" + "\n".join(missing)


def test_a_ids_open_for_a_itself(walk):
    """Each URL of step 1 opens for A's own office (the admin's for the superuser):
    a 404 there too would mean the walk named nothing."""
    bad = [
        a
        for a in walk.answers
        if a.phase == "control" and (a.status == 404 or a.status >= 500)
        and (a.route, a.status) not in CONTROL_404
    ]  # fmt: skip
    assert not bad, _listing("A's own URLs that A cannot open", bad)


def test_every_route_is_walked_or_known(walk):
    assert not walk.unfilled, f"routes naming an object with nothing of A to name: {walk.unfilled}"
    assert not walk.unknown_schema_paths, (
        f"API paths served by no route of the URLconf: {walk.unknown_schema_paths}"
    )
    assert not walk.stale_known, f"listed routes that no longer exist: {walk.stale_known}"


def test_no_object_of_city_a_answers_city_b(walk):
    bad = [a for a in walk.answers if a.phase == "object" and not _refused(a) and not a.blind]
    assert not bad, _listing("A's objects answered to B's users", bad)


def test_no_list_or_page_of_city_b_shows_city_a(walk):
    bad = [a for a in walk.answers if a.phase == "read" and a.leaked]
    assert not bad, _listing("B's pages naming A's data", bad)


def test_refusals_disclose_nothing_of_city_a(walk):
    bad = [a for a in walk.answers if a.phase == "object" and a.leaked and _refused(a)]
    assert not bad, _listing("refusals naming A's data", bad)


#: POST operations that read only: their body names no object, and what they answer
#: comes from the caller's own city (the walk's write recorder still watches them).
READING_POSTS = {
    "/api/v1/intake": "reads a newspaper text against the caller's city's projects and "
    "proposes facts; nothing is stored until they are accepted",
}


#: POST operations that write only in the caller's own city and whose body names no
#: object (a period): accepted from B's users, watched by the write recorder.
OWN_CITY_POSTS = {
    "/api/v1/bulletins": "drafts a bulletin of the caller's own city for a period",
}


def test_writes_naming_city_a_change_nothing_of_a_and_the_api_refuses_them(walk):
    changed_a = [a for a in walk.answers if a.a_changed]
    accepted = [
        a
        for a in walk.answers
        if a.phase == "write"
        and a.url.startswith("/api/")
        and 200 <= a.status < 300
        and a.body not in ("", "empty")
        and not (a.url in READING_POSTS and not a.writes)
        and a.url not in OWN_CITY_POSTS
    ]
    assert not changed_a, _listing("requests of B's users that changed A's rows", changed_a)
    assert not accepted, _listing("API writes naming A's ids accepted", accepted)


def test_nothing_is_written_by_the_walk_over_a_objects(walk):
    wrote = [a for a in walk.answers if a.writes]
    assert not wrote, _listing("requests on A's objects that wrote", wrote)
    assert walk.db_before == walk.db_after, (
        f"tables changed: {changed(walk.db_before, walk.db_after)}"
    )
    assert walk.a_before == walk.a_after, (
        f"A's tables changed: {changed(walk.a_before, walk.a_after)}"
    )


def test_nothing_answers_5xx(walk):
    bad = [a for a in walk.answers if a.status >= 500 and (a.route, a.status) not in HEALTH]
    assert not bad, _listing("server errors", bad)


def test_every_b_user_has_refusals_audited(walk):
    missing = sorted(login for login, count in walk.refusals.items() if count == 0)
    assert not missing, f"no refusal audited for {missing} (counts {walk.refusals})"


def test_a_session_of_b_adds_nothing_to_a_screen_token(walk):
    more = [
        line
        for line, signed_in, anonymous in walk.capability
        if 200 <= signed_in < 300 and not 200 <= anonymous < 300
    ]
    assert walk.capability, "the 大屏 route was not walked"
    assert not more, "\n".join(more)


def test_a_session_of_b_gets_the_public_pages_as_anyone_does(walk):
    """公开: A's public month is for everyone — B's users get what no session gets (the same
    status; a page, byte for byte: a refusal is the site's own page, with their menu), and no
    more; and A's published month is really there to get."""
    assert walk.public, "the public pages were not walked"
    differ = [
        f"{login} {url}: {mine[0]} vs {anyone[0]}"
        for login, url, mine, anyone in walk.public
        if mine[0] != anyone[0] or (200 <= anyone[0] < 300 and mine[1] != anyone[1])
    ]
    assert not differ, "\n".join(differ)
    shown = {url: anyone[0] for _login, url, _mine, anyone in walk.public}
    assert shown["/public/"] == 200 and shown[f"/public/{walk.world.a.code}/2019/10/"] == 200


def test_city_export_of_b_names_nobody_of_a(walk, tmp_path):
    target = tmp_path / "b.xlsx"
    call_command("city", "export", B_CITY["城市名称"], str(target))
    from openpyxl import load_workbook

    book = load_workbook(target, read_only=True)
    logins = {
        row[0] for row in book["用户"].iter_rows(min_row=3, values_only=True) if row and row[0]
    }
    theirs = logins - {login for login, *_ in B_USERS.values()}
    assert not theirs, f"{B_CITY['城市名称']}'s export lists users of elsewhere: {sorted(theirs)}"
    text = " ".join(
        str(v)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v
    )
    leaked = [m for m in walk.world.markers if m in text]
    assert not leaked, f"{B_CITY['城市名称']}'s export names A's {leaked}"
