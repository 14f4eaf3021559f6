"""The revocation filter: exact for every issued id, merged with deltas, used by the verifier."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from cards import qr
from cards.errors import Revoked
from cards.model import revocation_id
from signing.envelope import sign_card
from signing.errors import SignedListError
from signing.keys import PrivateKey
from signing.revocation import Reason, Revocation, RevocationList, sign_revocation_list
from signing.revocation_cache import RevocationCache, load_revocation_document
from signing.revocation_filter import (
    FilterLayers,
    RevocationFilter,
    build_layers,
    load_revocation_filter,
    screen_bits,
    sign_revocation_filter,
)
from signing.ribbon import Ribbon, RibbonError, build
from signing.trust import TrustList
from signing.verifier import Verifier
from tests.builders import make_card
from tests.conftest import HOST, fixed_clock

TODAY = date(2026, 11, 27)
COVERS = date(2026, 11, 26)


def _ids(count: int, seed: int) -> list[bytes]:
    randomly = random.Random(seed)  # nosec B311
    return list({randomly.randbytes(8) for _ in range(count)})


def _revoked(ids: list[bytes], count: int, reasons: list[Reason], seed: int) -> dict[bytes, Reason]:
    randomly = random.Random(seed)  # nosec B311
    return {rid: randomly.choice(reasons) for rid in randomly.sample(ids, count)}


def _assert_exact(layers: FilterLayers, ids: list[bytes], revoked: dict[bytes, Reason]) -> None:
    wrong = [rid for rid in ids if layers.lookup(rid) != revoked.get(rid)]
    assert wrong == []


@pytest.mark.parametrize(
    ("issued", "revoked", "reasons"),
    [
        (5_000, 0, [Reason.LOST]),  # nothing revoked: no layer at all
        (5_000, 1, [Reason.STOLEN]),  # one revocation, one reason: no reason layer
        (5_000, 50, list(Reason)),  # sparse: a wide screen
        (5_000, 2_000, [Reason.REISSUED, Reason.LOST]),  # dense: a narrow screen
        (5_000, 4_000, list(Reason)),  # denser than half: no screen
        (3_000, 3_000, list(Reason)),  # every card revoked
    ],
)
def test_every_issued_id_gets_its_own_answer(
    issued: int, revoked: int, reasons: list[Reason]
) -> None:
    ids = _ids(issued, issued + revoked)
    chosen = _revoked(ids, revoked, reasons, revoked)
    layers = build_layers(ids, chosen)
    _assert_exact(layers, ids, chosen)
    expected_k = screen_bits(len(ids), revoked)
    assert (layers.screen.bits if layers.screen else 0) == expected_k
    assert len(layers.reason_layers) == max(len(set(chosen.values())) - 1, 0)


def test_screen_width_follows_the_share_revoked() -> None:
    assert screen_bits(1_000_000, 0) == 0
    assert screen_bits(1_000_000, 100_000) == 3
    assert screen_bits(2_000_000, 600_000) == 1
    assert screen_bits(1_000_000, 900_000) == 0


def test_reasons_go_most_frequent_first() -> None:
    ids = _ids(2_000, 3)
    chosen = {rid: Reason.REISSUED for rid in ids[:300]}
    chosen |= {rid: Reason.STOLEN for rid in ids[300:310]}
    chosen |= {rid: Reason.LOST for rid in ids[310:350]}
    layers = build_layers(ids, chosen)
    assert layers.reasons == (Reason.REISSUED, Reason.LOST, Reason.STOLEN)
    _assert_exact(layers, ids, chosen)


def test_a_hundred_thousand_issued_fit_in_a_tenth_of_the_explicit_list() -> None:
    key = PrivateKey.generate()
    ids = _ids(100_000, 11)
    chosen = _revoked(ids, 10_000, [Reason.REISSUED] * 17 + [Reason.LOST, Reason.STOLEN], 12)
    document = _signed(key, build_layers(ids, chosen))
    entries = tuple(Revocation(rid, reason, TODAY) for rid, reason in chosen.items())
    explicit = sign_revocation_list(RevocationList(key.kid, 1, TODAY, entries), key)
    assert len(document) < len(explicit) / 8


def test_the_same_revocations_build_the_same_bytes() -> None:
    ids = _ids(3_000, 4)
    chosen = _revoked(ids, 300, list(Reason), 5)
    key = PrivateKey.generate()
    shuffled = list(reversed(ids))
    assert _signed(key, build_layers(ids, chosen)) == _signed(key, build_layers(shuffled, chosen))


def test_a_ribbon_refuses_keys_it_cannot_tell_apart() -> None:
    with pytest.raises(RibbonError, match="distinct"):
        build([b"same-key"] * 2, [0, 1], 1)
    with pytest.raises(RibbonError, match="one value a key"):
        build([b"a", b"b"], [1], 1)


@pytest.mark.parametrize(
    ("seed", "slots", "bits", "size", "message"),
    [
        (0, 200, 1, 24, "has 25 bytes"),
        (0, 100, 1, 13, "at least 128 slots"),
        (2**32, 200, 1, 25, "32-bit seed"),
        (0, 200, 0, 0, "1 to 32 bits"),
    ],
)
def test_a_ribbon_of_the_wrong_shape_is_refused(
    seed: int, slots: int, bits: int, size: int, message: str
) -> None:
    with pytest.raises(RibbonError, match=message):
        Ribbon(seed, slots, bits, bytes(size))


def _filter(
    key: PrivateKey,
    layers: FilterLayers,
    *,
    counter: int = 10,
    entries: tuple[Revocation, ...] = (),
) -> RevocationFilter:
    return RevocationFilter(
        issuer_kid=key.kid,
        counter=counter,
        issued=TODAY,
        covers=COVERS,
        expired_before=TODAY - timedelta(days=30),
        issued_count=1,
        layers=layers,
        entries=entries,
    )


def _signed(
    key: PrivateKey,
    layers: FilterLayers,
    *,
    counter: int = 10,
    entries: tuple[Revocation, ...] = (),
) -> bytes:
    return sign_revocation_filter(_filter(key, layers, counter=counter, entries=entries), key)


def test_a_filter_round_trips_and_needs_its_issuer_key() -> None:
    key = PrivateKey.generate()
    ids = _ids(1_000, 6)
    chosen = _revoked(ids, 100, list(Reason), 7)
    late = Revocation(b"\x07" * 8, Reason.LOST, TODAY)
    document = _signed(key, build_layers(ids, chosen), entries=(late,))
    loaded = load_revocation_filter(document, key.public)
    assert loaded.entries == (late,)
    _assert_exact(loaded.layers, ids, chosen)
    with pytest.raises(SignedListError, match="not signed by the expected key"):
        load_revocation_filter(document, PrivateKey.generate().public)
    # The explicit list's reader does not take a filter for a list, nor the reverse.
    assert isinstance(load_revocation_document(document, key.public), RevocationFilter)


def test_a_card_issued_after_the_filter_is_answered_by_explicit_entries_only() -> None:
    key = PrivateKey.generate()
    ids = _ids(500, 8)
    chosen = dict.fromkeys(ids, Reason.REISSUED)  # every issued id revoked
    revocations = _filter(key, build_layers(ids, chosen))
    assert revocations.lookup(ids[0], COVERS) is Reason.REISSUED
    assert revocations.lookup(ids[0], COVERS + timedelta(days=1)) is None


def _cache_with_filter(key: PrivateKey) -> tuple[RevocationCache, list[bytes], bytes]:
    """A cache holding a filter over ten cards, the first revoked, plus a later card listed."""
    card_ids = [bytes([n]) * 8 for n in range(1, 11)]
    rids = [revocation_id(card_id) for card_id in card_ids]
    late = Revocation.of_card(b"\x99" * 8, Reason.STOLEN, TODAY)
    cache = RevocationCache()
    cache.apply(
        load_revocation_document(
            _signed(key, build_layers(rids, {rids[0]: Reason.LOST}), entries=(late,)), key.public
        )
    )
    return cache, card_ids, b"\x99" * 8


def test_the_cache_answers_from_the_filter_and_its_entries() -> None:
    key = PrivateKey.generate()
    cache, card_ids, late_card = _cache_with_filter(key)
    revoked = cache.lookup(key.kid, card_ids[0], TODAY, COVERS)
    assert revoked is not None and (revoked.reason, revoked.revoked_on) == (Reason.LOST, None)
    assert cache.lookup(key.kid, card_ids[1], TODAY, COVERS) is None
    late = cache.lookup(key.kid, late_card, TODAY, TODAY)
    assert late is not None and (late.reason, late.revoked_on) == (Reason.STOLEN, TODAY)


def test_a_delta_after_a_filter_adds_and_a_full_list_replaces_the_filter() -> None:
    key = PrivateKey.generate()
    cache, card_ids, _ = _cache_with_filter(key)
    fresh = Revocation.of_card(card_ids[1], Reason.REISSUED, TODAY)
    delta = sign_revocation_list(RevocationList(key.kid, 12, TODAY, (fresh,), since=10), key)
    cache.apply(load_revocation_document(delta, key.public))
    assert cache.lookup(key.kid, card_ids[1], TODAY, COVERS) is not None
    assert cache.lookup(key.kid, card_ids[0], TODAY, COVERS) is not None  # the filter still holds
    with pytest.raises(SignedListError, match="older than the cached"):
        cache.apply(
            load_revocation_document(_signed(key, build_layers([], {}), counter=11), key.public)
        )
    with pytest.raises(SignedListError, match="does not follow"):
        gap = sign_revocation_list(RevocationList(key.kid, 20, TODAY, (), since=15), key)
        cache.apply(load_revocation_document(gap, key.public))
    full = sign_revocation_list(RevocationList(key.kid, 13, TODAY, ()), key)
    cache.apply(load_revocation_document(full, key.public))
    assert key.kid not in cache.filters
    assert cache.lookup(key.kid, card_ids[0], TODAY, COVERS) is None


def test_the_verifier_reports_a_card_the_filter_revokes(
    trust_list: TrustList, issuer_key: PrivateKey
) -> None:
    verifier = Verifier(trust_list=trust_list, clock=fixed_clock(TODAY))
    revoked, kept = make_card(card_id=b"\x01" * 8), make_card(card_id=b"\x02" * 8)
    rids = [revocation_id(card.card_id) for card in (revoked, kept)]
    verifier.add_revocation_list(
        _signed(issuer_key, build_layers(rids, {rids[0]: Reason.DECEASED}))
    )
    with pytest.raises(Revoked, match=r"^card revoked \(deceased\)$") as caught:
        verifier.verify(qr.qr_text(HOST, sign_card(revoked, issuer_key)))
    assert caught.value.reason == "deceased"
    verifier.verify(qr.qr_text(HOST, sign_card(kept, issuer_key)))
