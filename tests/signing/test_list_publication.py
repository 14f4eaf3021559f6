"""What list publication needs of the signing layer: empty deltas and offline-signed trust lists."""

from __future__ import annotations

from datetime import date

import pytest

from cards import cbor
from signing.errors import SignedListError
from signing.keys import PrivateKey
from signing.revocation import (
    Reason,
    Revocation,
    RevocationCache,
    RevocationList,
    load_revocation_list,
    sign_revocation_list,
)
from signing.trust import (
    TrustList,
    decode_trust_body,
    encode_trust_body,
    load_trust_list,
    sign_trust_body,
    sign_trust_list,
)

LOST = Revocation(bytes(8), Reason.LOST, date(2026, 11, 1))


def test_a_delta_from_the_current_counter_is_an_empty_nothing_new(issuer_key: PrivateKey) -> None:
    kid = issuer_key.kid
    full = RevocationList(kid, 5, date(2026, 11, 1), (LOST,))
    nothing_new = RevocationList(kid, 5, date(2026, 11, 2), (), since=5)
    loaded = load_revocation_list(sign_revocation_list(nothing_new, issuer_key), issuer_key.public)
    assert (loaded.since, loaded.counter, loaded.entries) == (5, 5, ())
    cache = RevocationCache()
    cache.extend([full, loaded])
    assert cache.issued[kid] == date(2026, 11, 2) and len(cache.entries[kid]) == 1


def test_a_delta_from_its_own_counter_with_entries_is_refused(issuer_key: PrivateKey) -> None:
    odd = RevocationList(issuer_key.kid, 5, date(2026, 11, 2), (LOST,), since=5)
    with pytest.raises(SignedListError, match="delta list starts after its own counter"):
        load_revocation_list(sign_revocation_list(odd, issuer_key), issuer_key.public)


def test_an_exported_trust_body_signs_to_the_same_list(
    trust_list: TrustList, root_key: PrivateKey
) -> None:
    body = encode_trust_body(trust_list)
    assert decode_trust_body(body) == trust_list
    signed = sign_trust_body(body, root_key)
    assert signed == sign_trust_list(trust_list, root_key)
    assert load_trust_list(signed, [root_key.public]) == trust_list


def test_signing_refuses_a_body_that_is_not_a_trust_list(root_key: PrivateKey) -> None:
    with pytest.raises(SignedListError, match="trust list body is malformed"):
        sign_trust_body(cbor.dumps({1: 1, 2: 3}), root_key)
    with pytest.raises(SignedListError, match="unsigned trust list is not valid deterministic"):
        sign_trust_body(b"\xff\x00", root_key)
