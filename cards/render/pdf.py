"""A rendered card as PDF: a CR80 card (front page, back page) or an A4 sheet to fold.

Pages are sized in millimetres exactly (85.6 x 54 mm for CR80); each side is
the 300-dpi raster placed at card size, stored losslessly (Flate, greyscale:
JPEG would blur QR module edges). The PDF carries no title, author or subject,
so a file left behind names nobody.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fpdf import FPDF
from PIL import Image

from cards.render.profiles import CR80_HEIGHT_MM, CR80_WIDTH_MM

A4_WIDTH_MM, A4_HEIGHT_MM = 210.0, 297.0
A4_TOP_MM = 30.0  # the card pair sits in the upper part of the sheet
MARK_MM = 5.0  # length of a cut mark
MARK_GAP_MM = 2.0  # cut marks stop short of the card so a crooked cut leaves no line on it
DASH_MM = 2.0


def _document(page: tuple[float, float] | str) -> FPDF:
    pdf = FPDF(unit="mm", format=page)
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_creator("ehcard")
    # A fixed date keeps the bytes a function of the card alone.
    pdf.set_creation_date(datetime(2000, 1, 1, tzinfo=UTC))
    return pdf


def card_pdf(front: Image.Image, back: Image.Image) -> bytes:
    """Two CR80 pages: the front, then the back, each image stretched to 85.6 x 54 mm."""
    pdf = _document((CR80_WIDTH_MM, CR80_HEIGHT_MM))
    for side in (front, back):
        pdf.add_page()
        pdf.image(side.convert("L"), x=0, y=0, w=CR80_WIDTH_MM, h=CR80_HEIGHT_MM)
    return bytes(pdf.output())


def sheet_pdf(front: Image.Image, back: Image.Image) -> bytes:
    """One A4 page: front and back side by side at card size, to cut out and fold.

    The fold is the shared vertical edge (dashed): folded there, the back lands
    behind the front the right way up. Cut marks stand off each outer corner.
    """
    pdf = _document("A4")
    pdf.add_page()
    left = (A4_WIDTH_MM - 2 * CR80_WIDTH_MM) / 2
    top = A4_TOP_MM
    pdf.image(front.convert("L"), x=left, y=top, w=CR80_WIDTH_MM, h=CR80_HEIGHT_MM)
    pdf.image(back.convert("L"), x=left + CR80_WIDTH_MM, y=top, w=CR80_WIDTH_MM, h=CR80_HEIGHT_MM)
    right = left + 2 * CR80_WIDTH_MM
    bottom = top + CR80_HEIGHT_MM
    pdf.set_line_width(0.2)
    for x in (left, right):
        for y in (top, bottom):
            _corner_marks(
                pdf, x, y, outward_x=-1 if x == left else 1, outward_y=-1 if y == top else 1
            )
    fold = left + CR80_WIDTH_MM
    for y in (top, bottom):
        step = -1 if y == top else 1
        pdf.line(fold, y + step * MARK_GAP_MM, fold, y + step * (MARK_GAP_MM + MARK_MM))
    with pdf.local_context():
        pdf.set_dash_pattern(dash=DASH_MM, gap=DASH_MM)
        pdf.set_draw_color(160)
        pdf.line(fold, top, fold, bottom)
    return bytes(pdf.output())


def _corner_marks(pdf: FPDF, x: float, y: float, *, outward_x: int, outward_y: int) -> None:
    near, far = MARK_GAP_MM, MARK_GAP_MM + MARK_MM
    pdf.line(x + outward_x * near, y, x + outward_x * far, y)
    pdf.line(x, y + outward_y * near, x, y + outward_y * far)
