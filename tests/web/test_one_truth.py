"""One truth from the data date (issue 31): the project page's sentence and table, the wall
chart, the API, the risk's run with no uncertainty, the dashboard and the 大屏 say the same
of every item of every demo project — its early and late finish, its float, its node flag."""

import re
from html import unescape

import numpy as np
import pytest
from django.test import Client

from guatu.core.risk import Dist
from guatu.core.risk.engine import run_risk
from guatu.core.risk.model import RiskInput
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.progress.status import items_status, status_table
from guatu.projects.models import Project, WorkItem
from guatu.projects.scheduling import plan_networks
from guatu.risk.durations import item_durations
from guatu.risk.services import city_calibration
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
            assert row["flag"] == status.flag and row["light"] == status.light, item.name
            # A node overdue can no longer be met: its float says so.
            if status.flag == "overdue" or status.reason == "overdue":
                assert item.total_float is not None and item.total_float < 0, item.name

        # The wall chart.
        for row in wall_rows(project=project, items=items, statuses=statuses):
            item = by_name[row.name]
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

    # The dashboard and the 大屏 count the lights the items have.
    table = status_table(city=city)
    counts = {light: int((np.array(table.light_names()) == light).sum()) for light in ("red",)}
    assert counts["red"] == sum(
        1 for status in items_status(items=list(WorkItem.objects.all())).values()
        if status.light == "red"
    )  # fmt: skip
