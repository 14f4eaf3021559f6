"""Font files, glyph coverage in every script, and the clear error for a missing glyph."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from cards import valuesets
from cards.render.fonts import FontError, FontSet, find_fonts, missing_glyphs
from cards.render.scripts import visual_order
from tests.cards.render.conftest import REFERENCE_NAMES

TERMS = resources.files("cards.valuesets").joinpath("data/terms.json")


def test_fonts_are_found_under_the_debian_font_directory() -> None:
    files = find_fonts([Path("/usr/share/fonts")])
    assert files.path("naskh", bold=True).name == "NotoNaskhArabic-Bold.ttf"
    assert files.path("symbols", bold=False).name == "Symbola_hint.ttf"


def test_missing_font_files_name_the_package_to_install(tmp_path: Path) -> None:
    with pytest.raises(
        FontError, match="install fonts-droid-fallback fonts-noto-core fonts-symbola"
    ) as caught:
        find_fonts([tmp_path])
    assert caught.value.code == "font_missing"
    assert "NotoSansEthiopic-Regular.ttf" in caught.value.message


def test_missing_glyphs_lists_the_characters_a_font_lacks(fonts: FontSet) -> None:
    sans = fonts.files.path("sans", bold=False)
    assert missing_glyphs("Amina ሰላም", sans) == set("ሰላም")
    assert missing_glyphs("Олена Łukasz", sans) == set()


@pytest.mark.parametrize("script", sorted(REFERENCE_NAMES))
def test_reference_names_have_a_glyph_for_every_character(fonts: FontSet, script: str) -> None:
    name, latin = REFERENCE_NAMES[script]
    for bold in (False, True):
        for run in fonts.runs(name):
            assert missing_glyphs(run.text, fonts.files.path(run.font, bold)) == set()
    assert fonts.extent(name, 40, bold=True).width > 0
    if latin:
        assert fonts.runs(latin)[0].font == "sans"


@pytest.mark.parametrize("language", valuesets.UI_LANGUAGES)
def test_every_card_word_in_every_language_has_glyphs(fonts: FontSet, language: str) -> None:
    keys = json.loads(TERMS.read_text("utf-8"))["terms"]
    words = [valuesets.term(key, language) for key in keys]
    for set_name in ("blood_groups", "allergies", "medications", "conditions"):
        value_set = valuesets.value_set(set_name)
        words += [concept.label(language) for concept in value_set.concepts.values()]
    words += [str(c.extra.get("native", "")) for c in valuesets.languages().concepts.values()]
    for text in words:
        for run in fonts.runs(text):
            for bold in (False, True):
                assert missing_glyphs(run.text, fonts.files.path(run.font, bold)) == set(), text


def test_every_pictogram_has_a_glyph(fonts: FontSet) -> None:
    symbols = {key: str(entry["symbol"]) for key, entry in valuesets.pictograms().items()}
    lacking = {key: s for key, s in symbols.items() if not any(
        fonts.has_glyph(family, s) for family in ("symbols", "sans")
    )}  # fmt: skip
    assert lacking == {}


def test_a_character_no_font_has_is_an_error_not_a_box(fonts: FontSet) -> None:
    with pytest.raises(FontError, match=r"U\+0E01 'ก'") as caught:
        fonts.runs("Amina ก")  # Thai: no card font has it
    assert caught.value.code == "missing_glyph"


def test_arabic_runs_are_right_to_left_and_their_numbers_left_to_right(fonts: FontSet) -> None:
    runs = fonts.runs("💊 داء السكري من النوع 1")
    assert [run.font for run in runs] == ["symbols", "naskh", "naskh"]
    assert runs[1].rtl and runs[2].text == "1"
    drawn = visual_order(runs, paragraph_rtl=True)
    assert [run.text for run in drawn] == ["1", "داء السكري من النوع ", "💊 "]


@pytest.mark.parametrize(
    ("text", "drawn"),
    [
        ("تاریخ انقضا 2028-11-26", ["2028-11-26", "تاریخ انقضا "]),
        ("تاریخ تولد ۱۳۷۵-۰۶-۰۲", ["۱۳۷۵-۰۶-۰۲", "تاریخ تولد "]),
        ("ولد عام 1999 في حلب", ["في حلب", " ", "1999", "ولد عام "]),
        ("+2 مورد دیگر — کد را اسکن کنید", ["کد را اسکن کنید", "— ", "مورد دیگر ", " ", "+2"]),
    ],
)
def test_a_number_after_arabic_text_reads_left_to_right_as_a_whole(
    fonts: FontSet, text: str, drawn: list[str]
) -> None:
    ordered = visual_order(fonts.runs(text), paragraph_rtl=True)
    assert [run.text for run in ordered] == drawn
    assert [run.rtl for run in ordered if any(c.isdecimal() for c in run.text)] == [False]


@pytest.mark.parametrize(
    ("text", "paragraph_rtl", "drawn"),
    [
        # The comma between two words of opposite directions follows the paragraph.
        ("ትግርኛ, العربية, English", False, ["ትግርኛ", ", ", "العربية", ", ", "English"]),
        ("العربية, English, فارسی", True, ["فارسی", ", ", "English", ", ", "العربية"]),
    ],
)
def test_punctuation_between_scripts_of_opposite_directions_is_placed_by_the_paragraph(
    fonts: FontSet, text: str, paragraph_rtl: bool, drawn: list[str]
) -> None:
    ordered = visual_order(fonts.runs(text), paragraph_rtl=paragraph_rtl)
    assert [run.text for run in ordered] == drawn
    assert [run.rtl for run in ordered if run.text == ", "] == [paragraph_rtl, paragraph_rtl]
