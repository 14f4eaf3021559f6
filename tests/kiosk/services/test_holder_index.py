"""Holder look-up keys and sealed names: tolerant matching, nothing readable without the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from cards.model import BirthDate, Holder
from kiosk.config import ConfigError, load_settings
from kiosk.domain.cards.holder_index import (
    HolderSearchError,
    holder_keys,
    normalised_name,
    open_holder,
    parse_typed_birth,
    seal_holder,
    search_keys,
)
from kiosk.domain.keys.instance_secrets import InstanceSecrets, load_instance_secrets

SECRETS = InstanceSecrets(bytes(range(32)))
AMINA = Holder(name="Amina Diallo", birth_date=BirthDate(1994, 3, 12))


@pytest.mark.parametrize(
    "typed", ["Amina Diallo", "diallo amina", "  AMINA   DIALLO ", "Amína Diallo", "Diallo-Amina"]
)
def test_names_are_matched_whatever_their_order_case_or_accents(typed: str) -> None:
    assert normalised_name(typed) == "AMINA DIALLO"


def test_a_cyrillic_name_matches_its_icao_latin_spelling() -> None:
    assert normalised_name("Олена Коваленко") == normalised_name("Kovalenko Olena")


def test_a_full_date_search_matches_the_card_and_a_year_only_card() -> None:
    column, keys = search_keys(SECRETS, "diallo amina", "12/03/1994")
    assert column == "lookup_key"
    assert holder_keys(SECRETS, AMINA).full in keys
    year_only = Holder(name="Amina Diallo", birth_date=BirthDate(1994))
    assert holder_keys(SECRETS, year_only).full in keys


def test_a_year_search_matches_every_card_of_that_year() -> None:
    assert search_keys(SECRETS, "Amina Diallo", "1994") == (
        "lookup_key_year", (holder_keys(SECRETS, AMINA).year,)
    )


def test_look_up_keys_depend_on_the_instance_secret() -> None:
    other = InstanceSecrets(bytes(32))
    assert holder_keys(SECRETS, AMINA) != holder_keys(other, AMINA)


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


def test_a_name_in_a_script_without_a_table_must_be_typed_in_latin() -> None:
    with pytest.raises(HolderSearchError, match="type the holder's name in Latin letters"):
        search_keys(SECRETS, "ተስፋይ", "1988")


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
