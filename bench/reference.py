"""The reference holder profiles (tests/profiles/*.json) as signed cards, for every bench.

Keys, card ids and record keys come from fixed seeds so every run measures the
same cards; only the ECDSA signatures of the comparators are randomised, and
their length is fixed, so sizes do not move between runs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from cards.model import CARD_ID_BYTES, RECORD_KEY_BYTES, Card
from cards.profile import parse_profile
from signing.issuance import IssuedCard, new_card, sign_and_encode
from signing.keys import PrivateKey
from signing.trust import TrustEntry, TrustList

PROFILES = Path(__file__).resolve().parent.parent / "tests" / "profiles"
HOST = "EHC.EXAMPLE.ORG"
ISSUED = date(2026, 11, 27)
ISSUER_KEY = PrivateKey(hashlib.sha256(b"ehcard bench issuer key").digest())


@dataclass(frozen=True)
class ReferenceCard:
    name: str
    card: Card
    issued: IssuedCard


def _fixed_bytes(label: str, name: str, size: int) -> bytes:
    return hashlib.sha256(f"{label}/{name}".encode()).digest()[:size]


def reference_cards(issuer_key: PrivateKey = ISSUER_KEY) -> list[ReferenceCard]:
    """Every reference profile, parsed, made into a card and signed by `issuer_key`."""
    cards = []
    for path in sorted(PROFILES.glob("*.json")):
        profile = json.loads(path.read_text("utf-8"))
        holder, emergency, provenance = parse_profile(profile, today=ISSUED)
        card = replace(
            new_card(holder, emergency, provenance, issued=ISSUED),
            card_id=_fixed_bytes("card-id", path.stem, CARD_ID_BYTES),
            record_key=_fixed_bytes("record-key", path.stem, RECORD_KEY_BYTES),
        )
        cards.append(ReferenceCard(path.stem, card, sign_and_encode(card, issuer_key, HOST)))
    return cards


def trust_list(issuer_key: PrivateKey = ISSUER_KEY) -> TrustList:
    """A trust list naming the bench issuer for `HOST`."""
    entry = TrustEntry(
        public_key=issuer_key.public,
        centre="Bench reception centre",
        host=HOST,
        valid_from=date(2026, 1, 1),
        valid_until=date(2036, 1, 1),
    )
    return TrustList(sequence=1, issued=date(2026, 1, 1), entries=(entry,))


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
