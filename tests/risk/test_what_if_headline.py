"""The risk page's headline follows the what-if: a moved time node shows both dates and
both chances, the same figures as its row in the table."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.projects.models import WorkItem

pytestmark = pytest.mark.django_db

PERCENT = re.compile(r"(?<![\d.-])\d+%")


class _Page(HTMLParser):
    """The text of each lead paragraph and the cells of each table row."""

    def __init__(self) -> None:
        super().__init__()
        self.leads: list[str] = []
        self.rows: list[list[str]] = []
        self._lead: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "p" and "lead" in (dict(attrs).get("class") or "").split():
            self._lead = []
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "p" and self._lead is not None:
            self.leads.append(" ".join("".join(self._lead).split()))
            self._lead = None
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        for part in (self._lead, self._cell):
            if part is not None:
                part.append(data)


def _page(client: Client, url: str) -> _Page:
    response = client.get(url)
    assert response.status_code == 200
    page = _Page()
    page.feed(response.content.decode())
    return page


def _figures(page: _Page, item: WorkItem) -> tuple[str, str, str]:
    """The item's row: its time node, today's chance and the chance with the change."""
    header = next(row for row in page.rows if "P10" in row)  # the time nodes' table
    row = next(row for row in page.rows if row and row[0] == item.name)
    assert len(row) == len(header) == 9, (header, row)  # with the change: the last column
    return row[1], row[6], PERCENT.findall(row[8])[0]


@pytest.fixture
def leader_client(demo) -> Client:
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    return client


def test_moving_the_key_node_moves_the_headline_with_it(leader_client):
    """金台铁路's 同期交付 carries the project's target (2020-06-30): moved to 2021-03-31, the
    headline says both dates and both chances, as the node's row does, and no line still
    claims the old date alone."""
    node = WorkItem.objects.get(project__code="jintai-railway", code="tc-jf")
    assert node.deadline.isoformat() == "2020-06-30" == node.project.deadline.isoformat()
    page = _page(
        leader_client, f"/projects/jintai-railway/risk/?node_item={node.pk}&node_date=2021-03-31"
    )
    old, before, after = _figures(page, node)
    assert old == "2020-06-30"
    lines = [line for line in page.leads if "2021-03-31" in line]
    assert len(lines) == 1, page.leads  # the headline names the new date
    line = lines[0]
    assert node.name in line
    assert "2020-06-30" in line and line.index("2020-06-30") < line.index("2021-03-31")
    assert PERCENT.findall(line) == [before, after], (line, before, after)
    row = next(row for row in page.rows if row and row[0] == node.name)
    assert row[8].startswith("2021-03-31 · ")  # the row says which date its chance is of
    assert all("2021-03-31" in lead for lead in page.leads if "2020-06-30" in lead), page.leads


def test_moving_another_node_keeps_the_target_line_and_adds_the_nodes(leader_client):
    """A node that does not carry the target gets its own line; the target's stays."""
    railway = WorkItem.objects.get(project__code="jintai-railway", code="tc-jf").project
    node = WorkItem.objects.get(project=railway, code="zx-tj-5")
    plain = _page(leader_client, "/projects/jintai-railway/risk/")
    (target,) = plain.leads
    assert "2020-06-30" in target and len(PERCENT.findall(target)) == 1
    page = _page(
        leader_client, f"/projects/jintai-railway/risk/?node_item={node.pk}&node_date=2022-12-31"
    )
    old, before, after = _figures(page, node)
    lines = [line for line in page.leads if "2022-12-31" in line]
    assert len(lines) == 1, page.leads
    moved = lines[0]
    assert node.name in moved and old in moved and moved.index(old) < moved.index("2022-12-31")
    assert PERCENT.findall(moved) == [before, after]
    (kept,) = [line for line in page.leads if line != moved]
    assert "2020-06-30" in kept and "2022-12-31" not in kept  # the target did not move
    assert PERCENT.findall(kept)[:1] == PERCENT.findall(target)  # today's chance → the change's
    assert len(PERCENT.findall(kept)) == 2
