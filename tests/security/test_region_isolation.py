"""Isolation proven for the level above (issue 29): "the same walk for the roll-up roles
(read-only below, nothing outside their subtree)".

The world of ``test_city_isolation`` (永康市 A from the demo, 建德市 B set up through the
新建城市 page), and above them:

- a prefecture P (金华市 330700), the parent of A and B, with a user of every role whose
  city is P (the town and department users belong to a town and a department of P's
  own: a prefecture has its own bureaus, and a 街道 of a 市辖区 stands in for a town);
- a second prefecture Q (衢州市 330800) with nothing below it, and its office.

B is given one object of every kind a route names (a report with a photo, blockers,
a baseline, an adjustment with a file, a bulletin, an escalation with an answer and its
file, a park with a unit and an application, a notice, a robot, a 大屏, an estimate), so
that every route is walked with B's ids as well as A's.

The walk (the colleague's ``Walker``: same routes, same forms and API bodies, same
savepoint per request), as each user of P and as Q's office:

1. every route and API operation naming an object, with A's ids and with B's: GET,
   POST empty and plausible per action, the API's method with and without a body, by
   token and by session;
2. every route without an object (and B's own project pages): GET;
3. every write of those routes and of the API (forms naming A's ids);
4. ``/region/<code>/`` with A's, B's, P's and Q's codes, GET and POST.

P's office and Q's office name every id of A and B that the colleague's walk names
(one to three of each kind); P's leader, town, department and administrator users the
first of each kind (every format of a document still): the refusal of a write is the
same for every id, and what the roles read differs by route, not by id.

What must hold: P's users read below (GETs 200 or a refusal, never 5xx) and write
nothing — every POST/PUT/PATCH/DELETE answers 403 (405/404 or a redirect to signing
in where a route cannot be written) and is audited (``write_from_above``, refused),
except their own sign-out, password and inbox (``org.middleware.OWN_WRITES``), which
may write but nothing of A or B; their lists name nothing of Q. Q's office gets only
403/404/405 on A's and B's objects (or a redirect that is the same for an id that does
not exist, as the admin's for an object it cannot find: it looks nothing up), its lists
and /region/ name nothing of A, B or P, and ``GET /api/v1/region`` is []. A's and B's
own users get 404 on /region/, /region/<code>/ and ``GET /api/v1/region``. No request of
P or Q writes anything (every INSERT/UPDATE/DELETE is recorded per request and undone;
a read may write only the tables of ``WRITTEN_BY_READS``, each with its reason), and the
whole database and A's and B's own rows are fingerprinted around the walk. Failures
list every offending request: (user, method, url [body]) status, with whose ids.
"""

import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings

from guatu.accounts.models import Role, User
from guatu.accounts.services import user_create
from guatu.accounts.tokens import token_create
from guatu.api import throttle
from guatu.audit.models import AuditEntry
from guatu.common.scope import scoped_to
from guatu.ledger.exporting import ledger_workbook
from guatu.org.middleware import OWN_WRITES, SAFE_METHODS
from guatu.org.models import City, Department, Town
from tests.security.test_city_isolation import (
    FULL,
    HEALTH,
    MONTH_WORKBOOK,
    STATIC,
    Answer,
    Walker,
    World,
    _build_world,
    _refused,
    routes,
)
from tests.security.two_cities import (
    B_CITY,
    B_PROJECT,
    TODAY,
    Writes,
    changed,
    db_fingerprint,
    investment_ids,
    jpeg_bytes,
    owned_fingerprint,
    owned_rows,
    response_text,
)

pytestmark = pytest.mark.django_db

P_CITY = {"name": "金华市", "code": "330700", "office_name": "金华市重大项目建设指挥部"}
Q_CITY = {"name": "衢州市", "code": "330800", "office_name": "衢州市重点项目推进办"}
P_TOWN = ("婺城区城东街道", Town.Kind.SUBDISTRICT)
P_DEPARTMENT = ("金华市发展和改革委员会", "金华发改委")
#: role → login: one user of every role whose city is P.
P_USERS = {
    Role.SUPERVISOR: "jh_office",
    Role.LEADER: "jh_leader",
    Role.TOWN: "jh_town",
    Role.DEPARTMENT: "jh_dept",
    Role.ADMIN: "jh_admin",
}
Q_OFFICE = "qz_office"

#: What Q's office may answer on A's and B's objects (the brief: nothing of P's subtree).
Q_REFUSALS = {403, 404, 405}
#: What a write of P's may answer besides 403 where a route cannot be written at all.
P_UNWRITABLE = {403, 404, 405}
#: Tables a GET of the level above may write, each for its reason (any other write by
#: a read, and every write by a write, fails the walk).
WRITTEN_BY_READS = {
    "progress_standingsnapshot": "the cities' standings are a read model: /region/ and"
    " GET /api/v1/region store each city's standing when they compute it (not data of"
    " the city's own, and recomputed from it)",
    "notify_rules": "the notification settings page makes its own city's default rules"
    " row when first opened (P's or Q's own, nothing of A or B)",
}


# --- B, given one object of every kind a route names --------------------------------------


def pdf_bytes() -> bytes:
    """A real one-page PDF (evidence must open as a PDF)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def b_extras(b) -> dict[str, list]:
    """Build B's objects of every kind (as its own users would have them) and return
    B's ids in the shape of ``two_cities.a_ids``."""
    from guatu.baselines.models import AdjustmentFile
    from guatu.baselines.services import adjustment_propose, baseline_freeze
    from guatu.core.enterprise import complete_credit_code
    from guatu.notify.models import Kind, Notice, Robot
    from guatu.parks.models import Application, CriteriaSet, Enterprise, Park, ParkUnit
    from guatu.problems.services import problem_assign, problem_close, problem_reply
    from guatu.progress.models import ReportPhoto
    from guatu.progress.services import blocker_open, report_submit
    from guatu.projects.models import Dependency
    from guatu.projects.services import work_item_create
    from guatu.risk.estimates import estimate_set
    from guatu.screens.services import screen_token_create
    from guatu.supervision.models import EscalationLevel, NoticeReply, NoticeReplyFile
    from guatu.supervision.services import bulletin_draft, escalation_record

    office, town_user = b.users[Role.SUPERVISOR], b.users[Role.TOWN]
    with scoped_to((b.city.pk,)):
        successor = work_item_create(
            actor=office,
            project=b.project,
            code="jd2",
            name="乾潭段路基施工",
            duration_days=90,
            town=b.town,
            owner_department=b.department,
        )
        Dependency.objects.create(predecessor=b.item, successor=successor)
        baseline = baseline_freeze(project=b.project, actor=office, name="建德大道基线")
        report = report_submit(
            work_item=b.item,
            reported_by=town_user,
            reported_on=TODAY,
            percent=Decimal(20),
            note="乾潭段已签约二十户（建德）",
            today=TODAY,
        )
        later = report_submit(
            work_item=b.item,
            reported_by=town_user,
            reported_on=TODAY,
            percent=Decimal(25),
            note="乾潭段已签约二十五户（建德）",
            supersedes=report,
            correction_reason="建德更正户数",
            today=TODAY,
        )
        photo = ReportPhoto(report=later, content_type="image/jpeg", size=100, width=64, height=48)
        for name, attr in (("b-site", "image"), ("b-thumb", "thumbnail"), ("b-disp", "display")):
            getattr(photo, attr).save(f"{name}.jpg", ContentFile(jpeg_bytes()), save=False)
        photo.save()
        blockers = []
        for n, text in enumerate(("乾潭段坟墓迁移未谈妥（建德）", "乾潭段电力杆线迁改（建德）")):
            blockers.append(
                blocker_open(
                    actor=office,
                    work_item=b.item,
                    description=text,
                    owner_department=b.department,
                    responsible_person="建德联系人",
                    opened_on=TODAY,
                    due_on=date(2019, 11, 22 + n),
                )
            )
        problem_close(actor=office, blocker=blockers[1], text="建德已迁改")
        # 问题清单: B's first problem 交办ed (its 交办单) and answered with a PDF.
        problem_assign(
            actor=office,
            blocker=blockers[0],
            category="clearance",
            level=1,
            action_required="建德乾潭段月底前完成迁坟",
            owner_department=b.department,
            responsible_person="建德联系人",
            due_on=date(2019, 11, 29),
        )
        answered = problem_reply(
            actor=b.users[Role.DEPARTMENT],
            blocker=blockers[0],
            text="建德已迁坟一处",
            files=[SimpleUploadedFile("建德反馈.pdf", pdf_bytes(), "application/pdf")],
        )
        adjustment = adjustment_propose(
            actor=town_user, work_item=b.item, reason="建德征迁延期", new_duration_days=90
        )
        evidence = AdjustmentFile(
            adjustment=adjustment,
            name="建德征迁协议.pdf",
            content_type="application/pdf",
            size=20,
            uploaded_by=town_user,
        )
        evidence.file.save("b-evidence.pdf", ContentFile(b"%PDF-1.4 region\n"), save=False)
        evidence.save()
        bulletin = bulletin_draft(actor=office, city=b.city, period_text="2019-11")
        escalation, _created = escalation_record(
            work_item=b.item,
            level=EscalationLevel.REMINDER,
            period="2019-11",
            evidence={"note": "建德督办"},
            issued_by=office,
        )
        answer = NoticeReply.objects.create(
            escalation=escalation, text="建德整改反馈（隔离测试）", created_by=town_user
        )
        answer_file = NoticeReplyFile(reply=answer, name="建德整改报告.pdf", size=20)
        answer_file.file.save("b-answer.pdf", ContentFile(b"%PDF-1.4 region\n"), save=False)
        answer_file.save()
        park = Park.objects.create(
            city=b.city,
            town=b.town,
            code="jd-park",
            name="乾潭镇小微企业园（建德）",
            land_area_mu=Decimal(80),
            floor_area_m2=Decimal(60000),
            leading_industries="C33",
        )
        unit = ParkUnit.objects.create(park=park, code="建德1号楼-01", floor_area_m2=2400)
        CriteriaSet.objects.create(
            park=park,
            version=1,
            valid_from=date(2019, 6, 1),
            min_tax_per_mu=Decimal(25),
            min_tax_per_m2=Decimal(400),
            max_energy_per_value_added=Decimal("0.8"),
            note="建德首批准入条件",
            created_by=office,
        )
        enterprise = Enterprise.objects.create(
            city=b.city,
            credit_code=complete_credit_code("91330182MA2J00010"),
            name="建德市乾潭隔离机械有限公司",
            industry="C3389",
        )
        application = Application.objects.create(
            park=park,
            enterprise=enterprise,
            year=2018,
            tax=Decimal(300),
            output=Decimal(8000),
            value_added=Decimal(2000),
            energy=Decimal(500),
            employees=60,
            rd=Decimal(200),
            land_mu=Decimal(10),
            floor_area=Decimal(2400),
            investment=Decimal(3000),
            submitted_on=date(2019, 9, 2),
        )
        notice = Notice.objects.create(
            recipient=office,
            kind=Kind.ESCALATION,
            title="建德督办提醒（隔离测试）",
            body="建德市推进中心提醒：乾潭镇请按期填报。",
            url=f"/items/{b.item.pk}/",
            event="region-walk",
        )
        robot = Robot.objects.create(
            city=b.city,
            town=b.town,
            kind="dingtalk",
            name="乾潭镇工作群（建德）",
            webhook="https://oapi.dingtalk.com/robot/send?access_token=jiande",
        )
        estimate_set(
            actor=office,
            item=b.item,
            optimistic=Decimal(40),
            most_likely=Decimal(60),
            pessimistic=Decimal(90),
        )
        screen, token = screen_token_create(actor=office, name="建德指挥中心大屏")
        investment = investment_ids(b.city, office)
    return {
        "project": [b.project.code],
        "item": [b.item.pk],
        "report": [report.pk, later.pk],
        "blocker": [blockers[0].pk, blockers[1].pk],
        "assigned_problem": [blockers[0].pk],
        "problem_file": [answered.files.get().pk],
        "leader": [b.users[Role.LEADER].pk],
        "adjustment": [adjustment.pk],
        "adjustment_file": [evidence.pk],
        "reply_file": [answer_file.pk],
        "bulletin": [bulletin.pk],
        "escalation": [escalation.pk],
        "park": [park.code],
        "application": [application.pk],
        "unit": [unit.code],
        "notice": [notice.pk],
        "robot": [robot.pk],
        "town": [b.town.pk],
        "department": [b.department.pk],
        "photo": [photo.pk],
        "screen": [screen.pk],
        "screen_token": [token],
        "baseline": [baseline.number],
        "baseline_project": [b.project.code],
        "estimate_item": [b.item.pk],
        "estimate_project": [b.project.code],
        "user": [office.pk],
        "link": [Dependency.objects.filter(predecessor=b.item).order_by("pk").first().pk],
        "link_project": [b.project.code],
        **investment,
    }


def b_markers() -> list[str]:
    """Strings only B's data contains (its setup and the objects of ``b_extras``)."""
    return sorted(
        {
            B_CITY["城市名称"],
            B_CITY["发文机关"],
            "乾潭镇",
            "新安江街道",
            "建德市林业水利局",
            "建德市港航管理中心",
            B_PROJECT[1],
            "乾潭段征地拆迁",
            "乾潭段已签约",
            "乾潭段坟墓迁移未谈妥（建德）",
            "建德征迁延期",
            "建德征迁协议",
            "乾潭镇小微企业园（建德）",
            "建德市乾潭隔离机械有限公司",
            "建德督办提醒",
            "乾潭镇工作群（建德）",
            "建德指挥中心大屏",
        }
    )


def p_markers() -> list[str]:
    return [P_CITY["name"], P_CITY["office_name"], P_TOWN[0], P_DEPARTMENT[0]]


def q_markers() -> list[str]:
    return [Q_CITY["name"], Q_CITY["office_name"]]


# --- the world: two cities, the prefecture above them, and another prefecture ---------


@dataclass
class Region:
    world: World  # the colleague's: A, B, root, A's ids
    a: City
    b: City
    p: City
    q: City
    worlds: dict[str, World]  # "A"/"B" → the world whose ids the walkers name
    walkers: list[str]  # P's logins, then Q's office
    p_logins: list[str]
    a_users: dict[str, User]  # role → A's own user
    b_users: dict[str, User]
    clients: dict[str, Client]  # every login above and below → signed-in client
    tokens: dict[str, str]


def _signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _build_region() -> Region:
    world = _build_world()
    a, b = world.a, world.b.city
    p = City.objects.create(level=City.Level.PREFECTURE, **P_CITY)
    q = City.objects.create(level=City.Level.PREFECTURE, **Q_CITY)
    for city in (a, b):
        city.parent = p
        city.save(update_fields=["parent"])
    p_town = Town.objects.create(city=p, name=P_TOWN[0], kind=P_TOWN[1])
    p_department = Department.objects.create(
        city=p, name=P_DEPARTMENT[0], short_name=P_DEPARTMENT[1]
    )
    users = {}
    for role, login in P_USERS.items():
        users[login] = user_create(
            username=login,
            password=f"pw-{login}-region-1",
            role=role,
            full_name=f"金华{role}",
            town=p_town if role == Role.TOWN else None,
            department=p_department if role == Role.DEPARTMENT else None,
            city=p,
        )
    users[Q_OFFICE] = user_create(
        username=Q_OFFICE, password="pw-qz-office-region-1", role=Role.SUPERVISOR, city=q
    )
    for user in users.values():
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
    b_ids = b_extras(world.b)
    b_office = world.b.users[Role.SUPERVISOR]
    b_control = _signed_in(b_office)
    plan = b_control.get(f"/projects/{world.b.project.code}/mspdi.xml")
    assert plan.status_code == 200, "B's office cannot export B's plan"
    month = b_control.get(MONTH_WORKBOOK)
    assert month.status_code == 200, "B's office cannot download B's 月报"
    b_user_pks = {u.pk for u in world.b.users.values()}
    b_owned = owned_rows(b, b_user_pks)
    b_owned[AuditEntry] = set(
        AuditEntry.objects.filter(user_id__in=b_user_pks).values_list("pk", flat=True)[:5]
    )
    # A's own users: one of every role the demo has (it has no administrator of A's own).
    a_users = {
        role: user
        for role in P_USERS
        if (user := User.objects.filter(city=a, role=role, is_active=True).order_by("pk").first())
    }
    assert {Role.SUPERVISOR, Role.LEADER, Role.TOWN, Role.DEPARTMENT} <= set(a_users), a_users
    clients = {login: _signed_in(user) for login, user in users.items()}
    tokens = {login: token_create(user=user) for login, user in users.items()}
    for user in (*a_users.values(), *world.b.users.values()):
        clients[user.username] = _signed_in(user)
    p_logins = list(P_USERS.values())
    walker_clients = {login: clients[login] for login in [*p_logins, Q_OFFICE]}
    walker_tokens = {login: tokens[login] for login in [*p_logins, Q_OFFICE]}
    world_a = replace(world, clients=walker_clients, tokens=walker_tokens, markers=[])
    world_b = replace(
        world,
        a=b,
        ids={**b_ids, "project_type": world.ids["project_type"], "project_pk": [b_project_pk(b)]},
        markers=[],
        a_users=b_user_pks,
        clients=walker_clients,
        tokens=walker_tokens,
        files={
            "ledger": ledger_workbook(city=b, projects=[world.b.project]),
            "mspdi": plan.content,
            "investment": month.content,
        },
        owned=b_owned,
        control={"office": b_control, "root": world.control["root"]},
        control_token=token_create(user=b_office),
    )
    return Region(
        world=world,
        a=a,
        b=b,
        p=p,
        q=q,
        worlds={"A": world_a, "B": world_b},
        walkers=[*p_logins, Q_OFFICE],
        p_logins=p_logins,
        a_users=a_users,
        b_users=dict(world.b.users),
        clients=clients,
        tokens=tokens,
    )


def b_project_pk(b: City) -> int:
    from guatu.projects.models import Project

    return Project.everywhere.get(city=b, code=B_PROJECT[0]).pk


# --- the walk ---------------------------------------------------------------------------


@dataclass
class Step(Answer):
    """One request of the walk: the colleague's answer, with whose ids it named and
    whether its refusal was audited."""

    ids: str = ""  # "A" or "B": whose ids the URL or body names ("" for lists)
    audited: bool | None = None  # a write: its write_from_above refusal is in the log
    own_write: bool = False  # the user's own sign-out, password or inbox

    def __str__(self) -> str:
        text = super().__str__()
        if self.ids:
            text += f" (ids of {self.ids})"
        if self.audited is False:
            text += " not audited"
        return text


class RegionWalker(Walker):
    """The colleague's walker with another ``send``: every write of every phase is
    recorded and undone (nothing may write, not even on a list page), each write is
    matched to its audit entry, and what is shown is scanned for *markers* (those a
    walker must not see) only where there are some."""

    def __init__(self, world: World, ids: str, markers: dict[str, list[str]], log: list):
        self.world = world
        self.ids = ids
        self.markers = markers  # login → strings that login must not see
        self.answers = log
        #: "A"/"B" → (world, owned fingerprint): checked after an own write that wrote.
        self.cities: dict[str, tuple[World, dict]] = {}
        #: Each id parameter at its first value only (format variants kept): a sample.
        self.sampled = False
        #: Phases whose answers are scanned for markers (what is shown costs time).
        self.scanned = ("read", "object")

    def send(self, phase, user, client, method, url, body_label="", route="", ghost=None, **kwargs):
        writes = Writes()
        path = urlsplit(url).path
        own = method not in SAFE_METHODS and path.startswith(OWN_WRITES)
        last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with transaction.atomic():
            with connection.execute_wrapper(writes):
                response = getattr(client, method.lower())(url, **kwargs)
            status = response.status_code
            answer = Step(
                user=user,
                phase=phase,
                method=method,
                url=url,
                body=body_label,
                status=status,
                location=response.get("Location", "") if 300 <= status < 400 else "",
                route=route,
                ids=self.ids if phase in ("object", "control") else "",
                own_write=own,
            )
            if method not in SAFE_METHODS and phase != "control":
                answer.audited = AuditEntry.objects.filter(
                    pk__gt=last,
                    user__username=user,
                    action="write_from_above",
                    allowed=False,
                    detail__path=path[:200],
                    detail__method=method,
                ).exists()
            if writes.seen and phase != "control":
                answer.writes = writes.seen
                if own:
                    answer.a_changed = self._cities_changed()
            if writes.seen or phase == "control":
                transaction.set_rollback(True)  # undone: the next request sees all whole
            markers = [] if route in STATIC else self.markers.get(user, [])
            if markers and phase in self.scanned and (status == 200 or _refused(answer)):
                text = response_text(response)
                answer.leaked = [m for m in markers if m in text]
            elif response.streaming:
                b"".join(response.streaming_content)
        if ghost is not None and answer.location and not _refused(answer):
            answer.blind = self._same_for_ghost(answer, client, method, ghost, kwargs)
        self.answers.append(answer)
        return answer

    def _cities_changed(self) -> list[str]:
        out = []
        for label, (world, before) in self.cities.items():
            after = owned_fingerprint(world.a, world.a_users)
            out += [f"{label}:{table}" for table in changed(before, after)]
        return out

    def _fills(self, spec: dict) -> list[dict]:
        fills = super()._fills(spec)
        if not self.sampled:
            return fills
        ids = [name for name, source in spec.items() if isinstance(source, str)]
        return [f for f in fills if all(f[n] == fills[0][n] for n in ids)]


@dataclass
class RegionWalk:
    steps: list[Step]
    region: Region
    seconds: float
    db_before: dict
    db_after: dict
    owned_before: dict[str, dict]
    owned_after: dict[str, dict]
    unfilled: dict[str, list[str]]
    region_json: dict[str, object] = field(default_factory=dict)  # login → /api/v1/region
    capability: dict[str, int] = field(default_factory=dict)  # 大屏 URL → anonymous status


def _region_urls(region: Region) -> dict[str, str]:
    """/region/<code>/ for each city, by whose code it is."""
    return {name: f"/region/{city.code}/" for name, city in
            (("A", region.a), ("B", region.b), ("P", region.p), ("Q", region.q))}  # fmt: skip


@pytest.fixture(scope="module")
def region_walk(demo, django_db_blocker, tmp_path_factory) -> RegionWalk:
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        started = time.monotonic()
        region = _build_region()
        all_routes = routes()
        steps: list[Step] = []
        a_b_p = region.world.markers + b_markers() + p_markers()
        markers = {login: q_markers() for login in region.p_logins}
        markers[Q_OFFICE] = a_b_p
        walkers = {
            label: RegionWalker(world, label, markers, steps)
            for label, world in region.worlds.items()
        }
        # B's ids open for B's own office (the superuser for the admin): an id that B's
        # users cannot open either would prove nothing (A's: the colleague's walk).
        walkers["B"].control(all_routes)
        owned_before = {
            label: owned_fingerprint(world.a, world.a_users)
            for label, world in region.worlds.items()
        }
        for walker in walkers.values():
            walker.cities = {
                label: (world, owned_before[label]) for label, world in region.worlds.items()
            }
        db_before = db_fingerprint()
        unfilled: dict[str, list[str]] = {}
        # P's office and Q's: every id of A and B (make test: Q's only — which city an id is
        # of matters to Q; P's writes are refused whatever the id). CI: GUATU_ISOLATION_FULL.
        full = {region.p_logins[0], Q_OFFICE} if FULL else {Q_OFFICE}
        for login in region.walkers:
            cache.clear()  # the API's rate limit counts per user: no 429 in the walk
            throttle.forget()
            for walker in walkers.values():
                walker.sampled = login not in full
                # P may read A and B: its pages are scanned for Q's names on lists only.
                walker.scanned = ("read",) if login in region.p_logins else ("read", "object")
            for label, walker in walkers.items():
                # /region/<code>/ is walked below, with every city's code.
                unfilled[label] = [
                    r for r in walker.objects(login, all_routes) if r != "region/<slug:code>/"
                ]
                walker.api_objects(login)
            cache.clear()
            throttle.forget()
            walkers["A"].reads(login, all_routes)
            cache.clear()
            throttle.forget()
            walkers["A"].writes(login, all_routes)
            client = region.clients[login]
            for whose, url in _region_urls(region).items():
                walkers["A"].ids = whose
                walkers["A"].send("object", login, client, "GET", url, route="region/<code>/")
                walkers["A"].send(
                    "object", login, client, "POST", url, "empty", route="region/<code>/"
                )
            walkers["A"].ids = "A"
        region_json, capability = {}, {}
        with transaction.atomic():
            for login in region.walkers:
                region_json[login] = region.clients[login].get("/api/v1/region").json()
            for step in steps:
                if step.phase == "capability" and step.url not in capability:
                    anonymous = Client(raise_request_exception=False).get(step.url)
                    capability[step.url] = anonymous.status_code
            transaction.set_rollback(True)
        # A's and B's own users: no level above them to see.
        for user in (*region.a_users.values(), *region.b_users.values()):
            client = region.clients[user.username]
            urls = ["/region/", *_region_urls(region).values(), "/api/v1/region"]
            for url in urls:
                walkers["A"].send("below", user.username, client, "GET", url, route="region")
        db_after = db_fingerprint()
        owned_after = {
            label: owned_fingerprint(world.a, world.a_users)
            for label, world in region.worlds.items()
        }
        result = RegionWalk(
            steps=steps,
            region=region,
            seconds=time.monotonic() - started,
            db_before=db_before,
            db_after=db_after,
            owned_before=owned_before,
            owned_after=owned_after,
            unfilled=unfilled,
            region_json=region_json,
            capability=capability,
        )
        print(_summary(result))
        if dump := os.environ.get("GUATU_REGION_DUMP"):
            with open(dump, "w", encoding="utf-8") as out:
                for step in steps:
                    out.write(json.dumps(step.__dict__, ensure_ascii=False, default=str) + "\n")
        yield result
        transaction.set_rollback(True)


def _summary(walk: RegionWalk) -> str:
    users = Counter(s.user for s in walk.steps)
    statuses = Counter((s.phase, s.method != "GET", s.status) for s in walk.steps)
    return (
        f"region walk: {len(walk.steps)} requests in {walk.seconds:.0f} s;"
        f" by user {dict(users)}; (phase, write, status) {dict(sorted(statuses.items()))}"
    )


def _listing(title: str, steps) -> str:
    steps = list(steps)
    kinds = Counter(f"{s.user} {s.method} {s.route or s.url}" for s in steps)
    lines = [
        f"{title}: {len(steps)}",
        "by user, method and route: " + ", ".join(f"{k} ×{n}" for k, n in kinds.most_common()),
    ]
    return "\n".join(lines + [str(s) for s in steps])


def _of(walk: RegionWalk, logins) -> list[Step]:
    logins = set(logins)
    return [s for s in walk.steps if s.user in logins and s.phase != "control"]


def _is_write(step: Step) -> bool:
    return step.method not in SAFE_METHODS


def _signin_redirect(step: Step) -> bool:
    return step.status in (301, 302, 303) and urlsplit(step.location).path.startswith(
        ("/login/", "/admin/login/")
    )


# --- what the walk must show --------------------------------------------------------------


def test_the_prefecture_is_above_a_and_b_and_q_above_nothing(region_walk):
    region = region_walk.region
    assert region.a.parent_id == region.b.parent_id == region.p.pk
    assert not City.everywhere.filter(parent=region.q).exists()
    users = User.objects.filter(username__in=region.walkers)
    wrong = [(u.username, u.city_id) for u in users if u.city_id not in (region.p.pk, region.q.pk)]
    assert not wrong, f"users of the level above not of P or Q: {wrong}"
    assert {u.role for u in users if u.city_id == region.p.pk} == set(P_USERS)
    assert not [u.username for u in users if u.is_superuser]


def test_the_prefectures_users_rank_a_and_b_and_q_ranks_nothing(region_walk):
    """Every user of P gets A's and B's rows from ``GET /api/v1/region``; Q's office []."""
    region = region_walk.region
    wanted = {region.a.name, region.b.name}
    wrong = {}
    for login, rows in region_walk.region_json.items():
        names = {row["name"] for row in rows} if isinstance(rows, list) else rows
        expected = set() if login == Q_OFFICE else wanted
        if names != expected:
            wrong[login] = names
    assert not wrong, f"/api/v1/region answered (expected {wanted} for P, none for Q): {wrong}"
    assert region_walk.region_json[Q_OFFICE] == []


def test_the_prefectures_users_read_below(region_walk):
    """The walk proves something only if P's users do read A and B: their projects,
    items and /region/<code>/ answer 200 with either city's ids."""
    region = region_walk.region
    routes_read = ("projects/<slug:code>/", "items/<int:pk>/", "region/<code>/")
    missing = []
    for login in region.p_logins:
        for whose in ("A", "B"):
            for route in routes_read:
                seen = [
                    s
                    for s in region_walk.steps
                    if s.user == login and s.ids == whose and s.route == route and s.method == "GET"
                ]
                if not any(s.status == 200 for s in seen):
                    missing.append(f"{login} {route} ({whose}): {[s.status for s in seen]}")
    assert not missing, "P's users do not read below:\n" + "\n".join(missing)


def test_b_ids_open_for_b_itself(region_walk):
    from tests.security.test_city_isolation import CONTROL_404

    bad = [
        s
        for s in region_walk.steps
        if s.phase == "control"
        and (s.status == 404 or s.status >= 500)
        and (s.route, s.status) not in CONTROL_404
    ]
    assert not bad, _listing("B's own URLs that B cannot open", bad)


def test_every_route_is_walked_with_a_and_b_ids(region_walk):
    unfilled = {label: routes for label, routes in region_walk.unfilled.items() if routes}
    assert not unfilled, f"routes walked with nothing of that city to name: {unfilled}"


def test_nothing_answers_5xx(region_walk):
    bad = [
        s
        for s in region_walk.steps
        if s.status >= 500 and (s.route, s.status) not in HEALTH and s.phase != "control"
    ]
    assert not bad, _listing("server errors", bad)


def test_every_write_of_the_level_above_is_refused(region_walk):
    """P's users and Q's office: every POST/PUT/PATCH/DELETE (page and API, empty and
    plausible, with A's ids, B's ids and none) is refused — 403, or 404/405 or a redirect
    to signing in where nothing can be written — but their own sign-out, password and inbox."""
    bad = [
        s
        for s in _of(region_walk, region_walk.region.walkers)
        if _is_write(s) and not s.own_write
        and not (s.status in P_UNWRITABLE or _signin_redirect(s))
    ]  # fmt: skip
    assert not bad, _listing("writes of the level above not refused", bad)


def test_every_refused_write_is_audited(region_walk):
    bad = [
        s
        for s in _of(region_walk, region_walk.region.walkers)
        if _is_write(s) and not s.own_write and s.status == 403 and not s.audited
    ]
    assert not bad, _listing("refusals not audited as write_from_above", bad)


def test_nothing_is_written_by_the_level_above(region_walk):
    """No request of P's or Q's wrote (reads included), but their own writes, which
    change nothing of A or B; the database and A's and B's rows are whole after it."""
    wrote = [
        s
        for s in _of(region_walk, region_walk.region.walkers)
        if s.a_changed
        or (s.writes and _is_write(s) and not s.own_write)
        or (s.writes and not _is_write(s) and {t for t, _v in s.writes} - set(WRITTEN_BY_READS))
    ]
    assert not wrote, _listing("requests of the level above that wrote", wrote)
    assert region_walk.db_before == region_walk.db_after, (
        f"tables changed: {changed(region_walk.db_before, region_walk.db_after)}"
    )
    for label in ("A", "B"):
        before, after = region_walk.owned_before[label], region_walk.owned_after[label]
        assert before == after, f"{label}'s tables changed: {changed(before, after)}"


def test_the_prefectures_pages_name_nothing_of_q(region_walk):
    bad = [s for s in _of(region_walk, region_walk.region.p_logins) if s.leaked]
    assert not bad, _listing("P's pages naming Q", bad)


def test_q_gets_nothing_of_the_prefectures_subtree(region_walk):
    """Q's office on A's and B's objects: 403/404/405 only (a redirect the same for an
    id that does not exist looks nothing up); B's own project pages: the same."""
    bad = []
    for s in _of(region_walk, [Q_OFFICE]):
        if s.phase == "object" or (s.phase == "read" and s.body == "B's own"):
            if s.status not in Q_REFUSALS and not s.blind:
                bad.append(s)
        elif (
            s.phase == "capability"
            and 200 <= s.status < 300
            and not 200 <= region_walk.capability[s.url] < 300
        ):
            bad.append(s)
    assert not bad, _listing("A's and B's objects answered to Q's office", bad)


def test_q_lists_and_region_name_nothing_of_a_b_or_p(region_walk):
    bad = [s for s in _of(region_walk, [Q_OFFICE]) if s.leaked and s.phase != "capability"]
    assert not bad, _listing("Q's pages naming A, B or P", bad)
    region_page = [
        s
        for s in region_walk.steps
        if s.user == Q_OFFICE and s.url == "/region/" and s.method == "GET"
    ]
    assert region_page and all(s.status == 200 for s in region_page), [str(s) for s in region_page]


def test_a_and_b_users_have_no_level_above_to_see(region_walk):
    """A's and B's own users of every role: /region/, /region/<code>/ and
    ``GET /api/v1/region`` answer 404."""
    below = [s for s in region_walk.steps if s.phase == "below"]
    assert len(below) == 6 * (len(region_walk.region.a_users) + len(region_walk.region.b_users))
    bad = [s for s in below if s.status != 404]
    assert not bad, _listing("region pages answered to a city's own users", bad)
