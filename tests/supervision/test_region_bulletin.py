"""The level above's own bulletin (issue 29): its cities side by side, numbered by it,
told to every city it ranks, and readable by them — a draft by nobody below."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from guatu.accounts.models import User
from guatu.common.scope import scoped_to
from guatu.notify.models import Notice
from guatu.org.models import City
from guatu.progress.overview import progress_overview
from guatu.supervision.models import Bulletin
from guatu.supervision.services import bulletin_draft, bulletin_publish
from guatu.supervision.tasks import weekly_bulletin
from tests.web.test_region import region, signed_in  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _draft(client) -> Bulletin:
    answer = client.post("/bulletins/", {"period": "2019-W46"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return Bulletin.objects.get(pk=int(answer.url.rstrip("/").rsplit("/", 1)[-1]))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_prefecture_drafts_publishes_and_every_city_hears_of_it(region):  # noqa: F811
    office = signed_in(region["jinhua_office"])
    listing = office.get("/bulletins/").content.decode()
    assert 'name="project"' not in listing  # the level above drafts for its cities together
    draft = _draft(office)
    assert draft.city == region["jinhua"] and draft.project is None
    content = draft.content
    assert content["kind"] == "region"
    rows = {row["name"]: row for row in content["cities"]}
    assert set(rows) == {"永康市", "武义县"}
    # One truth: 永康's row is its own overview on its own day (its status date).
    yongkang = region["yongkang"]
    with scoped_to((yongkang.pk,)):
        own = progress_overview(city=yongkang, as_of=date(2019, 11, 15))
    assert rows["永康市"]["as_of"] == "2019-11-15"
    assert rows["永康市"]["counts"] == own.counts
    assert rows["永康市"]["planned"] == own.progress.planned
    assert rows["永康市"]["actual"] == own.progress.actual
    assert content["counts"]["red"] == sum(r["counts"]["red"] for r in rows.values())
    # A draft is nobody's below: 永康's office does not see it.
    city_office = signed_in(User.objects.get(username="supervisor"))
    assert city_office.get(f"/bulletins/{draft.pk}/").status_code == 404

    published = office.post(f"/bulletins/{draft.pk}/", {"confirm": "1"})
    assert published.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Bulletin.Status.PUBLISHED
    assert draft.content["number_text"] == "金华市〔2019〕1号"
    # Word: the ranking table with the new columns; Excel: every figure as a number.
    with draft.docx.open("rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "各县（市、区）" in text and "金华市〔2019〕1号" in text
    table = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert "逾期时间节点" in table[0] and "永康市" in {row[1] for row in table[1:]}
    with draft.xlsx.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    sheet = book.worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    yk = next(row for row in values if row[1] == "永康市")
    assert yk[7] == rows["永康市"]["counts"]["red"] and yk[8] == rows["永康市"]["overdue_nodes"]
    assert draft.pdf.size > 10_000

    # 永康's office and leader hear of it and read it; a prefecture elsewhere does not.
    for username in ("supervisor", "leader"):
        user = User.objects.get(username=username)
        assert Notice.everywhere.filter(recipient=user, event=f"bulletin:{draft.pk}").exists()
        reader = signed_in(user)
        assert reader.get(f"/bulletins/{draft.pk}/").status_code == 200
        assert reader.get(f"/bulletins/{draft.pk}/bulletin.docx").status_code == 200
        assert "金华市〔2019〕1号" in reader.get("/bulletins/").content.decode()
    assert Notice.everywhere.filter(
        recipient=region["jinhua_office"], event=f"bulletin:{draft.pk}"
    ).exists()
    quzhou = signed_in(region["quzhou_office"])
    assert quzhou.get(f"/bulletins/{draft.pk}/").status_code == 404
    # 永康 cannot change it, and its own numbering is its own.
    assert city_office.post(f"/bulletins/{draft.pk}/", {"number": "9"}).status_code == 404
    draft.refresh_from_db()
    assert draft.number == 1
    own_draft = _draft(city_office)
    assert own_draft.city == yongkang and own_draft.content.get("kind") is None


def test_published_by_the_command_every_city_below_still_hears_of_it(region):  # noqa: F811
    # `guatu bulletin --city 金华市` runs in the prefecture's scope alone.
    office = region["jinhua_office"]
    with scoped_to((region["jinhua"].pk,)):
        draft = bulletin_draft(actor=office, city=region["jinhua"], period_text="2019-W46")
        bulletin_publish(actor=office, bulletin=draft)
    for username in ("supervisor", "leader"):
        user = User.objects.get(username=username)
        assert Notice.everywhere.filter(recipient=user, event=f"bulletin:{draft.pk}").exists()


def test_the_weekly_run_drafts_the_prefecture_s_bulletin_of_its_cities(region):  # noqa: F811
    drafted = weekly_bulletin.call(region["jinhua"].pk)
    bulletin = Bulletin.everywhere.get(pk=drafted)
    assert bulletin.city == region["jinhua"] and bulletin.status == Bulletin.Status.DRAFT
    assert bulletin.content["kind"] == "region"
    assert {row["name"] for row in bulletin.content["cities"]} == {"永康市", "武义县"}


def test_a_county_level_city_has_no_cities_below_it(region):  # noqa: F811
    below_a_county = City(name="某镇级市", code="330799", parent=region["wuyi"])
    with pytest.raises(ValidationError) as refused:
        below_a_county.full_clean()
    assert "parent" in refused.value.message_dict


def test_the_prefecture_cannot_draft_or_publish_for_a_city(region):  # noqa: F811
    office = signed_in(region["jinhua_office"])
    city_draft = _draft(signed_in(User.objects.get(username="supervisor")))
    assert office.get(f"/bulletins/{city_draft.pk}/").status_code == 404
    assert office.post(f"/bulletins/{city_draft.pk}/", {}).status_code == 404
    city_draft.refresh_from_db()
    assert city_draft.status == Bulletin.Status.DRAFT
    # What it drafts is always its own division's.
    assert _draft(office).city == City.objects.get(code="330700")
    assert isinstance(Client().get("/bulletins/").status_code, int)
