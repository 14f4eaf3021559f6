"""Readable Latin spellings: the table of common names, the letter rules, other scripts."""

from __future__ import annotations

import pytest

from cards.spelling import latin_line, name_table, readable_latin
from tests.cards.common_names import COMMON_NAMES, WHOLE_NAMES, CommonName


def test_the_list_covers_at_least_forty_common_names() -> None:
    assert len(COMMON_NAMES) >= 40
    assert all(name.source.startswith("https://") for name in (*COMMON_NAMES, *WHOLE_NAMES))


@pytest.mark.parametrize("name", [*COMMON_NAMES, *WHOLE_NAMES], ids=lambda n: n.script)
def test_a_common_name_reads_as_one_of_its_usual_spellings(name: CommonName) -> None:
    assert readable_latin(name.script) in name.accepted


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        # Letter rules: not in the table.
        ("غسان", {"GHASSAN", "GHASAN"}),
        ("جبران", {"JABRAN", "JUBRAN", "GIBRAN"}),
        ("سلوى", {"SALWA", "SALWAH"}),
        ("بدران", {"BADRAN"}),
        ("بهزاد", {"BEHZAD", "BAHZAD"}),
        ("پښتون", {"PASHTUN", "PUKHTUN", "PASHTOON"}),
        ("حبيب الرحمن", {"HABIB AL-RAHMAN"}),
        # Short vowels and shadda typed or not: the same spelling.
        ("مُحَمَّد", {"MOHAMMED"}),
        # Arabic and Persian keyboards' forms of one letter.
        ("كريمي", {"KARIMI"}),
    ],
)
def test_the_letter_rules_spell_names_outside_the_table(name: str, accepted: set[str]) -> None:
    assert readable_latin(name) in accepted


@pytest.mark.parametrize(
    ("name", "latin"),
    [
        ("ሰላም ተስፋይ", "SELAM TESFAY"),
        ("ዮናስ ገብረሚካኤል", "YONAS GEBREMIKAEL"),
        ("ሐጎስ", "HAGOS"),
        ("ნინო ბერიძე", "NINO BERIDZE"),
        ("გიორგი ქავთარაძე", "GIORGI KAVTARADZE"),
        ("Олена Шевченко", "OLENA SHEVCHENKO"),
        ("José Núñez-García", "JOSE NUNEZ GARCIA"),
    ],
)
def test_other_scripts_read_as_their_passports_print_them(name: str, latin: str) -> None:
    assert readable_latin(name) == latin


@pytest.mark.parametrize("name", ["張偉", "ዮናስ 張", "", "  "])
def test_a_script_nothing_covers_gives_none(name: str) -> None:
    assert readable_latin(name) is None


def test_the_documents_spelling_wins_and_the_icao_form_is_the_last_resort() -> None:
    assert latin_line("محمد", "MOHAMAD") == "MOHAMAD"
    assert latin_line("محمد", None) == "MOHAMMED"
    assert latin_line("張偉", None) is None


def test_the_table_names_its_sources_and_licence() -> None:
    about = name_table()["about"]
    assert about["sources"] and about["licence"]
    spellings = [*name_table()["names"].values(), *name_table()["names_persian"].values()]
    assert all(s.replace(" ", "").replace("-", "").isascii() for s in spellings)
    assert all(s == s.upper() and s.replace(" ", "").replace("-", "").isalpha() for s in spellings)
