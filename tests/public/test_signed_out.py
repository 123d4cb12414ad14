"""Signed out, the public pages open and nothing else does: every route of the URLconf is
tried without a session; only the public's pages (and signing in, the health check) answer
2xx, everything else sends to sign-in or refuses."""

import pytest
from django.test import Client

from guatu.org.models import City
from tests.web.test_every_url import concrete, routes

pytestmark = pytest.mark.django_db

#: What answers a visitor who has not signed in, each with its reason.
OPEN = {
    "healthz": "the load balancer's health check",
    "login/": "signing in",
    "public/": "公开",
    "public/<citycode:city>/": "公开",
    "public/<citycode:city>/feed.xml": "公开",
    "public/<citycode:city>/<int:year>/<int:month>/": "公开",
    "public/<citycode:city>/<int:year>/<int:month>/snapshot.xlsx": "公开",
    "public/<citycode:city>/<int:year>/<int:month>/photos/<int:number>.jpg": "公开",
    "screen/<str:token>/": "a 大屏 token is its own credential (an unknown one is refused)",
}


def test_only_the_public_pages_open_signed_out(demo):
    values = {
        "public.city": City.objects.get(name="永康市").code,
        "public.year": "2019",
        "public.month": "10",
    }
    anyone = Client(raise_request_exception=False)
    opened, public = [], 0
    for route in routes():
        for url in concrete(route, values):
            answer = anyone.get(url)
            if 200 <= answer.status_code < 300:
                if route not in OPEN:
                    opened.append(f"{url}: {answer.status_code}")
                elif route.startswith("public/"):
                    public += 1
                    assert not answer.cookies, url
            elif answer.status_code in (301, 302):
                assert answer["Location"].startswith("/login/") or route in OPEN, url
    assert not opened, "open without signing in:\n" + "\n".join(opened)
    assert public >= 5  # the demo's month, its workbook, the feed, the city's page, the root
