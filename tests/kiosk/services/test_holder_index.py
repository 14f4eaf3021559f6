"""Holder look-up keys and sealed names: tolerant matching, nothing readable without the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from cards.model import BirthDate, Holder
from kiosk.config import ConfigError, load_settings
from kiosk.domain.cards.holder_index import (
    HolderDisplay,
    HolderSearchError,
    holder_keys,
    holder_query,
    open_holder,
    parse_typed_birth,
    rank,
    seal_holder,
)
from kiosk.domain.keys.instance_secrets import InstanceSecrets, load_instance_secrets

SECRETS = InstanceSecrets(bytes(range(32)))
AMINA = Holder(name="Amina Diallo", birth_date=BirthDate(1994, 3, 12))


def _found(typed: str, holder: Holder, birth: str = "1994") -> bool:
    """Whether a search for `typed` reaches `holder` through the index and keeps it."""
    query = holder_query(SECRETS, typed, birth)
    if not query.keys & holder_keys(SECRETS, holder):
        return False
    shown = HolderDisplay(
        holder.name, "", holder.birth_date.isoformat(), documents=holder.name_latin or ""
    )
    return rank(query, shown) is not None


@pytest.mark.parametrize(
    "typed", ["Amina Diallo", "diallo amina", "  AMINA   DIALLO ", "Amína Diallo", "Diallo-Amina"]
)
def test_names_are_matched_whatever_their_order_case_or_accents(typed: str) -> None:
    assert _found(typed, AMINA)


def test_a_cyrillic_name_matches_its_icao_latin_spelling() -> None:
    olena = Holder(name="Олена Коваленко", birth_date=BirthDate(1971, 2, 3))
    assert _found("Kovalenko Olena", olena, "1971")
    assert _found("Коваленко", olena, "1971")


def test_a_full_date_search_matches_the_card_and_a_year_only_card() -> None:
    assert _found("diallo amina", AMINA, "12/03/1994")
    year_only = Holder(name="Amina Diallo", birth_date=BirthDate(1994))
    assert _found("diallo amina", year_only, "12/03/1994")
    assert not _found("diallo amina", AMINA, "13/03/1994")


def test_the_birth_year_is_part_of_every_key() -> None:
    assert not _found("Amina Diallo", AMINA, "1995")


def test_look_up_keys_depend_on_the_instance_secret() -> None:
    other = InstanceSecrets(bytes(32))
    assert not holder_keys(SECRETS, AMINA) & holder_keys(other, AMINA)


def test_look_up_keys_hold_no_name() -> None:
    keys = holder_keys(SECRETS, AMINA)
    assert all(len(key) == 64 and "AMINA" not in key.upper() for key in keys)


def test_a_name_in_any_script_can_be_searched() -> None:
    tesfay = Holder(name="ተስፋይ ገብረ", birth_date=BirthDate(1988), name_latin="TESFAY GEBRE")
    assert _found("ተስፋይ", tesfay, "1988")
    assert _found("Tesfai Gebre", tesfay, "1988")


@pytest.mark.parametrize("typed", ["", "   ", "1234", "x" * 121])
def test_a_name_that_cannot_be_searched_is_named(typed: str) -> None:
    with pytest.raises(HolderSearchError, match="type the holder's name"):
        holder_query(SECRETS, typed, "1988")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1994-03-12", BirthDate(1994, 3, 12)), ("12/03/1994", BirthDate(1994, 3, 12)),
     ("2.3.1994", BirthDate(1994, 3, 2)), ("1994", BirthDate(1994))],
)  # fmt: skip
def test_birth_dates_are_read_as_staff_type_them(typed: str, expected: BirthDate) -> None:
    assert parse_typed_birth(typed) == expected


@pytest.mark.parametrize("typed", ["1994-02-30", "94", "12/13/1994", "March 1994", ""])
def test_a_bad_birth_date_is_refused_with_examples(typed: str) -> None:
    with pytest.raises(HolderSearchError, match="is not a birth date: type 1994-03-12"):
        parse_typed_birth(typed)


def test_the_sealed_name_opens_only_for_its_own_card_and_key() -> None:
    card_id = bytes(8)
    sealed = seal_holder(SECRETS, card_id, AMINA)
    assert b"Amina" not in sealed
    shown = open_holder(SECRETS, card_id, sealed)
    assert (shown.name, shown.name_latin, shown.birth_date) == (
        "Amina Diallo", "AMINA DIALLO", "1994-03-12"
    )
    with pytest.raises(HolderSearchError, match="belongs to another card"):
        open_holder(SECRETS, bytes([1] * 8), sealed)
    with pytest.raises(HolderSearchError, match="cannot be opened with this instance's key"):
        open_holder(InstanceSecrets(bytes(32)), card_id, sealed)


def test_a_sealed_arabic_name_shows_its_readable_line_and_its_icao_form() -> None:
    holder = Holder(name="محمد الخطيب", birth_date=BirthDate(1985))
    shown = open_holder(SECRETS, bytes(8), seal_holder(SECRETS, bytes(8), holder))
    assert (shown.name_latin, shown.name_icao, shown.documents) == (
        "MOHAMMED AL-KHATIB", "MXHMD ALXKHXTTYB", ""
    )
    spelled = Holder(name="محمد الخطيب", birth_date=BirthDate(1985), name_latin="MOHAMAD KHATEEB")
    shown = open_holder(SECRETS, bytes(8), seal_holder(SECRETS, bytes(8), spelled))
    assert (shown.name_latin, shown.documents) == ("MOHAMAD KHATEEB", "MOHAMAD KHATEEB")


def test_development_makes_the_instance_secret_owner_readable(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    first = load_instance_secrets(settings)
    assert settings.instance_key_path.stat().st_mode & 0o777 == 0o600
    assert load_instance_secrets(settings) == first


def test_production_refuses_to_start_without_the_instance_secret(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, environ={
        "EHCARD_MODE": "production", "EHCARD_ISSUER_KEY_FILE": "i", "EHCARD_TRUST_LIST_FILE": "t",
        "EHCARD_ROOT_PUBLIC_KEY_FILE": "r", "EHCARD_SECRET_KEY_FILE": "s",
        "EHCARD_PRINTER": "tcp:192.0.2.7",
        "EHCARD_INSTANCE_KEY_FILE": str(tmp_path / "keys" / "instance.key"),
        "EHCARD_PRINT_JOB_KEY_FILE": "p",
    })  # fmt: skip
    with pytest.raises(ConfigError, match="production mode needs the instance secret"):
        load_instance_secrets(settings)


@pytest.mark.parametrize(
    ("content", "mode", "message"),
    [
        ("ehcard-instance-secret-v1\nAAAA\n", 0o600, "the secret is 32 bytes, found 3"),
        ("something else\n", 0o600, "is not an ehcard instance secret"),
        ("ehcard-instance-secret-v1\n" + "A" * 44 + "\n", 0o640, "is readable by others"),
    ],
)
def test_a_bad_instance_secret_file_is_named(
    tmp_path: Path, content: str, mode: int, message: str
) -> None:
    settings = load_settings(tmp_path)
    path = settings.instance_key_path
    path.parent.mkdir(parents=True)
    path.write_text(content)
    path.chmod(mode)
    with pytest.raises(ConfigError, match=message):
        load_instance_secrets(settings)
