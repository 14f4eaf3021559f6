"""The recovery slip: the code on one line, grouped, in the holder's language first."""

from __future__ import annotations

import pytest

from cards import valuesets
from cards.render.flow import QrItem, TextItem
from cards.render.fonts import FontSet
from cards.render.profiles import THERMAL_PROFILES, printer_profile
from cards.render.slip import group_code, layout_slip

RECOVERY = "K7PQX2MV9RTABC3D"
ADDRESS = "https://ehc.example.org/holder"


@pytest.mark.parametrize("profile_name", THERMAL_PROFILES)
@pytest.mark.parametrize("language", ["ar", "ti", "ka", "fr"])
def test_slip_holds_both_codes_and_the_instructions_in_two_languages(
    fonts: FontSet, profile_name: str, language: str
) -> None:
    profile = printer_profile(profile_name)
    side = layout_slip(
        "04HMA-SW9NF", RECOVERY, holder_language=language, receiving_language="fr",
        centre="Centre d'accueil de Paris", holder_address=ADDRESS, profile=profile,
        measure=fonts,
    )  # fmt: skip
    lines = [item for item in side.items if isinstance(item, TextItem)]
    texts = [line.text for line in lines]
    assert "K7PQ X2MV 9RTA BC3D" in texts  # one line, in groups of four
    assert "04HMA-SW9NF" in texts
    assert not any(isinstance(item, QrItem) for item in side.items)
    printed = " ".join(texts)
    for words in (valuesets.term("slip.title", language), valuesets.term("slip.title", "fr")):
        assert all(word in printed for word in words.split())
    # Where to use the code: the holder pages' address, said in the holder's language and English.
    assert ADDRESS in texts
    for where in (valuesets.term("slip.where", language), valuesets.term("slip.where", "en")):
        assert all(word in printed for word in where.split())
    for line in lines:
        assert line.x >= profile.margin_dots
        assert line.x + line.width <= profile.dots_wide - profile.margin_dots
        assert fonts.extent(line.text, line.size, bold=line.bold, rtl=line.rtl).width <= line.width
    first = next(line for line in lines if line.language == language)
    assert first.align == ("right" if language in valuesets.RTL_LANGUAGES else "left")


@pytest.mark.parametrize(
    ("code", "grouped"), [("K7PQX2MV", "K7PQ X2MV"), ("k7pq-x2mv-9r", "k7pq x2mv 9r")]
)
def test_recovery_codes_print_in_groups_of_four(code: str, grouped: str) -> None:
    assert group_code(code) == grouped
