"""SVG to PDF with cairosvg (Cairo), fonts from the machine's installed packages.

Chinese text needs a CJK font installed (Debian's fonts-noto-cjk, which
`make test` installs); Cairo embeds the glyphs used, so the PDF prints
anywhere. Several sheets become one PDF through pypdf.
"""

import io
from collections.abc import Sequence


def svg_to_pdf(svg: str) -> bytes:
    """Return *svg* rendered as a one-page PDF of the size the SVG declares."""
    import cairosvg

    return cairosvg.svg2pdf(bytestring=svg.encode("utf-8"))


def svgs_to_pdf(svgs: Sequence[str]) -> bytes:
    """Return one PDF with a page for each SVG, in order."""
    if len(svgs) == 1:
        return svg_to_pdf(svgs[0])
    from pypdf import PdfWriter

    writer = PdfWriter()
    for svg in svgs:
        writer.append(io.BytesIO(svg_to_pdf(svg)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
