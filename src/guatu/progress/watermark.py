"""The 水印 on a site photo's displayed copy: time, place, uploader and item, burnt in.

The copy is turned upright, brought down to a screen's size and given a dark
band along the bottom with the facts in white, in a CJK font from the
machine (Debian's fonts-noto-cjk, which `make test` and `make demo` install;
``GUATU_CJK_FONT`` names another). The original file is never touched.
"""

import io
import logging
from collections.abc import Callable, Sequence
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


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """*text* broken into lines no wider than *width* as *measure* reads them, nothing cut.

    A line breaks at a space (the Chinese 　 included) when one fits, else between
    any two characters (Chinese has no spaces between words); a space at a break is
    dropped. A single character wider than *width* stands alone on its line.
    """
    lines: list[str] = []
    rest = text.strip()
    while rest:
        if measure(rest) <= width:
            lines.append(rest)
            break
        fit = 1  # the longest head that fits, by bisection (widths grow with length)
        low, high = 1, len(rest)
        while low <= high:
            middle = (low + high) // 2
            if measure(rest[:middle]) <= width:
                fit, low = middle, middle + 1
            else:
                high = middle - 1
        space = max(rest.rfind(" ", 1, fit + 1), rest.rfind("　", 1, fit + 1))
        cut = space if space > 0 and fit < len(rest) else fit
        lines.append(rest[:cut].rstrip(" 　"))
        rest = rest[cut:].lstrip(" 　")
    return lines


def layout(lines: Sequence[str], width: int, height: int) -> tuple[int, list[str]]:
    """The font size of the 水印 on a *width* × *height* photo and its *lines* wrapped to
    the photo's width less the band's margins: on a portrait photo a line is longer than
    the photo is wide and goes on over further lines, nothing cut off."""
    size = max(14, min(width, height) // 28)
    font = _font(size)
    room = width - 2 * (size // 2)
    wrapped = [part for line in lines for part in wrap(line, room, font.getlength)]
    return size, wrapped


def watermarked(image: Image.Image, lines: Sequence[str]) -> bytes:
    """*image* (already upright) no larger than the display size, with *lines* along its foot."""
    image = image.convert("RGB")
    image.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE))
    size, lines = layout(lines, image.width, image.height)
    font = _font(size)
    pad = size // 2
    step = int(size * 1.45)
    band = min(image.height, pad * 2 + len(lines) * step)
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle((0, image.height - band, image.width, image.height), fill=(0, 0, 0, 150))
    y = image.height - band + pad
    for line in lines:
        draw.text((pad, y), line, font=font, fill=(255, 255, 255, 255))
        y += step
    out = io.BytesIO()
    Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB").save(
        out, "JPEG", quality=85
    )
    return out.getvalue()
