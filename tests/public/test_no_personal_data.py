"""The public page names nobody: every public output of the demo (each page, every cell of
the workbook, the feed, the photo's 水印) is scanned for every person, phone and internal
note the database holds — after a unit wrote a 形象进度 that names its leader and a phone,
and the office chose that month's photo and published."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from PIL import Image

from guatu.accounts.models import User
from guatu.investment.models import CheckFlag, MonthlyReport, MonthlyReview
from guatu.investment.services import MonthFigures, monthly_submit
from guatu.org.models import City
from guatu.problems.models import ProblemStep
from guatu.progress.models import Blocker, ProgressReport, ReportReview
from guatu.projects.models import Project, TaskForceMember
from guatu.public import services
from guatu.public.content import MASK
from guatu.public.models import Snapshot, SnapshotPhoto
from guatu.supervision.models import NoticeReply

pytestmark = pytest.mark.django_db

LEADER, PHONE = "王立新", "0579-0000 0001"  # the railway's 包联 leader and his phone (示例)
#: A town official's mobile, kept on their account, and written in fullwidth digits in the words.
MOBILE, MOBILE_WRITTEN = "13800000007", "１３８ ０００ ００００７"


@pytest.fixture
def published(demo, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    """October corrected by the office with words naming the leader and a photo; the photo
    chosen for the public and October published again."""
    settings.MEDIA_ROOT = tmp_path
    drawn = []
    real = services.display_copy

    def spy(data, lines):
        drawn.append(list(lines))
        return real(data, lines)

    monkeypatch.setattr(services, "display_copy", spy)
    office = User.objects.get(username="supervisor")
    User.objects.filter(username="town_shizhu").update(mobile=MOBILE)
    railway = Project.objects.get(code="jintai-railway")
    october = MonthlyReport.objects.get(
        project=railway, year=2019, month=10, superseded_by__isnull=True
    )
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 140, 200)).save(out, "JPEG")
    corrected = monthly_submit(
        actor=office,
        project=railway,
        year=2019,
        month=10,
        figures=MonthFigures(
            amount=october.amount,
            progress_text=(
                f"站房主体完成，{LEADER}副市长现场督导，联系电话{PHONE}（示例）；"
                f"镇联络员手机{MOBILE_WRITTEN}，另{MOBILE}。"
            ),
        ),
        supersedes=october,
        correction_reason="补充形象进度照片",
        photos=[SimpleUploadedFile("site.jpg", out.getvalue(), content_type="image/jpeg")],
        today=railway.city.status_date,
    )
    photo = corrected.photos.get()
    client = Client()
    client.force_login(office)
    chosen = client.post(
        "/public/manage/?month=2019-10",
        {"action": "photo", "project": railway.pk, "photo": photo.pk},
    )
    assert chosen.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/public/manage/", {"action": "publish", "month": "2019-10"})
    assert answer.status_code == 302
    return drawn


def people_and_notes() -> set[str]:
    """Every person's name, login and phone, and every internal note, of the database."""
    found: set[str] = set()
    for user in User.objects.all():
        found.update((user.username, user.full_name, user.get_full_name(), user.mobile))
    for member in TaskForceMember.objects.all():
        found.update((member.name, member.phone))
    found.update(Project.objects.values_list("responsible_leader", flat=True))
    found.update(
        User.objects.filter(led_projects__isnull=False).values_list("full_name", flat=True)
    )
    found.update(ProgressReport.objects.values_list("note", flat=True))
    found.update(ReportReview.objects.values_list("note", flat=True))
    for fields in Blocker.objects.values_list(
        "description", "responsible_person", "action_required", "reply", "resolution"
    ):
        found.update(fields)
    found.update(MonthlyReview.objects.values_list("note", flat=True))
    found.update(CheckFlag.objects.values_list("clear_note", flat=True))
    found.update(ProblemStep.objects.values_list("text", flat=True))
    found.update(NoticeReply.objects.values_list("text", flat=True))
    found.update((LEADER, PHONE, MOBILE, MOBILE_WRITTEN, "13800000007", "138 000 00007"))
    return {value.strip() for value in found if value and len(value.strip()) >= 2}


def public_texts(city: City) -> dict[str, str]:
    """Every public output, as text: pages (markup and all), the workbook's cells, the feed."""
    anyone = Client()
    code = city.code
    texts = {}
    for url in (
        "/public/",
        f"/public/{code}/",
        f"/public/{code}/2019/10/",
        f"/public/{code}/feed.xml",
    ):
        answer = anyone.get(url)
        assert answer.status_code == 200, url
        texts[url] = answer.content.decode()
    answer = anyone.get(f"/public/{code}/2019/10/snapshot.xlsx")
    book = load_workbook(io.BytesIO(answer.content))
    texts["xlsx"] = "\n".join(
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )
    properties = book.properties
    texts["xlsx properties"] = f"{properties.creator} {properties.lastModifiedBy}"
    return texts


def test_no_public_output_names_a_person_or_a_note(published):
    city = City.objects.get(name="永康市")
    texts = public_texts(city)
    secrets = people_and_notes()
    assert len(secrets) > 50  # the demo's people and notes are there to be found
    found = [
        f"{where}: {secret}"
        for where, text in texts.items()
        for secret in secrets
        if secret in text
    ]
    assert not found, "\n".join(found)
    # The leader's words are published, the person masked: the rest of the sentence stands.
    page = texts[f"/public/{city.code}/2019/10/"]
    assert "站房主体完成" in page and MASK in page


def test_the_photo_is_the_snapshots_own_and_names_nobody(published):
    city = City.objects.get(name="永康市")
    snapshot = Snapshot.objects.get(version=2)
    (photo,) = SnapshotPhoto.objects.filter(snapshot=snapshot)
    answer = Client().get(f"/public/{city.code}/2019/10/photos/{photo.number}.jpg")
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
    assert not answer.cookies
    with Image.open(io.BytesIO(answer.content)) as image:
        assert not image.getexif()  # no camera, time or place data rides along
    (lines,) = published
    secrets = people_and_notes()
    assert not [s for s in secrets for line in lines if s in line], lines
    assert any("形象进度" in line or "2019" in line for line in lines)
    # The page shows it, from the snapshot's own address.
    page = Client().get(f"/public/{city.code}/2019/10/").content.decode()
    assert f"/public/{city.code}/2019/10/photos/{photo.number}.jpg" in page


def test_the_content_is_a_whitelist(published):
    snapshot = Snapshot.objects.get(version=2)
    project = snapshot.content["projects"][0]
    assert set(project) == {
        "project_code",
        "name",
        "builder",
        "planned_start",
        "planned_completion",
        "started",
        "progress",
        "words",
        "photo",
        "items",
    }
    assert set(snapshot.content) == {
        "schema",
        "city",
        "year",
        "month",
        "as_of",
        "published_on",
        "projects",
        "version",
    }
    assert set(project["progress"]) == {"planned", "actual"}
    for item in project["items"]:
        assert set(item) <= {"kind", "arose", "published", "month", "matter", "authority", "number"}


def test_the_progress_is_the_sites_own_figure(published):
    """Planned and actual % as ``progress.overview`` works them out for the project."""
    from django.db.models import Q

    from guatu.progress.overview import TASKS, progress_overview

    railway = Project.objects.get(code="jintai-railway")
    snapshot = Snapshot.objects.get(version=2)
    overview = progress_overview(
        city=railway.city, as_of=snapshot.as_of, items=TASKS & Q(project=railway)
    )
    shown = snapshot.content["projects"][0]
    assert shown["name"] == railway.name
    assert shown["progress"] == {
        "planned": overview.progress.planned,
        "actual": overview.progress.actual,
    }


def test_a_photo_of_another_month_or_project_is_refused(published):
    from guatu.investment.models import MonthPhoto

    photo = MonthPhoto.objects.get()
    office = Client()
    office.force_login(User.objects.get(username="supervisor"))
    shizhu = Project.objects.get(code="park-shizhu")
    railway = photo.report.project
    for month, project in (("2019-09", railway), ("2019-10", shizhu)):
        answer = office.post(
            f"/public/manage/?month={month}",
            {"action": "photo", "project": project.pk, "photo": photo.pk},
        )
        assert answer.status_code == 400, (month, project)
