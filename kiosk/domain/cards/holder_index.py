"""Find a card by its holder without keeping names in clear in the registry.

A card row holds HMAC-SHA256 look-up keys of the holder's normalised Latin
name (ICAO 9303) with the birth date, and with the birth year alone, under
the instance's look-up key; and the name and birth date sealed (SecretBox)
under the instance's name key so that staff can confirm the person. A copy
of the database alone yields neither names nor a way to test guesses.

Names are normalised to ICAO 9303 Latin upper case, punctuation dropped and
words sorted, so "Diallo Amina", "amina  DIALLO" and "Amína Diallo" all match.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import date

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from cards.errors import CardError
from cards.model import BirthDate, Holder
from cards.translit import icao_latin
from kiosk.domain.keys.instance_secrets import InstanceSecrets

_TYPED_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


class HolderSearchError(CardError):
    """A name or birth date typed into the console cannot be searched for."""

    code = "bad_holder_search"


@dataclass(frozen=True)
class HolderDisplay:
    """What the console shows to confirm a holder: nothing clinical."""

    name: str
    name_latin: str
    birth_date: str


@dataclass(frozen=True)
class HolderKeys:
    full: str
    year: str


def normalised_name(name: str) -> str | None:
    """The sorted ICAO 9303 Latin words of `name`, or None for a script without a table."""
    latin = icao_latin(name)
    if latin is None:
        return None
    return " ".join(sorted(latin.split()))


def _mac(secrets: InstanceSecrets, name: str, birth: str) -> str:
    message = f"{name}\n{birth}".encode()
    return hmac.new(secrets.lookup_key, message, hashlib.sha256).hexdigest()


def holder_keys(secrets: InstanceSecrets, holder: Holder) -> HolderKeys:
    """The look-up keys stored with a card."""
    name = normalised_name(holder.name_latin or holder.name)
    if name is None:
        raise HolderSearchError("a card holder always has an ICAO Latin name")
    birth = holder.birth_date
    return HolderKeys(
        full=_mac(secrets, name, birth.isoformat()), year=_mac(secrets, name, f"{birth.year:04d}")
    )


def parse_typed_birth(text: str) -> BirthDate:
    """A birth date as staff type it: 1994-03-12, 12/03/1994, 12.03.1994 or 1994."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return BirthDate(int(text))
        typed = _TYPED_DATE.match(text)
        born = (
            date(int(typed[3]), int(typed[2]), int(typed[1]))
            if typed
            else date.fromisoformat(text)
        )
    except ValueError as exc:
        raise HolderSearchError(
            f"{text!r} is not a birth date: type 1994-03-12, 12/03/1994 or the year 1994"
        ) from exc
    return BirthDate(born.year, born.month, born.day)


def search_keys(
    secrets: InstanceSecrets, typed_name: str, typed_birth: str
) -> tuple[str, tuple[str, ...]]:
    """The column and keys to match.

    A full date finds cards with that date and cards that carry the year alone
    (their full key is the year's); a year alone finds every card of that year.
    """
    name = normalised_name(typed_name)
    if not name:
        raise HolderSearchError(
            "type the holder's name in Latin letters, as on their card's second line"
        )
    birth = parse_typed_birth(typed_birth)
    year_key = _mac(secrets, name, f"{birth.year:04d}")
    if birth.is_year_only:
        return ("lookup_key_year", (year_key,))
    return ("lookup_key", (_mac(secrets, name, birth.isoformat()), year_key))


def seal_holder(secrets: InstanceSecrets, card_id: bytes, holder: Holder) -> bytes:
    latin = holder.name_latin or icao_latin(holder.name) or ""
    plain = json.dumps(
        {"card": card_id.hex(), "name": holder.name, "latin": latin,
         "birth": holder.birth_date.isoformat()},
        ensure_ascii=False,
    )  # fmt: skip
    return bytes(SecretBox(secrets.name_key).encrypt(plain.encode()))


def open_holder(secrets: InstanceSecrets, card_id: bytes, sealed: bytes) -> HolderDisplay:
    """The sealed name of `card_id`; refuses a seal moved from another card's row."""
    try:
        plain = json.loads(SecretBox(secrets.name_key).decrypt(sealed))
    except (CryptoError, ValueError) as exc:
        raise HolderSearchError(
            "the holder's name cannot be opened with this instance's key"
        ) from exc
    if plain.get("card") != card_id.hex():
        raise HolderSearchError("the sealed name belongs to another card")
    return HolderDisplay(name=plain["name"], name_latin=plain["latin"], birth_date=plain["birth"])
