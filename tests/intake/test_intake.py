"""The intake page, the evidence it stores, and the command, from the outside."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from guatu.accounts.models import User
from guatu.intake.models import Evidence
from guatu.projects.models import Project, WorkItem

pytestmark = pytest.mark.django_db
SEED = Path(__file__).parents[1] / "core" / "data" / "seed-page.txt"


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_supervisor_restores_the_page_and_attaches_a_fact(demo):
    client = signed_in("supervisor")
    text = SEED.read_text(encoding="utf-8")
    page = client.post(
        "/intake/", {"source": "永康日报 2019-11-16 第1版", "issue": "2019-11-16", "text": text}
    )
    assert page.status_code == 200
    assert "以目标时限为工作底线确保无障碍施工" in page.text
    assert "我市对小微企业园建设再动员再部署再推进" in page.text
    facts = page.context["facts"]
    index, deadline, suggested = next(f for f in facts if f[1].kind == "deadline")
    assert deadline.value == "2020-06-30" and suggested == "jintai-railway"
    # Facts are shown in words: no kind, status or project code reaches the reader.
    table = page.text[page.text.index("<tbody>", page.text.index("fact-0") - 2000) :]
    cells = re.findall(r"<td>([^<]*)</td>", table)
    for code in ("deadline", "on_track", "behind", "relative", "jintai-railway", "project"):
        assert not any(code in cell for cell in cells), code
    assert "时限" in cells and "稳步推进" in " ".join(cells)
    before = list(
        WorkItem.objects.filter(project__code="jintai-railway").values_list("deadline", flat=True)
    )
    done = client.post(
        "/intake/",
        {
            "accept": "1",
            "original": text,
            "source": "永康日报 2019-11-16 第1版",
            "issue": "2019-11-16",
            f"fact-{index}": "jintai-railway",
        },
    )
    assert done.status_code == 302
    (evidence,) = Evidence.objects.all()
    assert (evidence.kind, evidence.value, evidence.project.code) == (
        "deadline",
        "2020-06-30",
        "jintai-railway",
    )
    assert (
        "具备通车条件" in evidence.quote
        and evidence.article == "以目标时限为工作底线确保无障碍施工"
    )
    after = list(
        WorkItem.objects.filter(project__code="jintai-railway").values_list("deadline", flat=True)
    )
    assert after == before, "accepting evidence changes nothing else"
    project_page = client.get("/projects/jintai-railway/")
    assert "具备通车条件" in project_page.text
    assert "<td>时限</td>" in project_page.text and "<td>deadline</td>" not in project_page.text


def test_only_the_supervision_office_takes_in_pages(demo):
    text = SEED.read_text(encoding="utf-8")
    for username in ("leader", "town_shizhu"):
        response = signed_in(username).post(
            "/intake/", {"issue": "2019-11-16", "text": text, "source": "x"}
        )
        assert response.status_code == 403
        accept = signed_in(username).post(
            "/intake/",
            {"accept": "1", "original": text, "issue": "2019-11-16", "fact-0": "jintai-railway"},
        )
        assert accept.status_code == 403
    assert not Evidence.objects.exists()


def test_a_pdf_with_a_text_layer(demo, tmp_path):
    from weasyprint import HTML

    pdf = tmp_path / "page.pdf"
    HTML(
        string="<html><body><h1>以目标时限为工作底线确保无障碍施工</h1><p>□首席记者 陈晓苏</p>"
        "<p>本报讯 15 日，市委书记金政赴石柱、前仓等地现场督查金台铁路项目工程推进情况。</p>"
        "</body></html>"
    ).write_pdf(pdf)
    with pdf.open("rb") as handle:
        page = signed_in("supervisor").post(
            "/intake/", {"source": "x", "issue": "2019-11-16", "file": handle}
        )
    assert page.status_code == 200
    assert any(f[1].kind == "person" and f[1].value == "金政" for f in page.context["facts"])
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 broken")
    with scan.open("rb") as handle:
        refused = signed_in("supervisor").post(
            "/intake/", {"source": "x", "issue": "2019-11-16", "file": handle}
        )
    assert refused.status_code == 400


def test_the_command(demo, capsys):
    call_command("intake", str(SEED), "--date", "2019-11-16", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert [a["headline"] for a in data["articles"]] == [
        "我市对小微企业园建设再动员再部署再推进",
        "以目标时限为工作底线确保无障碍施工",
    ]
    assert data["captions"][0]["photographer"] == "杨成栋"
    assert {"kind": "deadline", "value": "2020-06-30"}.items() <= next(
        f for f in data["facts"] if f["kind"] == "deadline"
    ).items()
    assert any(f["kind"] == "project" and f["value"] == "jintai-railway" for f in data["facts"])
    call_command("intake", str(SEED), "--date", "2019-11-16")
    assert "## 以目标时限为工作底线确保无障碍施工" in capsys.readouterr().out
    assert Project.objects.filter(code="jintai-railway").exists()


def test_the_command_reads_a_page_without_a_database(tmp_path):
    """The seen bug: on a fresh checkout `guatu intake FILE` died with "no such table"."""
    env = {**os.environ, "GUATU_DATA_DIR": str(tmp_path / "empty")}
    env.pop("GUATU_DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "guatu.settings.local"
    done = subprocess.run(
        [sys.executable, "-m", "guatu", "intake", str(SEED), "--date", "2019-11-16"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "guatu migrate" in done.stderr
    assert "| 时限 | " in done.stdout and "deadline" not in done.stdout


def test_the_api(demo):
    from guatu.accounts.tokens import token_create

    def bearer(username):
        user = User.objects.get(username=username)
        return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}

    text = SEED.read_text(encoding="utf-8")
    body = json.dumps({"text": text, "issue": "2019-11-16"})
    denied = Client().post(
        "/api/v1/intake", body, content_type="application/json", **bearer("leader")
    )
    assert denied.status_code == 403
    read = Client().post(
        "/api/v1/intake", body, content_type="application/json", **bearer("supervisor")
    )
    assert read.status_code == 200
    data = read.json()
    assert data["articles"][1]["headline"] == "以目标时限为工作底线确保无障碍施工"
    deadline = next(f for f in data["facts"] if f["kind"] == "deadline")
    accept = json.dumps(
        {
            "text": text,
            "issue": "2019-11-16",
            "source": "永康日报",
            "choices": [{"fact": deadline["index"], "project": "jintai-railway"}],
        }
    )
    town = Client().post(
        "/api/v1/intake/evidence", accept, content_type="application/json", **bearer("town_shizhu")
    )
    assert town.status_code == 403 and not Evidence.objects.exists()
    done = Client().post(
        "/api/v1/intake/evidence", accept, content_type="application/json", **bearer("supervisor")
    )
    assert done.status_code == 201 and done.json()[0]["value"] == "2020-06-30"
    assert Evidence.objects.get().project.code == "jintai-railway"
