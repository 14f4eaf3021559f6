"""Holder profiles (JSON, see schemas/profile.schema.json) -> card contents.

Structure is checked against the published JSON Schema; meaning (codes in
the value sets, real dates, sensitive items, names safe to print) here.
Every fault raises `ProfileError` naming the field.

`parse_profile` reads a whole profile, `confirmed` included (test vectors,
reference cards). A profile about to be signed comes from a holder, staff or
a script and goes through `parse_holder_profile`, which refuses `confirmed`:
a clinician's confirmation comes only from that clinician's own session.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from cards import snomed, valuesets
from cards.errors import ConfirmationClaimed, ProfileError
from cards.model import (
    BirthDate,
    ClinicalField,
    EmergencyContact,
    EmergencyData,
    Holder,
    Provenance,
    Sex,
)
from cards.packing import check_name, plain_apostrophes
from cards.translit import icao_latin

NO_KNOWN_ALLERGY = "716186003"


@cache
def profile_schema() -> dict[str, Any]:
    text = resources.files("cards.schemas").joinpath("profile.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def parse_profile(
    profile: Any, *, today: date | None = None
) -> tuple[Holder, EmergencyData, Provenance]:
    """Validate a decoded JSON profile and return what the card will carry."""
    validator = jsonschema.Draft202012Validator(profile_schema())
    errors = sorted(validator.iter_errors(profile), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first.absolute_path) or "profile"
        raise ProfileError(where, first.message)
    today = today or date.today()
    chosen = set(profile.get("include_sensitive", []))
    name = _name("name", profile["name"])
    holder = Holder(
        name=name,
        birth_date=_birth_date(profile["birth_date"], today),
        sex=Sex(profile["sex"]) if profile.get("sex") else None,
        name_latin=_name_latin(name, profile.get("name_latin")),
    )
    contact = profile.get("emergency_contact")
    data = EmergencyData(
        blood_group=profile.get("blood_group"),
        allergies=_allergies(profile.get("allergies"), chosen),
        medications=_codes(
            "medications", profile.get("medications"), valuesets.medications(), chosen
        ),
        conditions=_codes("conditions", profile.get("conditions"), valuesets.conditions(), chosen),
        contact=(
            EmergencyContact(
                name=_name("emergency_contact.name", contact["name"]), phone=contact["phone"]
            )
            if contact
            else None
        ),
        languages=_languages(profile.get("languages", [])),
    )
    unused = (
        chosen
        - set(data.allergies or ())
        - set(data.medications or ())
        - set(data.conditions or ())
    )
    if unused:
        raise ProfileError("include_sensitive", f"lists codes not on the card: {sorted(unused)}")
    confirmed = profile.get("confirmed")
    provenance = (
        Provenance(
            confirmed=frozenset(ClinicalField(f) for f in confirmed["fields"]),
            confirmed_by=confirmed["staff_id"],
        )
        if confirmed
        else Provenance()
    )
    return holder, data, provenance


def parse_holder_profile(
    profile: Any, *, today: date | None = None
) -> tuple[Holder, EmergencyData]:
    """Validate a profile to sign: what a holder, staff or a script give, never a confirmation."""
    if isinstance(profile, dict) and "confirmed" in profile:
        raise ConfirmationClaimed(
            "confirmed",
            "a profile cannot say a clinician confirmed it: only a clinician signed in at the "
            "kiosk confirms items, and then the kiosk adds the confirmation itself",
        )
    holder, data, _provenance = parse_profile(profile, today=today)
    return holder, data


def _name(field: str, value: str) -> str:
    """The name as the card prints it: any usual apostrophe written as the ASCII one."""
    value = plain_apostrophes(value)
    problem = check_name(value)
    if problem:
        raise ProfileError(field, problem)
    return value


def _name_latin(name: str, latin: str | None) -> str | None:
    computed = icao_latin(name)
    if latin is None:
        if computed is None:
            raise ProfileError(
                "name_latin",
                "required: no ICAO 9303 table covers this name's script, give the Latin spelling",
            )
        return None
    latin = plain_apostrophes(latin)
    if not latin.isascii() or check_name(latin):
        raise ProfileError(
            "name_latin", "must be plain Latin letters, spaces, hyphens, apostrophes"
        )
    latin = " ".join(latin.upper().split())
    return None if latin == computed else latin


def _birth_date(value: str, today: date) -> BirthDate:
    try:
        if len(value) == 4:
            birth = BirthDate(int(value))
            born = date(birth.year, 1, 1)
        else:
            born = date.fromisoformat(value)
            birth = BirthDate(born.year, born.month, born.day)
    except ValueError as exc:
        raise ProfileError("birth_date", f"{value!r} is not a real date") from exc
    if born > today:
        raise ProfileError("birth_date", "is in the future")
    if born.year < 1900:
        raise ProfileError("birth_date", "is before 1900")
    return birth


def _allergies(codes: list[str] | None, chosen: set[str]) -> tuple[str, ...] | None:
    if codes == [NO_KNOWN_ALLERGY]:
        return ()
    if codes and NO_KNOWN_ALLERGY in codes:
        raise ProfileError("allergies", "'no known allergy' cannot be listed with allergies")
    for code in codes or ():
        # Syntax first: a mistyped id is named as such, whatever the value set holds.
        if not snomed.check_digit_ok(code):
            raise ProfileError(
                "allergies", f"{code} fails the SNOMED CT check digit (Verhoeff): a typing error"
            )
    return _codes("allergies", codes, valuesets.allergies(), chosen)


def _codes(
    field: str, codes: list[str] | None, value_set: valuesets.ValueSet, chosen: set[str]
) -> tuple[str, ...] | None:
    if codes is None:
        return None
    for code in codes:
        if code not in value_set:
            raise ProfileError(field, f"{code} is not in the {value_set.name} value set")
        if value_set[code].sensitive and code not in chosen:
            raise ProfileError(
                field,
                f"{code} is sensitive: it goes on the card only if listed in include_sensitive",
            )
    return tuple(codes)


def _languages(codes: list[str]) -> tuple[str, ...]:
    known = valuesets.languages()
    for code in codes:
        if code not in known:
            raise ProfileError("languages", f"{code} is not a known ISO 639 language code")
    return tuple(codes)
