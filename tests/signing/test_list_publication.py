"""What list publication needs of the signing layer: trust lists signed by an offline root."""

from __future__ import annotations

import pytest

from cards import cbor
from signing.errors import SignedListError
from signing.keys import PrivateKey
from signing.trust import (
    TrustList,
    decode_trust_body,
    encode_trust_body,
    load_trust_list,
    sign_trust_body,
    sign_trust_list,
)


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
