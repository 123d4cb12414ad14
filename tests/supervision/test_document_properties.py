"""A document handed to a person names who issued it (issue 32, words): the Word files'
author is the city's office and carries a title, never "python-docx"; the workbooks'
creator likewise, never "openpyxl"."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from guatu.ledger.exporting import organisation_workbook
from guatu.org.models import City
from guatu.supervision.models import EscalationEvent
from guatu.supervision.render import labels
from guatu.supervision.render_docx import gbt9704_document
from guatu.supervision.render_notice import notice_docx
from guatu.supervision.render_xlsx import render_xlsx

pytestmark = pytest.mark.django_db
OFFICE = "测试市重点项目建设管理办公室"


def _no_library(values) -> None:
    for value in values:
        assert "python-docx" not in str(value or "") and "openpyxl" not in str(value or "")


def test_a_notice_s_word_file_is_authored_by_the_office(city, make_item):
    city.office_name = OFFICE
    city.save()
    item = make_item("A1")
    event = EscalationEvent.objects.create(work_item=item, level="notice", period="2019-W46")
    properties = Document(io.BytesIO(notice_docx(event))).core_properties
    assert properties.author == OFFICE and properties.last_modified_by == OFFICE
    assert "督办单" in properties.title
    _no_library(
        getattr(properties, name)
        for name in ("author", "comments", "last_modified_by", "title", "subject", "keywords")
    )
    assert properties.created.year > 2013


def test_the_bulletin_s_page_set_up_names_author_and_title():
    document = gbt9704_document(author=OFFICE, title="重点项目推进情况通报")
    out = io.BytesIO()
    document.save(out)
    properties = Document(io.BytesIO(out.getvalue())).core_properties
    assert (properties.author, properties.title) == (OFFICE, "重点项目推进情况通报")
    assert properties.comments == ""


def test_workbooks_name_the_office_as_creator(city):
    City.objects.filter(pk=city.pk).update(office_name=OFFICE)
    city.refresh_from_db()
    book = load_workbook(io.BytesIO(organisation_workbook(city=city)))
    assert book.properties.creator == OFFICE and book.properties.title
    content = {"office": OFFICE, "title": "测试市重点项目推进情况通报", "cities": []}
    book = load_workbook(io.BytesIO(render_xlsx({**content, "kind": "region"}, labels())))
    assert (book.properties.creator, book.properties.title) == (OFFICE, content["title"])
    _no_library([book.properties.creator, book.properties.lastModifiedBy])
