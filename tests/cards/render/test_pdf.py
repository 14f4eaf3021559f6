"""PDF: a two-page CR80 card and an A4 sheet, read back with pypdf; the QR survives."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image
from pypdf import PdfReader

from cards.model import Card
from cards.render.fonts import FontSet
from cards.render.image import render_card
from cards.render.layout import layout_card
from cards.render.pdf import card_pdf, sheet_pdf
from cards.render.profiles import CR80_300DPI
from signing.issuance import IssuedCard
from signing.verifier import VerifiedCard
from tests.cards.render.conftest import reference_card

POINTS_PER_MM = 72 / 25.4


@pytest.fixture
def issued_sides(
    fonts: FontSet, sign: Callable[[Card], IssuedCard]
) -> tuple[IssuedCard, Image.Image, Image.Image]:
    issued = sign(reference_card("arabic"))
    layout = layout_card(
        issued.card,
        issued.symbol,
        holder_language="ar",
        receiving_language="fr",
        centre="Centre d'accueil de Paris",
        profile=CR80_300DPI,
        measure=fonts,
    )
    front, back = render_card(layout, fonts)
    return issued, front, back


def page_size_mm(reader: PdfReader, index: int) -> tuple[float, float]:
    box = reader.pages[index].mediabox
    return float(box.width) / POINTS_PER_MM, float(box.height) / POINTS_PER_MM


def test_card_pdf_is_two_cr80_pages_whose_qr_verifies(
    issued_sides: tuple[IssuedCard, Image.Image, Image.Image],
    verify: Callable[[Image.Image], VerifiedCard],
) -> None:
    issued, front, back = issued_sides
    reader = PdfReader(io.BytesIO(card_pdf(front, back)))
    assert len(reader.pages) == 2
    for index in (0, 1):
        width, height = page_size_mm(reader, index)
        assert width == pytest.approx(85.6, abs=0.01)
        assert height == pytest.approx(54.0, abs=0.01)
    embedded = reader.pages[0].images[0]
    assert embedded.image is not None
    assert embedded.image.size == front.size  # the 300-dpi raster, not resampled
    assert "/FlateDecode" in str(
        reader.pages[0].images[0].indirect_reference.get_object()["/Filter"]
    )
    assert verify(embedded.image).card == issued.card


def test_card_pdf_names_nobody(issued_sides: tuple[IssuedCard, Image.Image, Image.Image]) -> None:
    _, front, back = issued_sides
    metadata = PdfReader(io.BytesIO(card_pdf(front, back))).metadata or {}
    assert set(metadata) <= {"/Creator", "/Producer", "/CreationDate"}


def test_a4_sheet_holds_front_and_back_at_card_size(
    issued_sides: tuple[IssuedCard, Image.Image, Image.Image],
    verify: Callable[[Image.Image], VerifiedCard],
) -> None:
    issued, front, back = issued_sides
    reader = PdfReader(io.BytesIO(sheet_pdf(front, back)))
    assert len(reader.pages) == 1
    assert page_size_mm(reader, 0) == (pytest.approx(210, abs=0.01), pytest.approx(297, abs=0.01))
    images = reader.pages[0].images
    assert len(images) == 2
    assert verify(images[0].image).card == issued.card  # type: ignore[arg-type]
    content = reader.pages[0].get_contents()
    assert content is not None
    drawing = content.get_data().decode("latin-1")
    assert drawing.count(" l S") >= 10  # eight corner marks, two fold ticks, the fold line
