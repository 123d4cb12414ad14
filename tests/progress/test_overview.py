"""One read model: every surface shows the same numbers for the same date."""

import json
import re
from datetime import date

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.core.periods import parse_period
from guatu.org.models import City
from guatu.progress.overview import progress_overview
from guatu.projects.models import Project
from guatu.supervision.bulletins import bulletin_content

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def page_lights(html: str) -> dict[str, str]:
    """Project code → the light class on the project list."""
    rows = re.findall(
        r'light light-(\w+)[^<]*</span></td>\s*<td><a href="/projects/([^/]+)/"', html
    )
    return {code: light for light, code in rows}


def ranked_on(html: str) -> list[tuple[str, str]]:
    """(town, on-track percent) in the order a page ranks them; "—" where none is under way."""
    return re.findall(r'<a href="/towns/\d+/">([^<]+)</a></td>\s*<td class="num">(\d+%|—)', html)


def test_the_dashboard_the_town_list_and_the_bulletin_rank_towns_alike(demo):
    city = City.objects.get()
    leader = signed_in("leader")
    towns = progress_overview(city=city).towns()
    ranked = [s for s in towns if s.share is not None]
    assert len(ranked) >= 5  # the demo's towns with work under way
    content = bulletin_content(city=city, period=parse_period("2019-W46"))
    # The bulletin lists the towns with items, in the same order with the same figures;
    # its change is against the previous published bulletin (none here), the dashboard's
    # against a week before (issue 30: 较上期 is the last bulletin's, not 7 days ago).
    assert [(row.name, row.share) for row in content.towns] == [
        (s.name, s.share) for s in towns if sum(s.counts.values())
    ]
    assert content.previous is None and {row.change for row in content.towns} == {None}
    percents = [(s.name, f"{round(s.share * 100)}%") for s in ranked]
    assert ranked_on(leader.get("/").text) == percents  # the dashboard shows the ranked ones
    unranked = [(s.name, "—") for s in towns if s.share is None]
    assert ranked_on(leader.get("/towns/").text) == percents + unranked


def test_the_change_since_last_week_is_computed_not_zero(demo):
    """The seen report: 较上周变化 0.0 for every town. It is 0.0 only where no light moved."""
    city = City.objects.get()
    city.status_date = date(2019, 11, 8)
    city.save()
    try:
        towns = {s.name: s for s in progress_overview(city=city).towns()}
        # 石柱镇's share fell from 57.97 % on 1 November to 50.11 % on 8 November.
        assert towns["石柱镇"].change == -7.9
        page = signed_in("leader").get("/").text
        assert "−7.9" in page
    finally:
        city.status_date = date(2019, 11, 15)
        city.save()


def test_project_lights_agree_on_every_surface_and_xiangzhu_is_under_way(demo):
    leader = signed_in("leader")
    listed = page_lights(leader.get("/projects/").text)
    token = token_create(user=User.objects.get(username="leader"))
    api = {
        p["code"]: p["light"]
        for p in json.loads(
            Client().get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {token}").content
        )
    }
    for project in Project.objects.all():
        detail = leader.get(f"/projects/{project.code}/").text
        heading = re.search(r"<h1>.*?</h1>", detail, re.S).group(0)
        light = re.search(r"light light-(\w+)", heading)
        assert listed.get(project.code) == api[project.code] == (light and light.group(1))
    # 象珠镇小微企业园: five of seven items done, two not yet due — green, not 未开工.
    assert api["park-xiangzhu"] == "green"
