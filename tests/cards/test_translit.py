"""ICAO 9303 transliteration of names."""

from __future__ import annotations

import pytest

from cards.translit import icao_latin


@pytest.mark.parametrize(
    ("name", "latin"),
    [
        ("Amina Diallo", "AMINA DIALLO"),
        ("José Núñez-García", "JOSE NUNEZ GARCIA"),
        ("Jürgen Øster", "JUERGEN OESTER"),
        ("Олена Шевченко", "OLENA SHEVCHENKO"),
        ("Щукин Юрий", "SHCHUKIN IURII"),
        ("فاطمة", "FAXTTMXAH"),
        ("محمّد", "MXHMMD"),
        ("N'Golo", "NGOLO"),
        ("علی‌رضا", "ELXYARXDZA"),
    ],
)
def test_icao_tables(name: str, latin: str) -> None:
    assert icao_latin(name) == latin


@pytest.mark.parametrize("name", ["ዮናስ", "ნინო", "張偉"])
def test_scripts_without_a_table_give_none(name: str) -> None:
    assert icao_latin(name) is None
