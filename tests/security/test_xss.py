"""Stored XSS through names, and the Content-Security-Policy that would stop what slipped past."""

import re

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.org.models import Town
from guatu.projects.models import Project, WorkItem

pytestmark = pytest.mark.django_db

BREAKOUT = 'P" onmouseover="alert(document.cookie)" x="'
SCRIPT = "<script>alert(1)</script>"


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def assert_inert(html: str) -> None:
    assert "onmouseover=" not in html.replace("onmouseover=&quot;", "")
    assert 'onmouseover="' not in html
    assert "<script>alert(1)</script>" not in html


def test_names_cannot_break_out_of_the_wall_chart_or_the_pages(demo):
    """The seen attack: a project name set through a ledger import ran for anyone opening it."""
    project = Project.objects.get(code="jintai-railway")
    Project.objects.filter(pk=project.pk).update(name=BREAKOUT)
    WorkItem.objects.filter(project=project, code="wq-zd").update(name=SCRIPT)
    Town.objects.filter(name="石柱镇").update(name=f"石柱镇{SCRIPT}")
    leader = signed_in("leader")
    for url in (
        "/projects/jintai-railway/",
        "/projects/jintai-railway/wallchart/",
        "/projects/jintai-railway/wallchart.svg",
        "/projects/",
        "/",
        "/towns/",
    ):
        response = leader.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())
    svg = leader.get("/projects/jintai-railway/wallchart.svg").content.decode()
    assert 'aria-label="P&quot; onmouseover=&quot;' in svg


def test_every_page_sends_a_strict_policy_and_needs_no_inline_code(demo):
    from guatu.org.models import City
    from guatu.supervision.services import bulletin_draft

    office = User.objects.get(username="supervisor")
    draft = bulletin_draft(actor=office, city=City.objects.get(), period_text="2019-W46")
    leader = signed_in("supervisor")
    pages = ("/", "/projects/jintai-railway/", "/intake/", "/bulletins/", f"/bulletins/{draft.pk}/")
    for url in (*pages, "/login/"):
        response = leader.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
        assert "unsafe-inline" not in policy
        html = response.content.decode()
        inline_scripts = [s for s in re.findall(r"<script\b[^>]*>", html) if "src=" not in s]
        assert not inline_scripts, (url, inline_scripts)
        assert not re.search(r"<style\b", html), url
        assert not re.search(r"\sstyle=\"", html), url
        assert not re.search(r"\son[a-z]+=\"", html), url
