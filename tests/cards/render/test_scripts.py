"""Scripts of characters, and the visual order of runs on a line."""

from __future__ import annotations

import pytest

from cards.render.scripts import Run, Script, is_rtl, script_of, visual_order


@pytest.mark.parametrize(
    ("char", "script"),
    [
        ("A", Script.LATIN),
        ("ł", Script.LATIN),
        ("Ї", Script.LATIN),  # Cyrillic: one font with Latin
        ("ب", Script.ARABIC),
        ("ځ", Script.ARABIC),  # Pashto
        ("ሰ", Script.ETHIOPIC),
        ("ქ", Script.GEORGIAN),
        ("✚", Script.SYMBOL),
        ("💊", Script.SYMBOL),
        (" ", None),
        ("7", None),
        ("٣", None),  # Arabic-Indic digit: neutral, like any digit
        ("،", None),  # Arabic comma
        ("\u200c", None),  # zero-width non-joiner (Persian)
    ],
)
def test_each_character_has_its_script(char: str, script: Script | None) -> None:
    assert script_of(char) is script


@pytest.mark.parametrize(
    ("text", "rtl"),
    [("محمد", True), ("  ۱۲ پښتو", True), ("O+ فصيلة", False), ("1994 ሰላም", False), ("", False)],
)
def test_direction_is_that_of_the_first_strong_character(text: str, rtl: bool) -> None:
    assert is_rtl(text) is rtl


def _texts(runs: list[Run]) -> list[str]:
    return [run.text for run in runs]


def test_ltr_line_keeps_logical_order_and_reverses_rtl_sequences() -> None:
    runs = [
        Run("Allergie ", "sans", False),
        Run("بنسلين", "naskh", True),
        Run(" ✚", "symbols", None),
    ]
    ordered = visual_order(runs, paragraph_rtl=False)
    assert _texts(ordered) == ["Allergie ", "بنسلين", " ✚"]
    assert ordered[2].rtl is False  # between RTL and the LTR paragraph: the paragraph's


def test_rtl_line_puts_the_first_run_on_the_right() -> None:
    runs = [Run("💊 ", "symbols", None), Run("دواء", "naskh", True), Run(" A10", "sans", False)]
    ordered = visual_order(runs, paragraph_rtl=True)
    assert _texts(ordered) == [" A10", "دواء", "💊 "]
    assert ordered[2].rtl is True  # the pictogram faces the Arabic text it starts


def test_neutral_between_two_rtl_runs_reads_rtl() -> None:
    runs = [Run("الربو", "naskh", True), Run(" + ", "sans", None), Run("السكري", "naskh", True)]
    ordered = visual_order(runs, paragraph_rtl=False)
    assert _texts(ordered) == ["السكري", " + ", "الربو"]
    assert all(run.rtl for run in ordered)


def test_a_phone_number_after_an_rtl_name_reads_left_to_right() -> None:
    runs = [Run("علی حسینی  ", "naskh", True), Run("+4917612345678", "sans", None)]
    ordered = visual_order(runs, paragraph_rtl=True)
    assert _texts(ordered) == ["+4917612345678", "علی حسینی  "]
    assert ordered[0].rtl is False  # "+" stays before the digits
