"""The photo 水印 (issue 32, words): the uploader by name, never by login, and on a
portrait photo every line wrapped onto further lines, nothing cut off."""

from datetime import datetime
from types import SimpleNamespace

import pytest
from PIL import Image

from guatu.accounts.models import Role
from guatu.accounts.services import user_create
from guatu.progress.labels import photo_watermark_lines
from guatu.progress.watermark import _font, layout, watermarked, wrap

ITEM = SimpleNamespace(
    name="金温铁路外迁征迁（石柱镇段）", project=SimpleNamespace(name="金台铁路永康段")
)


def _lines(uploader):
    return photo_watermark_lines(
        taken=datetime(2019, 11, 14, 9, 30),
        latitude=28.8912,
        longitude=120.0456,
        uploader=uploader,
        uploaded=datetime(2019, 11, 15, 10, 5),
        item=ITEM,
    )


@pytest.mark.django_db
def test_the_watermark_names_the_person_not_the_login(towns):
    named = user_create(
        username="town_shizhu",
        password="pw-town-1",
        role=Role.TOWN,
        town=towns["石柱镇"],
        full_name="石柱镇联络员",
    )
    assert named.get_full_name() == "石柱镇联络员"
    lines = _lines(named)
    assert any("石柱镇联络员" in line for line in lines)
    assert not any("town_shizhu" in line for line in lines)
    # Only a user with no name at all is shown by the login.
    nameless = user_create(
        username="town_qiancang", password="pw-town-2", role=Role.TOWN, town=towns["前仓镇"]
    )
    assert any("town_qiancang" in line for line in _lines(nameless))


def test_wrap_keeps_every_character_within_the_width():
    text = "拍摄 2019-11-14 09:30（相机）　地点 北纬28.89120° 东经120.04560°"
    measure = len  # one unit a character
    lines = wrap(text, 12, measure)
    assert all(measure(line) <= 12 for line in lines)
    assert "".join(lines).replace(" ", "").replace("　", "") == text.replace(" ", "").replace(
        "　", ""
    )
    assert lines[-1].endswith("东经120.04560°")


@pytest.mark.django_db
def test_a_portrait_photo_wraps_the_longitude_onto_a_line_of_its_own(towns):
    uploader = user_create(
        username="town_shizhu",
        password="pw-town-1",
        role=Role.TOWN,
        town=towns["石柱镇"],
        full_name="石柱镇联络员",
    )
    lines = _lines(uploader)
    width, height = 900, 1600  # a phone's portrait photo at display size
    size, wrapped = layout(lines, width, height)
    font = _font(size)
    room = width - 2 * (size // 2)
    assert len(wrapped) > len(lines)  # the first line did not fit in one
    assert all(font.getlength(line) <= room for line in wrapped)
    shown = "".join(wrapped)
    assert "120.04560°" in shown and "…" not in shown
    for line in lines:  # every character of every line is drawn, in order
        assert line.replace(" ", "").replace("　", "") in shown.replace(" ", "").replace("　", "")
    # The picture itself is drawn with the band tall enough for every line.
    data = watermarked(Image.new("RGB", (width, height), "white"), lines)
    assert data[:2] == b"\xff\xd8"
