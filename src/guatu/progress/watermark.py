"""The 水印 on a site photo's displayed copy: time, place, uploader and item, burnt in.

The copy is turned upright, brought down to a screen's size and given a dark
band along the bottom with the facts in white, in a CJK font from the
machine (Debian's fonts-noto-cjk, which `make test` and `make demo` install;
``GUATU_CJK_FONT`` names another). The original file is never touched.
"""

import io
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

DISPLAY_SIDE = 1600
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


@cache
def cjk_font_path() -> str | None:
    """The font the 水印 is written in, or None when the machine has no CJK font."""
    named = getattr(settings, "GUATU_CJK_FONT", "")
    for path in (named, *FONT_CANDIDATES):
        if path and Path(path).is_file():
            return path
    logger.warning("No CJK font found for photo watermarks: install fonts-noto-cjk")
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = cjk_font_path()
    if path is None:
        return ImageFont.load_default(size)
    # Index 2 of the Noto CJK collection is Simplified Chinese (SC).
    index = 2 if path.endswith("NotoSansCJK-Regular.ttc") else 0
    return ImageFont.truetype(path, size, index=index)


def watermarked(image: Image.Image, lines: Sequence[str]) -> bytes:
    """*image* (already upright) no larger than the display size, with *lines* along its foot."""
    image = image.convert("RGB")
    image.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE))
    size = max(14, min(image.width, image.height) // 28)
    font = _font(size)
    pad = size // 2
    band = pad * 2 + len(lines) * int(size * 1.45)
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle((0, image.height - band, image.width, image.height), fill=(0, 0, 0, 150))
    y = image.height - band + pad
    for line in lines:
        text = line
        while text and draw.textlength(text, font=font) > image.width - 2 * pad:
            text = text[:-2] + "…"
        draw.text((pad, y), text, font=font, fill=(255, 255, 255, 255))
        y += int(size * 1.45)
    out = io.BytesIO()
    Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB").save(
        out, "JPEG", quality=85
    )
    return out.getvalue()
