"""The card layout: QR geometry on every profile, two languages, fitting and summarising."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cards import qr, valuesets
from cards.model import Card, ClinicalField, Provenance
from cards.render.content import CLINICIAN_MARK
from cards.render.flow import QrItem, TextItem, module_edges
from cards.render.fonts import FontSet
from cards.render.layout import (
    MIN_MODULE_MM,
    SCALES,
    CardLayout,
    LayoutError,
    Side,
    layout_card,
)
from cards.render.profiles import PROFILES, PrinterProfile
from signing.issuance import IssuedCard
from tests.builders import make_card, with_emergency, with_holder
from tests.cards.render.conftest import NAME_LANGUAGE, reference_card
from tests.conftest import HOST

Sign = Callable[[Card], IssuedCard]
SCRIPT_OF_LANGUAGE = {language: script for script, language in NAME_LANGUAGE.items()} | {
    "fr": "latin",
    "en": "latin",
    "pt": "latin",
}


def lay_out(
    issued: IssuedCard,
    fonts: FontSet,
    profile: PrinterProfile,
    *,
    holder: str = "ar",
    receiving: str = "fr",
    centre: str = "Centre d'accueil de Paris",
    symbol: qr.QrSymbol | None = None,
) -> CardLayout:
    return layout_card(
        issued.card,
        symbol or issued.symbol,
        holder_language=holder,
        receiving_language=receiving,
        centre=centre,
        profile=profile,
        measure=fonts,
    )


def texts(side: Side) -> list[str]:
    return [item.text for item in side.items if isinstance(item, TextItem)]


@cache
def largest_symbol() -> qr.QrSymbol:
    """A version-13 symbol: the densest a card may carry (issuance refuses more)."""
    candidates = (qr.qr_text(HOST, b"\x01" + b"\x5a" * size) for size in range(200, 400))
    largest = max(t for t in candidates if qr.minimum_version_m(t) == 13)
    symbol = qr.make_symbol(largest)
    assert symbol.version == 13
    return symbol


def overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("profile", PROFILES.values(), ids=lambda p: p.name)
@pytest.mark.parametrize("dense", [False, True], ids=["reference", "version-13"])
def test_qr_and_its_quiet_zone_lie_inside_the_printable_area(
    fonts: FontSet, sign: Sign, profile: PrinterProfile, dense: bool
) -> None:
    issued = sign(make_card())
    layout = lay_out(issued, fonts, profile, symbol=largest_symbol() if dense else None)
    code = layout.qr
    box = (code.x, code.y, code.x + code.box_dots, code.y + code.box_dots)
    assert code.quiet_zone == qr.QUIET_ZONE
    assert box[0] >= profile.margin_dots and box[1] >= profile.margin_dots
    assert box[2] <= profile.dots_wide - profile.margin_dots
    assert box[3] <= profile.side_height_dots - profile.margin_dots
    assert code.narrowest_module_dots >= math.ceil(MIN_MODULE_MM * profile.dpi / 25.4)
    for item in layout.front.items:
        if isinstance(item, TextItem):
            line = (item.x, item.y, item.x + item.width, item.y + item.height)
            assert not overlaps(line, box), item.text


@pytest.mark.parametrize("profile", PROFILES.values(), ids=lambda p: p.name)
@pytest.mark.parametrize("language", valuesets.UI_LANGUAGES)
def test_every_line_fits_its_box_inside_the_card(
    fonts: FontSet, sign: Sign, profile: PrinterProfile, language: str
) -> None:
    issued = sign(reference_card(SCRIPT_OF_LANGUAGE[language]))
    layout = lay_out(issued, fonts, profile, holder=language)
    for side in (layout.front, layout.back):
        assert (side.width, side.height) == (profile.dots_wide, profile.side_height_dots)
        for item in side.items:
            if not isinstance(item, TextItem):
                continue
            drawn = fonts.extent(item.text, item.size, bold=item.bold, rtl=item.rtl)
            assert drawn.width <= item.width, item.text
            assert item.x >= profile.margin_dots, item.text
            assert item.x + item.width <= profile.dots_wide - profile.margin_dots, item.text
            assert profile.margin_dots <= item.y <= item.y + item.height, item.text
            assert item.y + item.height <= profile.side_height_dots - profile.margin_dots


def test_name_prints_in_its_script_and_in_latin_letters(fonts: FontSet, sign: Sign) -> None:
    layout = lay_out(sign(reference_card("ukrainian")), fonts, PROFILES["cr80"], holder="uk")
    front = texts(layout.front)
    assert "Олена Ґудзь-Їжакевич" in front
    assert "OLENA GUDZ IZHAKEVICH" in front
    arabic = lay_out(sign(reference_card("arabic")), fonts, PROFILES["cr80"], holder="ar")
    name = next(i for i in arabic.front.items if isinstance(i, TextItem) and "محمد" in i.text)
    assert name.rtl and name.align == "right"


def test_clinical_labels_print_in_both_languages(fonts: FontSet, sign: Sign) -> None:
    layout = lay_out(sign(make_card()), fonts, PROFILES["cr80"], holder="ar")
    front = " ".join(texts(layout.front))
    label = valuesets.allergies().label("294505008", "fr")
    assert label in front
    assert valuesets.allergies().label("294505008", "ar") in front
    assert valuesets.term("field.blood_group", "fr") in front
    assert "O+" in front  # the code, large: readable in any language


def test_one_language_prints_once(fonts: FontSet, sign: Sign) -> None:
    layout = lay_out(sign(make_card()), fonts, PROFILES["cr80"], holder="fr")
    front = texts(layout.front)
    assert len(front) == len(set(front)) or front.count(valuesets.term("card.title", "fr")) == 1


def test_none_known_and_not_asked_are_printed_differently(fonts: FontSet, sign: Sign) -> None:
    card = with_emergency(make_card(), allergies=(), medications=None)
    front = " ".join(texts(lay_out(sign(card), fonts, PROFILES["80mm"], holder="fr").front))
    assert valuesets.term("state.none_known", "fr") in front
    assert valuesets.term("state.not_asked", "fr") in front


def test_clinician_confirmed_fields_carry_the_mark(fonts: FontSet, sign: Sign) -> None:
    layout = lay_out(sign(make_card()), fonts, PROFILES["cr80"], holder="fr")
    marked = [t for t in texts(layout.front) if CLINICIAN_MARK in t]
    assert any(valuesets.term("field.allergies", "fr") in t for t in marked)
    assert not any(valuesets.term("field.medications", "fr") in t for t in marked)
    assert any(valuesets.term("provenance.clinician", "fr") in t for t in marked)
    self_declared = make_card(provenance=Provenance())
    front = texts(lay_out(sign(self_declared), fonts, PROFILES["cr80"], holder="fr").front)
    assert not any(CLINICIAN_MARK in t for t in front)


def test_front_carries_code_expiry_centre_and_how_to_verify(fonts: FontSet, sign: Sign) -> None:
    issued = sign(make_card())
    front = " ".join(texts(lay_out(issued, fonts, PROFILES["58mm"], holder="en").front))
    assert issued.card.card_code in front
    assert "2028-11-01" in front
    assert "Centre d'accueil de Paris" in front
    assert valuesets.term("card.scan_to_verify", "fr") in front


def test_back_carries_contact_languages_and_not_an_identity_document(
    fonts: FontSet, sign: Sign
) -> None:
    card = with_emergency(make_card(), languages=("ar", "ti", "ka"))
    back = " ".join(texts(lay_out(sign(card), fonts, PROFILES["80mm"], holder="ti").back))
    assert "Moussa" in back and "+33612345678" in back
    for code in ("ar", "ti", "ka"):
        assert str(valuesets.languages()[code].extra["native"]) in back
    assert valuesets.term("card.not_identity", "fr") in back
    assert valuesets.term("card.not_identity", "ti") in back


def test_long_lists_are_summarised_never_cut(fonts: FontSet, sign: Sign) -> None:
    allergies = tuple(c for c in valuesets.allergies().concepts if not c.startswith("716186"))
    medications = tuple(list(valuesets.medications().concepts)[:6])
    conditions = tuple(
        code for code, c in valuesets.conditions().concepts.items() if not c.sensitive
    )[:6]
    card = with_emergency(
        make_card(), allergies=allergies[:6], medications=medications, conditions=conditions
    )
    layout = lay_out(sign(card), fonts, PROFILES["58mm"], holder="ar")
    assert layout.left_off, "a 58 mm card cannot show eighteen items"
    # Before any item is summarised, the QR gave up its room down to the narrowest modules.
    assert layout.qr.narrowest_module_dots == math.ceil(MIN_MODULE_MM * 203 / 25.4)
    assert layout.qr.box_dots < layout.qr.modules * (layout.qr.narrowest_module_dots + 1)
    front = texts(layout.front)
    for clinical_field, hidden in layout.left_off:
        more = valuesets.term("card.more_items", "fr").format(count=hidden)
        assert more in front, clinical_field
    shown = {
        ClinicalField.ALLERGIES: allergies[:6],
        ClinicalField.MEDICATIONS: medications,
        ClinicalField.CONDITIONS: conditions,
    }
    for clinical_field, codes in shown.items():
        hidden = dict(layout.left_off).get(clinical_field, 0)
        labels = [valuesets.value_set(clinical_field.value).label(c, "fr") for c in codes]
        printed = [label for label in labels if any(label in t for t in front)]
        assert len(printed) == len(codes) - hidden, clinical_field


def test_a_qr_code_too_dense_for_the_printer_is_refused(fonts: FontSet, sign: Sign) -> None:
    narrow = PrinterProfile(name="40mm", dots_wide=160, side_height_dots=600)
    with pytest.raises(LayoutError, match=r"needs \d+ dots with its quiet zone") as caught:
        lay_out(sign(make_card()), fonts, narrow)
    assert caught.value.code == "qr_too_dense"


def test_text_that_cannot_fit_even_summarised_is_an_error(fonts: FontSet, sign: Sign) -> None:
    centre = "Centre d'accueil et d'orientation " * 12
    with pytest.raises(LayoutError, match="does not fit profile 80mm") as caught:
        lay_out(sign(make_card()), fonts, PROFILES["80mm"], centre=centre)
    assert caught.value.code == "text_too_long"


def test_a_long_name_wraps_and_is_printed_whole(fonts: FontSet, sign: Sign) -> None:
    name = "Maria da Conceição Albuquerque Figueiredo-Vasconcelos"
    layout = lay_out(sign(with_holder(make_card(), name=name)), fonts, PROFILES["58mm"])
    front = texts(layout.front)
    assert " ".join(t for t in front if t in name) == name


def test_the_qr_item_is_the_symbol_of_the_issued_card(fonts: FontSet, sign: Sign) -> None:
    issued = sign(make_card())
    code = lay_out(issued, fonts, PROFILES["cr80"]).qr
    assert isinstance(code, QrItem) and code.matrix == issued.symbol.matrix


@given(modules=st.integers(min_value=29, max_value=185), extra=st.integers(0, 2000))
def test_module_edges_split_the_dots_into_whole_modules_one_dot_apart_at_most(
    modules: int, extra: int
) -> None:
    dots = modules + extra
    edges = module_edges(modules, dots)
    assert len(edges) == modules + 1 and edges[0] == 0 and edges[-1] == dots
    widths = {b - a for a, b in pairwise(edges)}
    assert widths <= {dots // modules, dots // modules + 1}


@pytest.mark.parametrize("profile", PROFILES.values(), ids=lambda p: p.name)
@pytest.mark.parametrize("script", sorted(NAME_LANGUAGE))
def test_the_qr_square_gives_way_to_text_in_order(
    fonts: FontSet, sign: Sign, profile: PrinterProfile, script: str
) -> None:
    layout = lay_out(sign(reference_card(script)), fonts, profile, holder=NAME_LANGUAGE[script])
    code = layout.qr
    narrowest = code.modules * math.ceil(MIN_MODULE_MM * profile.dpi / 25.4)
    larger, smaller = profile.dots(profile.qr_max_mm), profile.dots(profile.qr_min_mm)
    assert code.box_dots in {larger, smaller, narrowest}
    if code.box_dots == larger != smaller:
        assert layout.scale == SCALES[0], "the larger square never costs text size"
    if code.box_dots < smaller:
        assert layout.scale == SCALES[-1], "the narrowest modules only once text is smallest"
    if layout.left_off:
        assert code.box_dots == narrowest, "lists are summarised only after the QR gave way"


def test_a_short_card_gets_the_larger_qr_square(fonts: FontSet, sign: Sign) -> None:
    short = with_emergency(make_card(), allergies=(), medications=(), conditions=(), contact=None)
    profile = PROFILES["80mm"]
    layout = lay_out(sign(short), fonts, profile, holder="fr")
    assert layout.scale == SCALES[0]
    assert layout.qr.box_dots == profile.dots(profile.qr_max_mm) > profile.dots(profile.qr_min_mm)
