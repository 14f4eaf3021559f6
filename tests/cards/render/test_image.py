"""Card images: the QR decodes and verifies from every script's card; quiet zone white."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import pytest
from PIL import Image

from cards import valuesets
from cards.model import Card
from cards.render.fonts import FontSet
from cards.render.image import card_image, render_card, thermal_strip
from cards.render.layout import CardLayout, layout_card
from cards.render.profiles import PROFILES, PrinterProfile
from signing.issuance import IssuedCard
from signing.verifier import VerifiedCard
from tests.cards.render.conftest import NAME_LANGUAGE, REFERENCE_NAMES, reference_card

Sign = Callable[[Card], IssuedCard]
Verify = Callable[[Image.Image], VerifiedCard]


def render(
    issued: IssuedCard, fonts: FontSet, profile: PrinterProfile, holder: str
) -> tuple[CardLayout, tuple[Image.Image, Image.Image]]:
    layout = layout_card(
        issued.card,
        issued.symbol,
        holder_language=holder,
        receiving_language="fr",
        centre="Centre d'accueil de Paris",
        profile=profile,
        measure=fonts,
    )
    return layout, render_card(layout, fonts)


@pytest.mark.parametrize("script", sorted(REFERENCE_NAMES))
@pytest.mark.parametrize("profile", PROFILES.values(), ids=lambda p: p.name)
def test_card_in_every_script_renders_and_its_qr_verifies(
    fonts: FontSet, sign: Sign, verify: Verify, script: str, profile: PrinterProfile
) -> None:
    issued = sign(reference_card(script))
    _, (front, back) = render(issued, fonts, profile, NAME_LANGUAGE[script])
    assert front.size == back.size == (profile.dots_wide, profile.side_height_dots)
    assert front.mode == "L"
    verified = verify(front)
    assert verified.card == issued.card
    assert verified.card.holder.name == REFERENCE_NAMES[script][0]


@pytest.mark.parametrize("language", valuesets.UI_LANGUAGES)
def test_card_renders_for_a_holder_of_every_language(
    fonts: FontSet, sign: Sign, verify: Verify, language: str
) -> None:
    issued = sign(reference_card("latin"))
    _, (front, back) = render(issued, fonts, PROFILES["cr80"], language)
    assert verify(front).card.card_id == issued.card.card_id
    assert back.getextrema() == (0, 255)  # the back has ink on it


@pytest.mark.parametrize("profile", PROFILES.values(), ids=lambda p: p.name)
def test_quiet_zone_is_white_and_modules_are_whole_dots_filling_the_square(
    fonts: FontSet, sign: Sign, profile: PrinterProfile
) -> None:
    issued = sign(reference_card("arabic"))
    layout, (front, _) = render(issued, fonts, profile, "ar")
    code = layout.qr
    box = front.crop((code.x, code.y, code.x + code.box_dots, code.y + code.box_dots))
    zone = code.edges[code.quiet_zone]
    end = code.edges[-code.quiet_zone - 1]
    assert box.crop((0, 0, box.width, zone)).getextrema() == (255, 255)
    assert box.crop((0, end, box.width, box.height)).getextrema() == (255, 255)
    assert box.crop((0, 0, zone, box.height)).getextrema() == (255, 255)
    assert box.crop((end, 0, box.width, box.height)).getextrema() == (255, 255)
    edges = code.edges[code.quiet_zone :]
    for row, modules in enumerate(issued.symbol.matrix):
        for column, dark in enumerate(modules):
            cell = box.crop((edges[column], edges[row], edges[column + 1], edges[row + 1]))
            assert cell.getextrema() == ((0, 0) if dark else (255, 255))
    # The symbol spans its square: no dots wasted at the sides beyond the quiet zone.
    widths = {b - a for a, b in pairwise(code.edges)}
    assert widths <= {code.narrowest_module_dots, code.narrowest_module_dots + 1}
    assert code.edges[-1] == code.box_dots


def test_thermal_strip_is_one_bit_front_fold_back(
    fonts: FontSet, sign: Sign, verify: Verify
) -> None:
    issued = sign(reference_card("tigrinya"))
    layout, _ = render(issued, fonts, PROFILES["58mm"], "ti")
    strip = thermal_strip(layout, fonts)
    assert strip.mode == "1" and strip.width == 384
    assert strip.height > 2 * PROFILES["58mm"].side_height_dots
    assert verify(strip).card == issued.card


def test_card_image_holds_front_above_back(fonts: FontSet, sign: Sign, verify: Verify) -> None:
    issued = sign(reference_card("georgian"))
    layout, _ = render(issued, fonts, PROFILES["cr80"], "ka")
    image = card_image(layout, fonts)
    assert image.width == PROFILES["cr80"].dots_wide + 2
    assert image.height > 2 * PROFILES["cr80"].side_height_dots
    assert verify(image).card == issued.card
