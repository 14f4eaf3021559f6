"""ESC/POS jobs: raster width per profile, cut at the end, QR decodes from the raster."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from escpos.printer import Dummy
from PIL import Image

from cards.model import Card
from cards.render.escpos import BAND_ROWS, _escpos_profile, escpos_job, raster_bands
from cards.render.fonts import FontSet
from cards.render.image import thermal_strip
from cards.render.layout import layout_card
from cards.render.profiles import THERMAL_PROFILES, PrinterProfile, printer_profile
from signing.issuance import IssuedCard
from signing.verifier import VerifiedCard
from tests.cards.render.conftest import reference_card
from tests.escpos_stream import parse_job


@pytest.mark.parametrize("name", THERMAL_PROFILES)
def test_card_job_is_a_raster_of_the_head_width_whose_qr_verifies(
    fonts: FontSet,
    sign: Callable[[Card], IssuedCard],
    verify: Callable[[Image.Image], VerifiedCard],
    name: str,
) -> None:
    profile = printer_profile(name)
    issued = sign(reference_card("pashto"))
    layout = layout_card(
        issued.card,
        issued.symbol,
        holder_language="ps",
        receiving_language="fr",
        centre="Centre d'accueil de Paris",
        profile=profile,
        measure=fonts,
    )
    strip = thermal_strip(layout, fonts)
    printed, commands = parse_job(escpos_job(strip, profile))
    names = [c.name for c in commands]
    assert (names[0], names[-1]) == ("init", "cut")
    assert printed.width == profile.dots_wide
    assert printed.height == strip.height
    assert printed.tobytes() == strip.tobytes()  # bit for bit what was rendered
    assert verify(printed).card == issued.card


def test_an_image_wider_than_the_head_is_refused() -> None:
    profile = printer_profile("58mm")
    with pytest.raises(ValueError, match="prints 384"):
        escpos_job(Image.new("1", (400, 10), 1), profile)


def test_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"known: 58mm, 80mm, cr80"):
        printer_profile("110mm")


def test_narrow_image_is_padded_to_whole_bytes() -> None:
    profile = PrinterProfile(name="test", dots_wide=384, side_height_dots=100)
    image = Image.new("1", (13, 4), 0)
    printed, _ = parse_job(escpos_job(image, profile, cut=False))
    assert printed.size == (16, 4)
    assert printed.crop((0, 0, 13, 4)).getextrema() == (0, 0)
    assert printed.crop((13, 0, 16, 4)).getextrema() == (255, 255)


@pytest.mark.parametrize("size", [(384, 1400), (13, 5), (576, 960)])
def test_raster_is_byte_for_byte_python_escpos_bit_image_raster(size: tuple[int, int]) -> None:
    image = Image.effect_noise(size, 80).point(lambda v: 255 if v > 128 else 0).convert("1")
    reference = Dummy(profile=_escpos_profile(PrinterProfile("t", 576, 100)))
    reference.image(image, impl="bitImageRaster", fragment_height=BAND_ROWS)
    assert raster_bands(image) == reference.output
