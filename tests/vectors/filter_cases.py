"""Revocation filters: what both verifiers must answer for issuer A's filters, and refuse.

Issuer A's filters (signing/revocation_filter.py) cover the cards it issued up to
`COVERS`. `filters/` vectors give the lookups a verifier's cache must answer after
loading the context's lists in order: for every card the filter was built over (revoked
or not, with its reason), for cards issued after `COVERS` (only the explicit entries
know those), and after a delta or a newer full list. The expected answers are what the
generator revoked, never what a verifier computed. `lists/` gets the filter files a
verifier must refuse, and `revocation/` cards revoked (or not) by a filter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import cbor2

from cards.model import revocation_id
from signing.revocation import Reason, Revocation, RevocationList, sign_revocation_list
from signing.revocation_filter import (
    DOMAIN,
    RevocationFilter,
    build_layers,
    screen_bits,
    sign_revocation_filter,
)
from signing.signed import seal
from tests.vectors.context import (
    ISSUED,
    ISSUER,
    LIST_DAY,
    OTHER_HOST_ISSUER,
    base_card,
    card_id,
    signed,
    text,
)
from tests.vectors.valid_cases import valid_case
from tests.vectors.vector import (
    ROOT_KEY,
    TRUST_LIST,
    VALIDATION_TIME,
    CardCase,
    ListCase,
)

COVERS = LIST_DAY - timedelta(days=1)
AFTER_COVERS = LIST_DAY
EXPIRED_BEFORE = date(2026, 10, 1)
REASONS = (Reason.REISSUED, Reason.LOST, Reason.STOLEN, Reason.DECEASED)


@dataclass(frozen=True)
class IssuedSet:
    """The cards a filter is built over, and which of them are revoked and why."""

    name: str
    cards: tuple[bytes, ...]
    revoked: dict[bytes, Reason]

    @property
    def rids(self) -> list[bytes]:
        return [revocation_id(card) for card in self.cards]

    def revoked_rids(self) -> dict[bytes, Reason]:
        return {revocation_id(card): reason for card, reason in self.revoked.items()}


def issued_set(
    name: str, count: int, revoked: int, reasons: tuple[Reason, ...], extra: tuple[str, ...] = ()
) -> IssuedSet:
    """`count` cards named after `name` (and the vector cards `extra`), the first `revoked`
    of them revoked, card i for reason j where 2**j is the largest power of two dividing i
    (the last reason for the rest): a half, a quarter, an eighth, ..."""
    cards = tuple(card_id(f"{name}/{i}") for i in range(count)) + tuple(map(card_id, extra))
    last = len(reasons) - 1
    chosen = {
        cards[i]: reasons[min(last, (i & -i).bit_length() - 1) if i else last]
        for i in range(revoked)
    }
    return IssuedSet(name, cards, chosen)


_MIXED = issued_set(
    "filter-mixed",
    120,
    12,
    REASONS[:3],
    extra=("revocation-revoked-by-filter", "revocation-not-revoked-in-filter"),
)
# The card vector revoked by the filter (the card `revocation-not-revoked-in-filter` is not).
MIXED = replace(
    _MIXED, revoked={**_MIXED.revoked, card_id("revocation-revoked-by-filter"): Reason.REISSUED}
)
NOTHING = issued_set("filter-nothing", 40, 0, REASONS)
ONE_REASON = issued_set("filter-one-reason", 60, 9, (Reason.REISSUED,))
ALL_REVOKED = issued_set("filter-all-revoked", 30, 30, REASONS)

# Revocations of cards issued after COVERS: the filter's own explicit entries, then a delta's.
LATE_IN_FILTER = (
    Revocation.of_card(card_id("filter-late/0"), Reason.LOST, date(2026, 11, 26)),
    Revocation.of_card(card_id("revocation-after-covers-by-entry"), Reason.STOLEN, LIST_DAY),
)
LATE_IN_DELTA = Revocation.of_card(card_id("filter-late/1"), Reason.DECEASED, date(2026, 11, 27))
# A card of the filter's set, not revoked in it, revoked by the delta: explicit entries first.
SET_CARD_IN_DELTA = Revocation.of_card(MIXED.cards[50], Reason.HOLDER_REQUEST, date(2026, 11, 27))


def _filter(
    issued: IssuedSet, counter: int, entries: tuple[Revocation, ...] = (), **changes: Any
) -> RevocationFilter:
    layers = build_layers(issued.rids, issued.revoked_rids())
    revocations = RevocationFilter(
        ISSUER.kid, counter, LIST_DAY, COVERS, EXPIRED_BEFORE, len(issued.cards), layers, entries
    )
    return replace(revocations, **changes)


def _sign(revocations: RevocationFilter) -> bytes:
    return sign_revocation_filter(revocations, ISSUER)


def _list(counter: int, entries: tuple[Revocation, ...], since: int = 0) -> bytes:
    revocations = RevocationList(ISSUER.kid, counter, LIST_DAY, entries, since)
    return sign_revocation_list(revocations, ISSUER)


def _body(document: bytes) -> dict[int, Any]:
    body: dict[int, Any] = cbor2.loads(cbor2.loads(document)[1])
    return body


def _resealed(
    document: bytes, change: dict[Any, Any], layers: dict[int, Any] | None = None
) -> bytes:
    """The filter's body with fields replaced (and layers), signed again by issuer A."""
    body = {**_body(document), **change}
    if layers is not None:
        body[8] = {**body[8], **layers}
    return seal(body, ISSUER, DOMAIN)


def _tampered(document: bytes) -> bytes:
    flipped = bytearray(document)
    flipped[len(flipped) // 2] ^= 0x01
    return bytes(flipped)


def context_files() -> dict[str, bytes]:
    mixed = _sign(_filter(MIXED, 3, LATE_IN_FILTER))
    layers = _body(mixed)[8]
    revoked_layer = layers[2]
    files = {
        "filter-a-3.cbor": mixed,
        "filter-a-2-nothing-revoked.cbor": _sign(_filter(NOTHING, 2)),
        "filter-a-4-one-reason.cbor": _sign(_filter(ONE_REASON, 4)),
        "filter-a-6-all-revoked.cbor": _sign(_filter(ALL_REVOKED, 6)),
        "revocations-a-5-delta-from-filter-3.cbor": _list(
            5, (*LATE_IN_FILTER, LATE_IN_DELTA, SET_CARD_IN_DELTA), since=3
        ),
        "revocations-a-9-after-filter.cbor": _list(9, (LATE_IN_DELTA,)),
        "revocations-a-8-delta-from-4.cbor": _list(8, (LATE_IN_DELTA,), since=4),
        "filter-a-tampered.cbor": _tampered(mixed),
        "filter-a-other-domain.cbor": seal(_body(mixed), ISSUER, b"ehcard/revocations/v1"),
        "filter-a-names-issuer-f.cbor": _resealed(mixed, {2: OTHER_HOST_ISSUER.kid}),
        "filter-a-version-2.cbor": _resealed(mixed, {1: 2}),
        "filter-a-layer-size-wrong.cbor": _resealed(
            mixed, {}, {2: [*revoked_layer[:3], revoked_layer[3] + b"\x00"]}
        ),
        "filter-a-reason-layer-missing.cbor": _resealed(mixed, {}, {4: layers[4][:-1]}),
        "filter-a-unknown-reason.cbor": _resealed(mixed, {}, {3: [*layers[3][:-1], 9]}),
        "filter-a-duplicate-reason.cbor": _resealed(
            mixed, {}, {3: [layers[3][0], *layers[3][:-1]]}
        ),
        "filter-a-covers-after-issued.cbor": _resealed(mixed, {5: _body(mixed)[4] + 1}),
    }
    return {f"context/{name}": data for name, data in files.items()}


def _lookup(card: bytes, issued: date, revoked: Revocation | Reason | None) -> dict[str, Any]:
    if isinstance(revoked, Revocation):
        reason: str | None = revoked.reason.label
        revoked_on: str | None = revoked.revoked_on.isoformat()
    else:
        reason, revoked_on = (revoked.label if revoked else None), None
    return {
        "issuer": ISSUER.kid.hex(),
        "card_id": card.hex(),
        "card_issued": issued.isoformat(),
        "reason": reason,
        "revoked_on": revoked_on,
    }


def _set_lookups(issued: IssuedSet, overrides: dict[bytes, Revocation] | None = None) -> list[Any]:
    overrides = overrides or {}
    return [
        _lookup(card, ISSUED, overrides.get(card) or issued.revoked.get(card))
        for card in issued.cards
    ]


def _late_lookups(revoked: tuple[Revocation, ...]) -> list[Any]:
    """Cards issued after COVERS: revoked when an explicit entry says so, else not."""
    by_card = {entry.rid: entry for entry in revoked}
    late = [
        *(card_id(f"filter-late/{i}") for i in range(3)),
        card_id("revocation-after-covers-by-entry"),
    ]
    return [_lookup(card, AFTER_COVERS, by_card.get(revocation_id(card))) for card in late]


@dataclass(frozen=True)
class FilterCase:
    """Lists to load in order, and what the cache must answer then."""

    id: str
    description: str
    revocation_lists: tuple[str, ...]
    lookups: list[dict[str, Any]]
    category: str = "filters"


def cases() -> list[FilterCase]:
    def files(*names: str) -> tuple[str, ...]:
        return tuple(f"context/{name}.cbor" for name in names)

    return [
        FilterCase(
            "filters-revoked-and-not",
            f"122 issued cards, 13 revoked for three reasons (a screen of"
            f" {screen_bits(122, 13)} bits), and cards issued after the filter's covers day,"
            " two of them revoked by its explicit entries (with their days).",
            files("filter-a-3"),
            _set_lookups(MIXED) + _late_lookups(LATE_IN_FILTER),
        ),
        FilterCase(
            "filters-with-delta",
            "The filter, then a delta from its counter: a late card revoked, and a card of the"
            " filter's set that it does not revoke revoked by the delta (explicit entries first).",
            files("filter-a-3", "revocations-a-5-delta-from-filter-3"),
            _set_lookups(MIXED, {MIXED.cards[50]: SET_CARD_IN_DELTA})
            + _late_lookups((*LATE_IN_FILTER, LATE_IN_DELTA)),
        ),
        FilterCase(
            "filters-nothing-revoked",
            "A filter over 40 issued cards that revokes none: its layers map is empty.",
            files("filter-a-2-nothing-revoked"),
            _set_lookups(NOTHING),
        ),
        FilterCase(
            "filters-one-reason",
            "9 of 60 revoked, all reissued: one reason and no reason layer.",
            files("filter-a-4-one-reason"),
            _set_lookups(ONE_REASON),
        ),
        FilterCase(
            "filters-all-revoked",
            "Every one of 30 issued cards revoked, for four reasons: no screen (k = 0).",
            files("filter-a-6-all-revoked"),
            _set_lookups(ALL_REVOKED),
        ),
        FilterCase(
            "filters-replaced-by-full-list",
            "A newer full explicit list after the filter replaces it: its revocations are lifted.",
            files("filter-a-3", "revocations-a-9-after-filter"),
            _set_lookups(replace(MIXED, revoked={})) + _late_lookups((LATE_IN_DELTA,)),
        ),
    ]


def filter_vector(case: FilterCase) -> dict[str, Any]:
    return {
        "id": case.id,
        "category": case.category,
        "description": case.description,
        "context": {
            "root_key": ROOT_KEY,
            "trust_list": TRUST_LIST,
            "revocation_lists": list(case.revocation_lists),
            "validation_time": VALIDATION_TIME.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "expected": {"lookups": case.lookups},
    }


def list_cases() -> list[ListCase]:
    def files(*names: str) -> tuple[str, ...]:
        return tuple(f"context/{name}.cbor" for name in names)

    return [
        ListCase(
            "lists-filter-tampered",
            "One bit flipped inside issuer A's signed revocation filter.",
            "not signed by the expected key",
            revocation_lists=files("filter-a-tampered"),
        ),
        ListCase(
            "lists-filter-under-list-domain",
            "A filter body signed under the revocation list domain: read as a list, malformed.",
            "revocation list body is malformed",
            revocation_lists=files("filter-a-other-domain"),
        ),
        ListCase(
            "lists-filter-names-another-issuer",
            "A filter signed by issuer A naming issuer F.",
            "revocation filter names another issuer",
            revocation_lists=files("filter-a-names-issuer-f"),
        ),
        ListCase(
            "lists-filter-version-2",
            "A filter of version 2.",
            "unknown revocation filter version 2",
            revocation_lists=files("filter-a-version-2"),
        ),
        ListCase(
            "lists-filter-layer-size-wrong",
            "The revoked layer's solution one byte longer than its slots and bits make.",
            "revocation filter body is malformed",
            revocation_lists=files("filter-a-layer-size-wrong"),
        ),
        ListCase(
            "lists-filter-reason-layer-missing",
            "Three reasons and one reason layer: one a reason but the last is needed.",
            "one reason layer for each reason but the last",
            revocation_lists=files("filter-a-reason-layer-missing"),
        ),
        ListCase(
            "lists-filter-unknown-reason",
            "A filter reason code (9) that does not exist.",
            "revocation filter body is malformed",
            revocation_lists=files("filter-a-unknown-reason"),
        ),
        ListCase(
            "lists-filter-duplicate-reason",
            "The same reason twice in a filter's reasons.",
            "distinct reason codes",
            revocation_lists=files("filter-a-duplicate-reason"),
        ),
        ListCase(
            "lists-filter-covers-after-issued",
            "A filter whose covers day is after its own issue day.",
            "covers cards issued after it",
            revocation_lists=files("filter-a-covers-after-issued"),
        ),
        ListCase(
            "lists-filter-rolled-back",
            "Filter counter 2 after filter counter 3 was cached: a replayed older filter.",
            "older than the cached",
            revocation_lists=files("filter-a-3", "filter-a-2-nothing-revoked"),
        ),
        ListCase(
            "lists-filter-delta-gap",
            "A delta from counter 4 after filter counter 3: revocations 4 are missing.",
            "does not follow the cached list",
            revocation_lists=files("filter-a-3", "revocations-a-8-delta-from-4"),
        ),
    ]


def card_cases() -> list[CardCase]:
    mixed = ("context/filter-a-3.cbor",)
    late_card = base_card("revocation-after-covers-by-entry", issued=AFTER_COVERS)
    return [
        CardCase(
            "revocation-revoked-by-filter",
            "revocation",
            "Revoked (reissued) in issuer A's revocation filter, which knows no revocation day.",
            text(signed(base_card("revocation-revoked-by-filter"))),
            fails_at="revocation",
            error="reissued",
            revocation_lists=mixed,
        ),
        valid_case(
            "revocation-not-revoked-in-filter",
            "revocation",
            "One of the cards issuer A's filter was built over, not revoked.",
            base_card("revocation-not-revoked-in-filter"),
            revocation_lists=mixed,
        ),
        CardCase(
            "revocation-after-covers-by-entry",
            "revocation",
            "Issued after the filter's covers day and revoked (stolen) by its explicit entries.",
            text(signed(late_card)),
            fails_at="revocation",
            error="stolen",
            revocation_lists=mixed,
        ),
    ]
