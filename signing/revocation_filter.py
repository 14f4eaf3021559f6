"""A revocation filter: one issuer's revocations in kilobytes, exact for every card it issued.

The explicit list costs 8.3 bytes a revoked card. The filter knows the issuer's whole set
of issued card ids (their revocation ids) and answers "revoked, and why" exactly for
each of them, in about log2(issued / revoked) + 2 bits a revocation (clubcard-style,
Schanck's construction for CRLite): three kinds of ribbon (see ribbon.py) over
revocation ids:

1. the *screen*, k-bit fingerprints of the revoked ids (absent when k is 0): an id whose
   screen value differs from its fingerprint is not revoked; 1 in 2**k of the others
   pass anyway;
2. *revoked*, one bit for every revoked id and every other issued id the screen passes;
3. the *reasons*, in order of frequency: layer j holds, for each revoked id whose reason
   is not among the first j, whether its reason is the j-th; the last reason needs none.

A card issued after the filter's `covers` day, or not issued by the issuer's server at
all, is outside the set: the filter says nothing of it, and the explicit entries the
document carries (revocations of cards issued after `covers`) and later deltas do.
Revocations of cards expired before `expired_before` drop out; a verifier shows such a
card as expired before it asks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from cards.errors import Malformed
from cards.packing import day_number, from_day_number
from signing.errors import SignedListError
from signing.keys import PrivateKey, PublicKey
from signing.revocation import (
    Reason,
    Revocation,
    RevocationList,
    decode_groups,
    encode_groups,
)
from signing.ribbon import Ribbon, RibbonError, build
from signing.signed import seal, unseal

DOMAIN = b"ehcard/revocation-filter/v1"
MAX_SCREEN_BITS = 24
# Layer seeds start apart so that no two layers hash alike, whatever retries take.
_SEED_SCREEN, _SEED_REVOKED, _SEED_REASONS = 0, 1 << 16, 2 << 16


@dataclass(frozen=True)
class FilterLayers:
    """The ribbons answering for a set of issued ids."""

    screen: Ribbon | None
    revoked: Ribbon | None
    reasons: tuple[Reason, ...]
    reason_layers: tuple[Ribbon, ...]

    def lookup(self, rid: bytes) -> Reason | None:
        """The reason an issued id is revoked for, or None (arbitrary for other ids)."""
        if self.revoked is None:
            return None
        if self.screen is not None and not self.screen.matches(rid):
            return None
        if not self.revoked.value(rid):
            return None
        for reason, layer in zip(self.reasons, self.reason_layers, strict=False):
            if layer.value(rid):
                return reason
        return self.reasons[-1]


def screen_bits(issued: int, revoked: int) -> int:
    """The k minimising k·revoked + (revoked + (issued - revoked) / 2**k) bits."""
    if revoked == 0:
        return 0
    others = issued - revoked

    def cost(k: int) -> float:
        return float(k * revoked + others / 2**k)

    return min(range(MAX_SCREEN_BITS + 1), key=cost)


def build_layers(issued: Iterable[bytes], revoked: Mapping[bytes, Reason]) -> FilterLayers:
    """The filter of `issued` ids (revoked ones included or not) given the revoked ones."""
    revoked_ids = sorted(revoked)
    others = sorted(set(issued).difference(revoked))
    if not revoked_ids:
        return FilterLayers(None, None, (), ())
    k = screen_bits(len(others) + len(revoked_ids), len(revoked_ids))
    screen = None
    passing = others
    if k:
        screen = build(revoked_ids, None, k, seed=_SEED_SCREEN)
        passing = screen.matching(others)
    keys = revoked_ids + passing
    flags = [1] * len(revoked_ids) + [0] * len(passing)
    revoked_layer = build(keys, flags, 1, seed=_SEED_REVOKED)
    counts = Counter(revoked.values())
    reasons = tuple(sorted(counts, key=lambda r: (-counts[r], r.value)))
    layers = []
    remaining = revoked_ids
    for j, reason in enumerate(reasons[:-1]):
        bits = [int(revoked[rid] is reason) for rid in remaining]
        layers.append(build(remaining, bits, 1, seed=_SEED_REASONS + (j << 8)))
        remaining = [rid for rid in remaining if revoked[rid] is not reason]
    return FilterLayers(screen, revoked_layer, reasons, tuple(layers))


@dataclass(frozen=True)
class RevocationFilter:
    """A signed filter: one issuer's revocations up to `counter`."""

    issuer_kid: bytes
    counter: int
    issued: date
    covers: date
    expired_before: date
    issued_count: int
    layers: FilterLayers
    # Revocations of cards issued after `covers` (the filter does not know those ids).
    entries: tuple[Revocation, ...]

    def lookup(self, rid: bytes, card_issued: date) -> Reason | None:
        """Whether the filter revokes a card of this issuer issued on `card_issued`."""
        if card_issued > self.covers:
            return None
        return self.layers.lookup(rid)

    def as_list(self) -> RevocationList:
        """The explicit entries as a full list (what the filter cannot say)."""
        return RevocationList(self.issuer_kid, self.counter, self.issued, self.entries)


def sign_revocation_filter(revocations: RevocationFilter, issuer_key: PrivateKey) -> bytes:
    if issuer_key.kid != revocations.issuer_kid:
        raise SignedListError("a revocation filter is signed by its own issuer's key")
    layers = revocations.layers
    encoded: dict[int, Any] = {}
    if layers.screen is not None:
        encoded[1] = _encode_ribbon(layers.screen)
    if layers.revoked is not None:
        encoded[2] = _encode_ribbon(layers.revoked)
        encoded[3] = [reason.value for reason in layers.reasons]
        encoded[4] = [_encode_ribbon(layer) for layer in layers.reason_layers]
    body = {
        1: 1,
        2: revocations.issuer_kid,
        3: revocations.counter,
        4: day_number(revocations.issued),
        5: day_number(revocations.covers),
        6: day_number(revocations.expired_before),
        7: revocations.issued_count,
        8: encoded,
        9: encode_groups(revocations.entries),
    }
    return seal(body, issuer_key, DOMAIN)


def load_revocation_filter(document: bytes, issuer_key: PublicKey) -> RevocationFilter:
    body = unseal(document, issuer_key, DOMAIN, "revocation filter")
    return revocation_filter_of(body, issuer_key)


def revocation_filter_of(body: dict[int, Any], issuer_key: PublicKey) -> RevocationFilter:
    """The filter an unsealed body holds, signed by `issuer_key`."""
    try:
        if body[1] != 1:
            raise SignedListError(f"unknown revocation filter version {body[1]}")
        if body[2] != issuer_key.kid:
            raise SignedListError("revocation filter names another issuer")
        revocations = RevocationFilter(
            issuer_kid=body[2],
            counter=_count(body[3]),
            issued=from_day_number(body[4]),
            covers=from_day_number(body[5]),
            expired_before=from_day_number(body[6]),
            issued_count=_count(body[7]),
            layers=_decode_layers(body[8]),
            entries=decode_groups(body[9]),
        )
    except (KeyError, IndexError, TypeError, ValueError, Malformed, RibbonError) as exc:
        raise SignedListError(f"revocation filter body is malformed: {exc!r}") from exc
    if revocations.covers > revocations.issued:
        raise SignedListError("revocation filter covers cards issued after it")
    return revocations


def _count(value: Any) -> int:
    if not isinstance(value, int) or value < 0:
        raise SignedListError(f"{value!r} is not a count")
    return value


def _encode_ribbon(ribbon: Ribbon) -> list[Any]:
    return [ribbon.seed, ribbon.slots, ribbon.bits, ribbon.solution]


def _decode_ribbon(value: Any, bits: range) -> Ribbon:
    seed, slots, width, solution = value
    if not all(isinstance(v, int) for v in (seed, slots, width)) or not isinstance(solution, bytes):
        raise SignedListError("a filter layer is not [seed, slots, bits, solution]")
    if width not in bits:
        raise SignedListError(f"a filter layer of {width} bits where {bits} are allowed")
    return Ribbon(seed, slots, width, solution)


def _decode_layers(encoded: Any) -> FilterLayers:
    if not isinstance(encoded, dict) or not set(encoded) <= {1, 2, 3, 4}:
        raise SignedListError("filter layers are not a map of keys 1 to 4")
    if 2 not in encoded:
        if encoded:
            raise SignedListError("a filter that revokes nothing has no other layer")
        return FilterLayers(None, None, (), ())
    screen = _decode_ribbon(encoded[1], range(1, MAX_SCREEN_BITS + 1)) if 1 in encoded else None
    reasons = tuple(Reason(code) for code in encoded[3])
    if not reasons or len(set(reasons)) != len(reasons):
        raise SignedListError("a filter's reasons are one or more distinct reason codes")
    reason_layers = tuple(_decode_ribbon(layer, range(1, 2)) for layer in encoded[4])
    if len(reason_layers) != len(reasons) - 1:
        raise SignedListError("a filter has one reason layer for each reason but the last")
    return FilterLayers(screen, _decode_ribbon(encoded[2], range(1, 2)), reasons, reason_layers)
