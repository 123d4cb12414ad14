"""Production settings pass Django's deployment checklist."""

import os
import subprocess
import sys

import pytest


def run(args, **env_overrides):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "guatu.settings.production",
        "GUATU_ALLOWED_HOSTS": "guatu.example.gov.cn",
        "GUATU_SITE_URL": "https://guatu.example.gov.cn",
        **env_overrides,
    }
    return subprocess.run(
        [sys.executable, "-m", "guatu", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_a_real_secret():
    result = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        GUATU_SECRET_KEY="x7!Qp2#Lm9$Vb4^Rt6&Zc8*Wn1@Hs3%Jk5(Fd0)Gy-Ue_Ai+Oo=Pl~" * 2,
        GUATU_DATA_KEY="k" * 40,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_asks_for_a_data_key_of_its_own():
    secret = "x7!Qp2#Lm9$Vb4^Rt6&Zc8*Wn1@Hs3%Jk5(Fd0)Gy-Ue_Ai+Oo=Pl~" * 2
    unset = run(
        ["check", "--deploy", "--fail-level", "WARNING"], GUATU_SECRET_KEY=secret, GUATU_DATA_KEY=""
    )
    assert unset.returncode != 0 and "guatu.W001" in unset.stderr + unset.stdout
    short = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        GUATU_SECRET_KEY=secret,
        GUATU_DATA_KEY="short",
    )
    assert short.returncode != 0 and "guatu.W002" in short.stderr + short.stdout


@pytest.mark.parametrize(
    ("site_url", "code"),
    [
        ("", "guatu.E003"),
        ("http://guatu.example.gov.cn", "guatu.E004"),
        ("guatu.example.gov.cn", "guatu.E004"),
        ("https://", "guatu.E004"),
    ],
)
def test_check_deploy_fails_without_the_sites_https_address(site_url, code):
    """Without it a 钉钉 card's button links to ``/items/120/``: an error, not a warning."""
    result = run(
        ["check", "--deploy"],
        GUATU_SECRET_KEY="x7!Qp2#Lm9$Vb4^Rt6&Zc8*Wn1@Hs3%Jk5(Fd0)Gy-Ue_Ai+Oo=Pl~" * 2,
        GUATU_DATA_KEY="k" * 40,
        GUATU_SITE_URL=site_url,
    )
    assert result.returncode != 0, result.stdout + result.stderr
    assert code in result.stderr and "GUATU_SITE_URL" in result.stderr


def test_production_refuses_to_start_without_a_secret():
    env = {k: v for k, v in os.environ.items() if k != "GUATU_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "-m", "guatu", "check"],
        env={**env, "DJANGO_SETTINGS_MODULE": "guatu.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "GUATU_SECRET_KEY" in result.stderr
