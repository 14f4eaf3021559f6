"""Signed per-issuer revocation lists, their deltas, and a verifier's cache.

Entries carry revocation ids (derived from the random card id, so a list
names no person), a reason, the day of revocation and an optional end day
after which the entry no longer counts. Entries are grouped by (day, reason,
end day) with their ids concatenated: 100,000 entries stay near 800 kB.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from cards.errors import Malformed
from cards.model import revocation_id
from cards.packing import day_number, from_day_number
from signing.errors import SignedListError
from signing.keys import PrivateKey, PublicKey
from signing.signed import seal, unseal

DOMAIN = b"ehcard/revocations/v1"
RID_BYTES = 8


class Reason(Enum):
    LOST = 1
    STOLEN = 2
    WRONG_DATA = 3
    REISSUED = 4
    DECEASED = 5
    HOLDER_REQUEST = 6

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Revocation:
    rid: bytes
    reason: Reason
    revoked_on: date
    until: date | None = None

    @classmethod
    def of_card(cls, card_id: bytes, reason: Reason, revoked_on: date) -> Revocation:
        return cls(revocation_id(card_id), reason, revoked_on)

    def counts_on(self, day: date) -> bool:
        return self.until is None or day <= self.until


@dataclass(frozen=True)
class RevocationList:
    """A full list (`since` == 0) or the entries added after counter `since`."""

    issuer_kid: bytes
    counter: int
    issued: date
    entries: tuple[Revocation, ...]
    since: int = 0


def encode_groups(entries: Iterable[Revocation]) -> list[list[Any]]:
    """Entries as `[day, reason, ids]` / `[day, reason, ids, until]` groups, in order."""
    groups: dict[tuple[int, int, int | None], list[bytes]] = defaultdict(list)
    for entry in entries:
        until = day_number(entry.until) if entry.until else None
        groups[(day_number(entry.revoked_on), entry.reason.value, until)].append(entry.rid)
    encoded = []
    for (day, reason, until), rids in sorted(
        groups.items(), key=lambda g: (g[0][0], g[0][1], g[0][2] or 0)
    ):
        group: list[Any] = [day, reason, b"".join(sorted(rids))]
        if until is not None:
            group.append(until)
        encoded.append(group)
    return encoded


def decode_groups(groups: Any) -> tuple[Revocation, ...]:
    """The entries of encoded groups; a repeated id is refused."""
    entries: list[Revocation] = []
    for group in groups:
        day, reason, rids = group[0], Reason(group[1]), group[2]
        until = from_day_number(group[3]) if len(group) > 3 else None
        if len(rids) % RID_BYTES:
            raise SignedListError("revocation ids are not a whole number of 8-byte ids")
        for i in range(0, len(rids), RID_BYTES):
            entries.append(Revocation(rids[i : i + RID_BYTES], reason, from_day_number(day), until))
    if len({e.rid for e in entries}) != len(entries):
        raise SignedListError("revocation list lists an id twice")
    return tuple(entries)


def sign_revocation_list(revocations: RevocationList, issuer_key: PrivateKey) -> bytes:
    if issuer_key.kid != revocations.issuer_kid:
        raise SignedListError("a revocation list is signed by its own issuer's key")
    body = {
        1: 1,
        2: revocations.issuer_kid,
        3: revocations.counter,
        4: day_number(revocations.issued),
        5: revocations.since,
        6: encode_groups(revocations.entries),
    }
    return seal(body, issuer_key, DOMAIN)


def load_revocation_list(document: bytes, issuer_key: PublicKey) -> RevocationList:
    return revocation_list_of(unseal(document, issuer_key, DOMAIN, "revocation list"), issuer_key)


def revocation_list_of(body: dict[int, Any], issuer_key: PublicKey) -> RevocationList:
    """The list an unsealed body holds, signed by `issuer_key`."""
    try:
        if body[1] != 1:
            raise SignedListError(f"unknown revocation list version {body[1]}")
        if body[2] != issuer_key.kid:
            raise SignedListError("revocation list names another issuer")
        entries = decode_groups(body[6])
        if body[5] >= body[3] and body[5] != 0:
            raise SignedListError("delta list starts at or after its own counter")
        return RevocationList(
            issuer_kid=body[2],
            counter=body[3],
            issued=from_day_number(body[4]),
            entries=entries,
            since=body[5],
        )
    except (KeyError, IndexError, TypeError, ValueError, Malformed) as exc:
        raise SignedListError(f"revocation list body is malformed: {exc!r}") from exc
