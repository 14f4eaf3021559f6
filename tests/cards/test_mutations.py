"""Property tests: no mutation of a signed card verifies, and decoders only ever raise Malformed.

Hypothesis runs derandomized and without an example database, so every run
(and CI) tries the same inputs; the example counts keep the file near 10 s.
"""

from __future__ import annotations

import contextlib
import hashlib
from datetime import date
from typing import Any

import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cards import cbor, codec, qr
from cards.errors import Malformed, VerificationError
from cards.model import BirthDate, EmergencyData, Provenance
from signing.envelope import sign_card
from signing.keys import PrivateKey
from signing.trust import TrustEntry, TrustList
from signing.verifier import Verifier
from tests.builders import make_card, with_emergency, with_holder
from tests.conftest import HOST, fixed_clock

REPRODUCIBLE = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=800,
    suppress_health_check=[HealthCheck.too_slow],
)


def _key(name: str) -> PrivateKey:
    return PrivateKey(hashlib.sha256(b"ehcard mutation tests/" + name.encode()).digest())


ISSUER = _key("issuer")
SECOND_ISSUER = _key("second issuer")
TRUST = TrustList(
    sequence=1,
    issued=date(2026, 1, 1),
    entries=tuple(
        TrustEntry(key.public, centre, HOST, date(2026, 1, 1), date(2036, 1, 1))
        for key, centre in ((ISSUER, "Centre A"), (SECOND_ISSUER, "Centre B"))
    ),
)
CARDS = (
    make_card(),
    with_holder(make_card(card_id=b"\x02" * 8), name="أمينة ديالو", birth_date=BirthDate(1987)),
    with_holder(
        make_card(card_id=b"\x03" * 8, provenance=Provenance()),
        name="ნინო ბერიძე",
        name_latin="NINO BERIDZE",
    ),
    make_card(card_id=b"\x04" * 8, emergency=EmergencyData(), provenance=Provenance()),
    with_emergency(make_card(card_id=b"\x05" * 8), allergies=(), medications=(), conditions=()),
)
PAYLOADS = (*(sign_card(card, ISSUER) for card in CARDS), sign_card(CARDS[0], SECOND_ISSUER))
BODIES = tuple(codec.encode_body(card) for card in CARDS)


def _verifier() -> Verifier:
    return Verifier(trust_list=TRUST, clock=fixed_clock(date(2026, 11, 27)))


def test_the_unmutated_payloads_verify() -> None:
    verifier = _verifier()
    for payload in PAYLOADS:
        verifier.verify(qr.qr_text(HOST, payload))


def _assert_refused(mutated: bytes) -> None:
    """Neither the payload nor its QR text verifies, and only documented errors are raised."""
    verifier = _verifier()
    with pytest.raises(VerificationError):
        verifier.verify_payload(mutated, host=HOST)
    if mutated and mutated[0] != 0:
        with pytest.raises(VerificationError):
            verifier.verify(qr.qr_text(HOST, mutated))


payloads = st.sampled_from(PAYLOADS)


@REPRODUCIBLE
@given(payloads, st.data())
def test_no_single_bit_flip_verifies(payload: bytes, data: st.DataObject) -> None:
    bit = data.draw(st.integers(0, len(payload) * 8 - 1))
    mutated = bytearray(payload)
    mutated[bit // 8] ^= 1 << (bit % 8)
    _assert_refused(bytes(mutated))


@REPRODUCIBLE
@given(payloads, st.data())
def test_no_truncation_verifies(payload: bytes, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(payload) - 1))
    end = data.draw(st.integers(start, len(payload)))
    if (start, end) != (0, len(payload)):
        _assert_refused(payload[start:end])


@REPRODUCIBLE
@given(payloads, st.data(), st.binary(min_size=1, max_size=8))
def test_no_insertion_verifies(payload: bytes, data: st.DataObject, inserted: bytes) -> None:
    at = data.draw(st.integers(0, len(payload)))
    _assert_refused(payload[:at] + inserted + payload[at:])


@REPRODUCIBLE
@given(payloads, st.data())
def test_no_byte_replacement_verifies(payload: bytes, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(payload) - 1))
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != payload[at]))
    _assert_refused(payload[:at] + bytes([byte]) + payload[at + 1 :])


@REPRODUCIBLE
@given(payloads, payloads, st.data())
def test_no_splice_of_two_cards_verifies(first: bytes, second: bytes, data: st.DataObject) -> None:
    cut_first = data.draw(st.integers(0, len(first)))
    cut_second = data.draw(st.integers(0, len(second)))
    spliced = first[:cut_first] + second[cut_second:]
    if spliced not in PAYLOADS:
        _assert_refused(spliced)


@REPRODUCIBLE
@given(st.binary(max_size=200))
def test_arbitrary_bytes_only_raise_malformed_from_the_decoders(data: bytes) -> None:
    # Anything but Malformed (a cbor2 error, an IndexError ...) fails the test.
    for decode in (codec.decode_body, cbor.loads, cbor.strict_loads):
        with contextlib.suppress(Malformed):
            decode(data)


def _mutations(body: bytes) -> st.SearchStrategy[bytes]:
    def flip(at: int, bit: int) -> bytes:
        at %= len(body)
        return body[:at] + bytes([body[at] ^ (1 << bit)]) + body[at + 1 :]

    def replace(at: int, byte: int) -> bytes:
        at %= len(body)
        return body[:at] + bytes([byte]) + body[at + 1 :]

    def insert(at: int, chunk: bytes) -> bytes:
        at %= len(body) + 1
        return body[:at] + chunk + body[at:]

    position = st.integers(0, len(body))
    return st.one_of(
        st.builds(flip, position, st.integers(0, 7)),
        st.builds(replace, position, st.integers(0, 255)),
        st.builds(insert, position, st.binary(min_size=1, max_size=4)),
        st.builds(lambda a, b: body[min(a, b) : max(a, b)], position, position),
    )


mutated_bodies = st.sampled_from(BODIES).flatmap(_mutations)


@REPRODUCIBLE
@given(mutated_bodies)
def test_mutated_bodies_decode_to_a_card_or_raise_malformed(data: bytes) -> None:
    try:
        card = codec.decode_body(data)
    except Malformed:
        return
    # A mutation that still decodes is a different, canonical card: it re-encodes exactly.
    assert codec.encode_body(card) == data


def _outcome(decode: Any, data: bytes) -> tuple[str, Any]:
    """('ok', value with exact types made visible) or ('malformed', None)."""
    try:
        value = decode(data)
    except Malformed:
        return "malformed", None
    return "ok", _typed(value)


def _typed(value: Any) -> Any:
    # 1 == True and 1 == 1.0 in Python: compare values with their exact types.
    if type(value) is list:
        return ("list", [_typed(item) for item in value])
    if type(value) is dict:
        return ("map", [(_typed(k), _typed(v)) for k, v in value.items()])
    return (type(value).__name__, value)


def _assert_fast_path_agrees(data: bytes) -> None:
    assert _outcome(cbor.loads, data) == _outcome(cbor.strict_loads, data)


cbor_values = st.recursive(
    st.one_of(
        st.integers(-(2**70), 2**70),
        st.binary(max_size=6),
        st.text(max_size=4),
        st.booleans(),
        st.none(),
        st.floats(allow_nan=False),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.integers(-30, 300) | st.text(max_size=2), children, max_size=4),
    ),
    max_leaves=12,
)


@REPRODUCIBLE
@given(st.binary(max_size=64))
def test_fast_path_agrees_with_the_strict_decoder_on_arbitrary_bytes(data: bytes) -> None:
    _assert_fast_path_agrees(data)


@REPRODUCIBLE
@given(cbor_values, st.booleans())
def test_fast_path_agrees_with_the_strict_decoder_on_encoded_values(
    value: Any, canonical: bool
) -> None:
    _assert_fast_path_agrees(cbor2.dumps(value, canonical=canonical))


@REPRODUCIBLE
@given(mutated_bodies)
def test_fast_path_agrees_with_the_strict_decoder_on_mutated_bodies(data: bytes) -> None:
    _assert_fast_path_agrees(data)


@pytest.mark.parametrize(
    "data",
    [
        "a1613101",  # a text map key
        "a1f401",  # a boolean map key
        "c249010000000000000000",  # a bignum tag: cbor2 turns it into a plain int
        "a300012001c24901000000000000000001",  # a bignum map key among ordered ones
        "fb3ff8000000000000",  # a float
        "82f6f7",  # null and undefined
        "818181818181818101",  # deeper than MAX_DEPTH
    ],
)
def test_fast_path_refuses_what_the_strict_decoder_refuses(data: str) -> None:
    raw = bytes.fromhex(data)
    with pytest.raises(Malformed) as fast:
        cbor.loads(raw)
    with pytest.raises(Malformed) as strict:
        cbor.strict_loads(raw)
    assert fast.value.code == strict.value.code
