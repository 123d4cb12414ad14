"""SVG to PDF with cairosvg (Cairo), fonts from the machine's installed packages.

Chinese text needs a CJK font installed (Debian's fonts-noto-cjk, which
`make test` installs); Cairo embeds the glyphs used, so the PDF prints
anywhere.
"""


def svg_to_pdf(svg: str) -> bytes:
    """Return *svg* rendered as a one-page PDF of the size the SVG declares."""
    import cairosvg

    return cairosvg.svg2pdf(bytestring=svg.encode("utf-8"))
