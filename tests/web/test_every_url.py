"""Every page, as every role, with sane and odd parameters: no server error, no code shown.

The URLconf is walked, not listed by hand, so a page added later is tried too.
"""

import html
import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from guatu.accounts.models import User
from guatu.org.models import City, Town
from guatu.parks.models import Application, Park
from guatu.progress.models import Blocker
from guatu.projects.models import Project, WorkItem
from guatu.supervision.models import EscalationEvent
from guatu.supervision.services import bulletin_draft

pytestmark = pytest.mark.django_db

ROLES = [None, "leader", "supervisor", "dept_jiaotong", "town_shizhu", "admin"]
SKIPPED = ("admin/", "api/", "logout/", "i18n/")
#: Pages that build files (PDF, Word, Excel): tried once, as the supervisor.
FILES = re.compile(r"\.(xlsx|docx|pdf|xml|svg)$|wallchart\.|bulletin\.|/photos?/|map/print\.")
ODD = "?page=abc&year=abc&light=purple&town=abc&zoom=decade&group=x&period=zzz&project=%00&q=<i>"
#: Codes that must never be the text a person reads (enum values, internal names).
CODES = re.compile(
    r"\b(not_started|on_track|lag_red|lag_yellow|done_on_time|done_late|reminder|interview|"
    r"criticism|awaiting|confirmed|rejected|escalated|milestone|deadline|behind|relative|"
    r"red|yellow|green|done|draft|published|pending|overdue|task)\b"
)
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def routes() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return [r for r in walk(get_resolver().url_patterns) if not r.startswith(SKIPPED)]


def concrete(route: str, values: dict[str, str]) -> list[str]:
    """The route with real values for its parameters, and with values that match nothing."""
    found, missing = route, route
    for name in re.findall(r"<(?:\w+:)?(\w+)>", route):
        key = f"{route.split('/')[0]}.{name}"
        # Two segments first: supervision/agenda and supervision/problems name different things.
        deeper = f"{'/'.join(route.split('/')[:2])}.{name}"
        real = values.get(deeper, values.get(key, values.get(name, "1")))
        found = re.sub(rf"<(?:\w+:)?{name}>", real, found, count=1)
        missing = re.sub(
            rf"<(?:\w+:)?{name}>", "99999999" if "int:" in route else "zz", missing, count=1
        )
    return ["/" + found] + (["/" + missing] if found != route else [])


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def values(demo, django_db_blocker):
    with django_db_blocker.unblock():
        city = City.objects.get()
        supervisor = User.objects.get(username="supervisor")
        bulletin = bulletin_draft(actor=supervisor, city=city, period_text="2019-W46")
        return {
            "projects.code": Project.objects.order_by("code").first().code,
            "parks.code": Park.objects.order_by("pk").first().code,
            "items.pk": str(WorkItem.objects.order_by("pk").first().pk),
            "towns.pk": str(Town.objects.get(name="石柱镇").pk),
            "bulletins.pk": str(bulletin.pk),
            "escalations.pk": str(EscalationEvent.objects.order_by("pk").first().pk),
            "applications.pk": str(Application.objects.order_by("pk").first().pk),
            "supervision.pk": str(User.objects.get(username="leader").pk),
            "supervision/problems.pk": str(
                Blocker.objects.filter(number__isnull=False).order_by("pk").first().pk
            ),
            # 公开: the demo's published month (October 2019) of its city.
            "public.city": city.code,
            "public.year": "2019",
            "public.month": "10",
            "public.number": "1",
            "projects.fmt": "svg",
            "map.fmt": "pdf",
            "bulletins.fmt": "docx",
            "kind": "thumb",
        }


@pytest.mark.parametrize("role", ROLES)
def test_no_page_fails_or_shows_a_code(role, values):
    client = Client()
    if role:
        client.force_login(User.objects.get(username=role))
    problems = []
    pages = 0
    for route in routes():
        if FILES.search(route) and role != "supervisor":
            continue
        for url in concrete(route, values):
            for query in ("", ODD) if not FILES.search(route) else ("",):
                response = client.get(url + query)
                if response.status_code >= 500:
                    problems.append(f"{url}{query}: {response.status_code}")
                    continue
                if response.status_code in (400, 403, 404):
                    text = response.content.decode()
                    # The 大屏's refusal is its own dark page (a wall screen, no menu).
                    if "topbar" not in text and "s-refused" not in text:
                        problems.append(f"{url}{query}: {response.status_code} outside the site")
                if response.get("Content-Type", "").startswith("text/html"):
                    pages += 1
                    text = visible_text(response.content.decode())
                    for match in {*CODES.findall(text), *SNAKE.findall(text)}:
                        problems.append(f"{url}{query}: shows “{match}”")
    assert pages > 40, pages
    assert not problems, "\n".join(sorted(set(problems)))
