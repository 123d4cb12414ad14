"""One truth from the data date (issue 31): the project page's sentence and table, the wall
chart, the API, the risk's run with no uncertainty, the dashboard and the 大屏 say the same
of every item of every demo project — its early and late finish, its float, its node flag."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import numpy as np
import pytest
from django.test import Client

from guatu.accounts.models import Role
from guatu.accounts.services import user_create
from guatu.common.scope import scoped_to
from guatu.core.periods import parse_period
from guatu.core.risk import Dist
from guatu.core.risk.engine import run_risk
from guatu.core.risk.model import RiskInput
from guatu.core.schedule import schedule
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.progress.nodes import item_flag
from guatu.progress.services import report_submit
from guatu.progress.status import items_status
from guatu.projects.models import Dependency, Project, WorkItem
from guatu.projects.scheduling import plan_networks, schedule_recalculate
from guatu.risk.durations import item_durations
from guatu.risk.services import city_calibration
from guatu.supervision.bulletins import bulletin_content
from guatu.web.dashboard import dashboard
from guatu.web.wallchart import wall_rows
from tests.office import office

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr class="[^"]*">\s*<td class="name">(.*?)</tr>', re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html)).strip()


def _page_rows(html: str) -> dict[str, list[str]]:
    """The work-item table: each row's cells as text, by the item's name."""
    table = html[html.index('id="work-items"') :]
    table = table[: table.index("</table>")]
    rows = {}
    for row in ROW.finditer(table):
        cells = [_text(c) for c in CELL.findall('<td class="name">' + row.group(1))]
        rows[cells[0].lstrip("◆ ").split(" ")[0]] = cells
    return rows


def _api_items(client, code):
    return {row["name"]: row for row in client.get(f"/api/v1/projects/{code}/items").json()}


def test_every_page_tells_the_same_story_of_every_demo_item(demo):
    client = Client()
    client.force_login(office())
    city = City.objects.get()
    projects = list(Project.objects.order_by("code"))
    plans = plan_networks(projects)
    calibration = city_calibration(city, city_today(city))
    for project in projects:
        items = list(project.work_items.select_related("town", "phase").order_by("order", "pk"))
        statuses = items_status(items=items)
        by_name = {item.name: item for item in items}

        # The page: the sentence and the table.
        page = client.get(f"/projects/{project.code}/").content.decode()
        late = [item for item in items if item.total_float is not None and item.total_float < 0]
        assert f"最早完成 {project.early_finish:%Y-%m-%d}" in page, project.code
        if late:
            assert "各工作事项均能赶上时间节点" not in page, project.code
            assert f"有 {len(late)} 个工作事项赶不上时间节点" in page, project.code
        else:
            assert "各工作事项均能赶上时间节点" in page, project.code
        header = page[page.index('id="work-items"') :]
        header = header[: header.index("</thead>")]
        names = [_text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", header, re.S)]
        column = {name: k for k, name in enumerate(names)}
        for name, cells in _page_rows(page).items():
            item = by_name[name]
            shown_float = cells[column["总时差"]]
            assert shown_float == ("" if item.total_float is None else str(item.total_float))
            assert cells[column["最早完成"]] == f"{item.early_finish:%Y-%m-%d}", name
            assert cells[column["最迟完成（倒排）"]] == f"{item.late_finish:%Y-%m-%d}", name

        # The API.
        api = _api_items(client, project.code)
        for item in items:
            row, status = api[item.name], statuses[item.pk]
            assert row["early_finish"] == item.early_finish.isoformat(), item.name
            assert row["late_finish"] == item.late_finish.isoformat(), item.name
            assert row["total_float"] == item.total_float, item.name
            assert row["critical"] == item.critical, item.name
            flag = item_flag(item, status, city_today(city)) or None
            assert row["flag"] == flag and row["light"] == status.light, item.name
            # A node overdue can no longer be met: its float says so.
            if status.flag == "overdue" or status.reason == "overdue":
                assert item.total_float is not None and item.total_float < 0, item.name

        # The wall chart.
        for row in wall_rows(project=project, items=items, statuses=statuses):
            item = by_name[row.name]
            assert (row.flag or None) == (api[item.name]["flag"] or None), item.name
            assert (row.start, row.finish) == (item.early_start, item.early_finish), row.name
            assert row.late_finish == item.late_finish and row.total_float == item.total_float
            assert row.light == statuses[item.pk].light

        # The risk with no uncertainty is the schedule.
        plan = plans[project.pk]
        durations = item_durations(plan, extra_days={}, calibration=calibration, estimates={})
        n = len(plan.items)
        lognormal = durations.dist == Dist.LOGNORMAL
        data = RiskInput(
            durations.network,
            dist=durations.dist,
            p1=durations.p1,
            p2=np.where(lognormal, 0.0, durations.p2),
            p3=np.where(lognormal, 0.0, durations.p3),
            constraints=durations.constraints,
            track=np.arange(n, dtype=np.int64),
        )
        runs = run_risk(data, runs=8, batch=8)
        stored = {item.pk: item for item in items}
        finish = plan.axis.finish_dates(np.rint(runs.finish[:, 0]).astype(np.int64))
        milestone_day = plan.axis.milestone_dates(np.rint(runs.finish[:, 0]).astype(np.int64))
        for i, planned in enumerate(plan.items):
            item = stored[planned.pk]
            day = milestone_day[i] if item.is_milestone else finish[i]
            assert day.item() == item.early_finish, (project.code, item.name)
        assert np.ptp(runs.project_finish) == 0

    # The dashboard, the 大屏 and the bulletin: the same lights, nodes and late finishes.
    every = list(WorkItem.objects.select_related("project"))
    statuses = items_status(items=every)
    tasks = [item for item in every if item.kind == WorkItem.Kind.TASK]
    red = sum(1 for item in tasks if statuses[item.pk].light == "red")
    with scoped_to((city.pk,)):
        board = dashboard(city=city)
    assert board.counts["red"] == red
    black_flags = sum(
        1 for item in every if item.is_milestone and statuses[item.pk].flag == "overdue"
    )
    assert board.overdue_nodes >= black_flags
    issued = client.post("/screens/", {"action": "create", "name": "大屏"}).content.decode()
    link = re.search(r'<code class="screen-url">http://testserver(/screen/[^<]+/)</code>', issued)
    link = link[1]
    screen = Client().get(link).content.decode()
    counts = re.search(r's-count-red"><strong>(\d+)</strong>', screen)
    assert counts and int(counts[1]) == board.counts["red"]
    content = bulletin_content(city=city, period=parse_period(f"{city_today(city):%G-W%V}"))
    assert content.counts == board.counts
    by_key = {(item.project.name, item.name): item for item in tasks}
    assert content.red_items
    for row in content.red_items:
        item = by_key[(row["project"], row["item"])]
        assert row["late_finish"] == item.late_finish.isoformat()
        assert row["light"] == statuses[item.pk].light == "red"


def test_a_generated_city_of_300_projects_stores_what_its_engine_computes(city, departments):
    """300 projects with links, reports before the data date and nodes: every stored early
    and late finish and float is the engine's from the data date, the API's the same."""
    rng = np.random.default_rng(31)
    city.status_date = date(2020, 6, 30)
    city.save(update_fields=["status_date"])
    official = user_create(username="gen-office", password="pw-gen-office-1", role=Role.SUPERVISOR)
    projects = []
    for p in range(300):
        project = Project.objects.create(
            city=city, code=f"g{p}", name=f"项目{p}", start_date=date(2020, 1, 2),
            deadline=date(2020, 1, 2) + timedelta(days=int(rng.integers(150, 400))),
            owner_department=departments["交通局"],
        )  # fmt: skip
        count = int(rng.integers(2, 7))
        items = WorkItem.objects.bulk_create(
            WorkItem(
                project=project, code=f"i{k}", name=f"事项{k}",
                duration_days=int(rng.integers(0, 60)) if k else int(rng.integers(1, 60)),
                kind=WorkItem.Kind.TASK, order=k,
            )
            for k in range(count)
        )  # fmt: skip
        for k in range(1, count):
            Dependency.objects.create(
                predecessor=items[int(rng.integers(0, k))], successor=items[k],
                type=["FS", "SS", "FF", "SF"][int(rng.integers(0, 4))],
                lag_days=int(rng.integers(-2, 5)),
            )  # fmt: skip
        schedule_recalculate(project=project)
        projects.append(project)
    for item in WorkItem.objects.filter(project__city=city, duration_days__gt=0):
        roll = rng.random()
        if roll < 0.5 and item.plan_start < city.status_date:
            report_submit(
                work_item=item, reported_by=official, reported_on=city.status_date,
                percent=Decimal(100 if roll < 0.2 else int(rng.integers(1, 99))),
                today=city.status_date,
            )  # fmt: skip
    plans = plan_networks(projects)
    for project in projects:
        plan = plans[project.pk]
        planned = schedule(plan.network, deadline=plan.deadline, constraints=plan.constraints)
        target = plan.deadline if plan.deadline is not None else planned.early_finish
        result = schedule(
            plan.network, deadline=target, constraints=plan.constraints, progress=plan.progress
        )
        stored = {item.pk: item for item in project.work_items.all()}
        for i, planned_item in enumerate(plan.items):
            item = stored[planned_item.pk]
            finish = plan.axis.finish_dates([result.ef[i]])[0].item()
            if item.duration_days:
                assert item.early_finish == finish, (project.code, item.code)
            done = result.done[i]
            assert item.total_float == (None if done else int(result.tf[i])), item.code
