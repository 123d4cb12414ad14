"""The report as a town official files it from a phone: the saved message first, the new
report first, the last figure beside the input, and photos that survive a refused try."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from guatu.accounts.models import User
from guatu.org.models import City
from guatu.progress.held import held_photos
from guatu.progress.models import ProgressReport
from guatu.supervision.models import EscalationEvent
from guatu.supervision.services import bulletin_draft
from tests.web.test_reporting import item, post, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg(name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (180, 120, 60)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def history_dates(page: str) -> list[str]:
    section = page[page.index("<h2>填报记录</h2>") :]
    section = section[: section.index("</table>")]
    return re.findall(r'<td class="date">(\d{4}-\d{2}-\d{2})</td>', section)


def test_after_a_report_the_page_opens_on_the_message_and_the_new_report_comes_first(demo):
    town = sign_in("town_shizhu")
    land = item("jintai-railway", "wq-zd")  # 亩, reported on 2019-11-15
    today = ProgressReport.objects.get(work_item=land, reported_on="2019-11-15")
    response = post(
        town,
        f"/items/{land.pk}/",
        {
            "action": "report",
            "reported_on": "2019-11-15",
            "quantity": str(today.quantity_done + 1),
            "unit": "mu",
            "supersedes": today.pk,
            "correction_reason": "补报下午的数",
            "note": "下午又交地一亩",
        },
    )
    # The form was posted from …/#report: the redirect names the top of the page, where
    # the message is, or the browser would keep the fragment and open on the empty form.
    assert response.status_code == 302 and response["Location"].endswith("#top")
    page = town.get(response["Location"].split("#")[0]).text
    assert "已保存填报。" in page
    assert page.index("已保存填报。") < page.index("<h1>") < page.index('id="report"')
    dates = history_dates(page)
    assert dates == sorted(dates, reverse=True)
    first_row = page[page.index("<h2>填报记录</h2>") :].split("</tr>")[1]
    assert "下午又交地一亩" in first_row


def test_the_last_figure_and_its_unit_stand_beside_the_input(demo):
    town = sign_in("town_shizhu")
    land = item("jintai-railway", "wq-zd")
    last = (
        ProgressReport.objects.filter(work_item=land, superseded_by__isnull=True)
        .order_by("reported_on", "created_at")
        .last()
    )
    figure = f"{last.quantity_done.normalize():f}"
    page = town.get(f"/items/{land.pk}/").text
    hint = f"上次填报：{figure} 亩（{last.reported_on:%Y-%m-%d}）"
    assert hint in page
    # Beside the quantity input, not somewhere else on the page.
    assert page.index('id="id_quantity"') < page.index(hint) < page.index('id="id_unit"')
    design = item("park-shizhu", "zj")  # a percentage item
    page = town.get(f"/items/{design.pk}/").text
    assert "上次填报：85%（2019-11-15）" in page


def test_photos_survive_a_refused_report_and_are_stored_with_the_corrected_one(demo, media):
    town = sign_in("town_shizhu")
    land = item("jintai-railway", "wq-zd")
    today = ProgressReport.objects.get(work_item=land, reported_on="2019-11-15")
    figure = {
        "action": "report",
        "reported_on": "2019-11-15",
        "quantity": "5",
        "unit": "hh",  # 户 cannot become 亩: refused by the report rules
        "supersedes": today.pk,
        "correction_reason": "补报",
    }
    page = post(town, f"/items/{land.pk}/", {**figure, "photos": [jpeg("东侧.jpg")]})
    assert page.status_code == 200 and "无法把 5 户 换算为亩" in page.text
    assert "已附 1 张照片：东侧.jpg" in page.text
    token = re.search(r'name="held_photos" value="([^"]+)"', page.text).group(1)
    # A second refused try (a form error this time) keeps them and adds the new one.
    page = post(
        town,
        f"/items/{land.pk}/",
        {**figure, "reported_on": "2019-13-45", "held_photos": token, "photos": [jpeg("西侧.jpg")]},
    )
    assert page.status_code == 200 and "已附 2 张照片：东侧.jpg, 西侧.jpg" in page.text
    token = re.search(r'name="held_photos" value="([^"]+)"', page.text).group(1)
    # Not for anyone else: another user, or the same user on another item, finds nothing.
    other = User.objects.get(username="supervisor")
    assert held_photos(token, user=other, item=land) == []
    owner = User.objects.get(username="town_shizhu")
    assert held_photos(token, user=owner, item=item("park-shizhu", "zj")) == []
    assert "已附" not in sign_in("supervisor").get(f"/items/{land.pk}/").text
    assert [photo.name for photo in held_photos(token, user=owner, item=land)] == [
        "东侧.jpg",
        "西侧.jpg",
    ]
    # The corrected try sends no file: the held ones are stored with the report.
    response = post(
        town, f"/items/{land.pk}/", {**figure, "quantity": "60", "unit": "mu", "held_photos": token}
    )
    assert response.status_code == 302
    stored = ProgressReport.objects.get(work_item=land, supersedes=today)
    assert stored.photos.count() == 2
    assert held_photos(token, user=owner, item=land) == []  # released once stored
    assert not any((media / "held").rglob("*.bin"))


def test_another_user_cannot_use_a_held_token(demo):
    town = sign_in("town_shizhu")
    land = item("jintai-railway", "wq-zd")
    today = ProgressReport.objects.get(work_item=land, reported_on="2019-11-15")
    figure = {
        "action": "report",
        "reported_on": "2019-11-15",
        "quantity": "5",
        "unit": "hh",
        "supersedes": today.pk,
        "correction_reason": "补报",
    }
    page = post(town, f"/items/{land.pk}/", {**figure, "photos": [jpeg("东侧.jpg")]})
    token = re.search(r'name="held_photos" value="([^"]+)"', page.text).group(1)
    supervisor = sign_in("supervisor")  # may report on any item
    response = post(
        supervisor,
        f"/items/{land.pk}/",
        {**figure, "quantity": "60", "unit": "mu", "held_photos": token},
    )
    assert response.status_code == 302
    stored = ProgressReport.objects.get(work_item=land, supersedes=today)
    assert stored.reported_by.username == "supervisor" and stored.photos.count() == 0


def test_the_bulletin_and_notice_pdfs_open_in_the_browser(demo):
    """On a phone a download lands in a folder nobody finds: a PDF opens inline."""
    office = User.objects.get(username="supervisor")
    bulletin = bulletin_draft(actor=office, city=City.objects.get(), period_text="2019-W46")
    reader = sign_in("supervisor")
    pdf = reader.get(f"/bulletins/{bulletin.pk}/bulletin.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline")
    word = reader.get(f"/bulletins/{bulletin.pk}/bulletin.docx")
    assert word["Content-Disposition"].startswith("attachment")  # a file to keep
    for page in ("/bulletins/", f"/bulletins/{bulletin.pk}/"):
        text = reader.get(page).text
        assert not re.search(r'href="[^"]*\.pdf"[^>]*\bdownload\b', text), page
    town = sign_in("town_shizhu")
    event = EscalationEvent.objects.filter(town__name="石柱镇", number__isnull=False)[0]
    notice = town.get(f"/escalations/{event.pk}/notice.pdf")
    assert notice["Content-Disposition"].startswith("inline")
    for page in ("/escalations/", f"/escalations/{event.pk}/"):
        text = town.get(page).text
        assert not re.search(r'href="[^"]*\.pdf"[^>]*\bdownload\b', text), page
