"""Find a card by its holder without keeping names in clear in the registry.

For each card the registry keeps keyed hashes (HMAC-SHA256 under the
instance's look-up key) of the tokens its holder's name is found by
(name_match.py: native words, and the sounds of the documents' spelling, the
readable spelling and the ICAO 9303 form), each with the birth year, one row
per token in `holder_name_keys`; and the name and birth date sealed
(SecretBox) under the instance's name key so that staff can confirm the
person. A copy of the database alone yields neither names nor a way to test
guesses; what it shows is how many tokens each card has and which cards share
one (the same name sound and birth year), never which.

A search hashes the typed name's tokens with the typed year, takes the cards
sharing most of them, opens their sealed names and ranks them (name_match.match).
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
from cards.spelling import latin_line
from cards.translit import icao_latin
from kiosk.domain.cards.name_match import Match, match, name_tokens
from kiosk.domain.keys.instance_secrets import InstanceSecrets

_TYPED_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
TYPED_NAME_MAX = 120


class HolderSearchError(CardError):
    """A name or birth date typed into the console cannot be searched for."""

    code = "bad_holder_search"


@dataclass(frozen=True)
class HolderDisplay:
    """What the console shows to confirm a holder: nothing clinical."""

    name: str
    name_latin: str  # the Latin line: the documents' spelling, else the readable one
    birth_date: str
    documents: str = ""  # the spelling the holder's documents give, "" for none

    @property
    def name_icao(self) -> str:
        """The ICAO 9303 machine form, for matching with travel documents."""
        return icao_latin(self.name) or self.documents


# Bumped when the tokens a name gives change (name table, sounds): cards indexed under an
# older version are indexed again when the kiosk starts (reindex_holders).
NAME_INDEX_VERSION = 1


def _mac(secrets: InstanceSecrets, token: str, year: int) -> str:
    message = f"{token}\n{year:04d}".encode()
    return hmac.new(secrets.lookup_key, message, hashlib.sha256).hexdigest()


def holder_keys(secrets: InstanceSecrets, holder: Holder) -> set[str]:
    """The look-up keys stored with a card, one row each."""
    tokens = name_tokens(holder.name, holder.name_latin or "")
    return {_mac(secrets, token, holder.birth_date.year) for token in tokens}


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


@dataclass(frozen=True)
class HolderQuery:
    typed_name: str
    birth: BirthDate
    keys: frozenset[str]


def holder_query(secrets: InstanceSecrets, typed_name: str, typed_birth: str) -> HolderQuery:
    """The keys to look up for a typed name (any script, any spelling) and birth date.

    A full date finds cards with that date and cards that carry the year alone;
    a year alone finds every card of that year.
    """
    typed_name = " ".join(typed_name.split())
    if len(typed_name) > TYPED_NAME_MAX or not any(c.isalpha() for c in typed_name):
        raise HolderSearchError(
            f"type the holder's name (at most {TYPED_NAME_MAX} characters), in any script "
            "and any spelling"
        )
    birth = parse_typed_birth(typed_birth)
    tokens = name_tokens(typed_name)
    return HolderQuery(
        typed_name, birth, frozenset(_mac(secrets, token, birth.year) for token in tokens)
    )


def rank(query: HolderQuery, shown: HolderDisplay) -> Match | None:
    """How well one candidate answers the query, or None when it does not (another full
    birth date, or too few of the typed words)."""
    birth_exact = shown.birth_date == query.birth.isoformat()
    if not query.birth.is_year_only and not birth_exact and len(shown.birth_date) != 4:
        return None
    found = match(query.typed_name, shown.name, shown.documents, birth_exact=birth_exact)
    typed = len(query.typed_name.split())
    if found.words_found < typed - (1 if typed >= 3 else 0):
        return None
    return found


def seal_holder(secrets: InstanceSecrets, card_id: bytes, holder: Holder) -> bytes:
    plain = json.dumps(
        {"card": card_id.hex(), "name": holder.name, "documents": holder.name_latin or "",
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
    name = plain["name"]
    # Seals made before the documents' spelling was kept apart hold the card's Latin line
    # ("latin"): the ICAO form when the card stored no spelling.
    documents = plain.get("documents", plain.get("latin", ""))
    if documents == icao_latin(name):
        documents = ""
    return HolderDisplay(
        name=name,
        name_latin=latin_line(name, documents or None) or "",
        birth_date=plain["birth"],
        documents=documents,
    )


def sealed_holder(secrets: InstanceSecrets, card_id: bytes, sealed: bytes) -> Holder:
    """The holder a seal names, as the index needs it: name, documents' spelling, birth."""
    shown = open_holder(secrets, card_id, sealed)
    return Holder(
        name=shown.name,
        birth_date=parse_typed_birth(shown.birth_date),
        name_latin=shown.documents or None,
    )
