"""A photo's pixels are counted on its header: a crafted image is refused before it is decoded."""

import io
from decimal import Decimal

import pytest
from django.utils import translation

from guatu.progress.models import ProgressReport

pytestmark = pytest.mark.django_db


def test_a_photo_with_too_many_pixels_is_refused_before_it_is_decoded(make_item, users):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from guatu.progress.services import report_submit

    out = io.BytesIO()
    Image.new("L", (8000, 5200)).save(out, "PNG")  # 41.6 megapixels, a few kB
    photo = SimpleUploadedFile("big.png", out.getvalue(), content_type="image/png")
    item = make_item("a")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        report_submit(
            work_item=item,
            reported_by=users["town"],
            reported_on=item.project.start_date,
            percent=Decimal(10),
            photos=[photo],
        )
    assert "41" in raised.value.message_dict["photos"][0]
    assert not ProgressReport.objects.filter(work_item=item).exists()
