"""End-to-end verification: signature, trust, time and revocation, each failing on its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from cards import codec, qr
from cards.errors import Expired, Malformed, NotYetValid, Revoked, Tampered, UnknownIssuer
from signing.envelope import DOMAIN, sign_card
from signing.errors import SignedListError
from signing.keys import PrivateKey
from signing.revocation import (
    Reason,
    Revocation,
    RevocationList,
    load_revocation_list,
    sign_revocation_list,
)
from signing.trust import KeyStatus, TrustEntry, TrustList, load_trust_list, sign_trust_list
from signing.verifier import Verifier
from tests.builders import make_card
from tests.conftest import HOST, TODAY, fixed_clock


@pytest.fixture
def verifier(trust_list: TrustList) -> Verifier:
    return Verifier(trust_list=trust_list, clock=fixed_clock(date(2026, 11, 27)))


def _text(card_payload: bytes, host: str = HOST) -> str:
    return qr.qr_text(host, card_payload)


def test_valid_card_verifies_and_returns_the_same_card(
    verifier: Verifier, issuer_key: PrivateKey
) -> None:
    card = make_card()
    result = verifier.verify(_text(sign_card(card, issuer_key)))
    assert result.card == card
    assert result.issuer.centre == "Centre d'accueil de test"


def test_any_flipped_bit_is_tampered_or_malformed(
    verifier: Verifier, issuer_key: PrivateKey
) -> None:
    payload = sign_card(make_card(), issuer_key)
    for index in range(len(payload) * 8):
        flipped = bytearray(payload)
        flipped[index // 8] ^= 1 << (index % 8)
        with pytest.raises((Tampered, Malformed, UnknownIssuer)):
            verifier.verify_payload(bytes(flipped), host=HOST)


def test_body_bit_flip_is_reported_as_bad_signature(
    verifier: Verifier, issuer_key: PrivateKey
) -> None:
    payload = bytearray(sign_card(make_card(), issuer_key))
    payload[20] ^= 0x01
    with pytest.raises(Tampered) as caught:
        verifier.verify_payload(bytes(payload))
    assert caught.value.code == "bad_signature"
    assert caught.value.status == "invalid"


def test_card_from_an_untrusted_key_is_unknown_issuer(verifier: Verifier) -> None:
    with pytest.raises(UnknownIssuer) as caught:
        verifier.verify(_text(sign_card(make_card(), PrivateKey.generate())))
    assert caught.value.status == "unknown_issuer"


def test_changed_host_is_refused(verifier: Verifier, issuer_key: PrivateKey) -> None:
    with pytest.raises(Tampered) as caught:
        verifier.verify(_text(sign_card(make_card(), issuer_key), host="EVIL.EXAMPLE"))
    assert caught.value.code == "wrong_host"


def test_two_keys_sharing_a_kid_are_both_tried(
    issuer_key: PrivateKey, trust_list: TrustList, root_key: PrivateKey
) -> None:
    other = PrivateKey.generate()
    impostor = replace(
        trust_list.entries[0], public_key=other.public, centre="Other", listed_kid=issuer_key.kid
    )
    shared = TrustList(2, trust_list.issued, (impostor, trust_list.entries[0]))
    # Through a signed file, as a verifier gets it: the listed kid survives the round trip.
    loaded = load_trust_list(sign_trust_list(shared, root_key), [root_key.public])
    assert loaded == shared
    assert [e.centre for e in loaded.keys_for(issuer_key.kid)] == [
        "Other",
        trust_list.entries[0].centre,
    ]
    verifier = Verifier(trust_list=loaded, clock=fixed_clock())
    result = verifier.verify(_text(sign_card(make_card(), issuer_key)))
    assert result.issuer.public_key == issuer_key.public
    forged = bytearray(sign_card(make_card(), issuer_key))
    forged[-1] ^= 0x01  # a signature neither key made
    with pytest.raises(Tampered):
        verifier.verify(_text(bytes(forged)))


def test_a_listed_kid_is_eight_bytes(issuer_key: PrivateKey) -> None:
    with pytest.raises(SignedListError, match="8 bytes"):
        _entry(issuer_key, listed_kid=b"short")


@pytest.mark.parametrize(
    ("today", "error"),
    [
        (date(2028, 11, 1), None),
        (date(2028, 11, 2), None),  # within the 24-hour skew
        (date(2028, 11, 3), Expired),
        (date(2026, 10, 31), None),
        (date(2026, 10, 30), NotYetValid),
    ],
)
def test_time_boundaries_with_skew(
    trust_list: TrustList, issuer_key: PrivateKey, today: date, error: type[Exception] | None
) -> None:
    verifier = Verifier(trust_list=trust_list, clock=fixed_clock(today))
    text = _text(sign_card(make_card(), issuer_key))
    if error is None:
        verifier.verify(text)
    else:
        with pytest.raises(error):
            verifier.verify(text)


def test_zero_skew_makes_the_boundary_exact(trust_list: TrustList, issuer_key: PrivateKey) -> None:
    verifier = Verifier(
        trust_list=trust_list, clock=fixed_clock(date(2028, 11, 2)), skew=timedelta(0)
    )
    with pytest.raises(Expired):
        verifier.verify(_text(sign_card(make_card(), issuer_key)))


def _entry(key: PrivateKey, **changes: object) -> TrustEntry:
    entry = TrustEntry(key.public, "Centre", HOST, date(2026, 1, 1), date(2036, 1, 1))
    return replace(entry, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"status": KeyStatus.COMPROMISED, "status_since": date(2026, 6, 1)}, "key_compromised"),
        ({"status": KeyStatus.RETIRED, "status_since": date(2026, 6, 1)}, "key_retired"),
        ({"valid_from": date(2026, 11, 15)}, "key_not_yet_valid"),
        ({"valid_until": date(2027, 1, 1)}, "beyond_key_validity"),
    ],
)
def test_key_status_and_validity_are_enforced(
    issuer_key: PrivateKey, changes: dict[str, object], code: str
) -> None:
    trust = TrustList(1, date(2026, 1, 1), (_entry(issuer_key, **changes),))
    with pytest.raises(UnknownIssuer) as caught:
        Verifier(trust_list=trust, clock=fixed_clock()).verify(
            _text(sign_card(make_card(), issuer_key))
        )
    assert caught.value.code == code


def test_retired_key_still_verifies_its_earlier_cards(issuer_key: PrivateKey) -> None:
    entry = _entry(issuer_key, status=KeyStatus.RETIRED, status_since=date(2026, 11, 20))
    verifier = Verifier(trust_list=TrustList(1, date(2026, 1, 1), (entry,)), clock=fixed_clock())
    verifier.verify(_text(sign_card(make_card(), issuer_key)))


def test_trust_list_round_trips_and_needs_the_pinned_root(
    trust_list: TrustList, root_key: PrivateKey, trust_document: bytes
) -> None:
    assert load_trust_list(trust_document, [root_key.public]) == trust_list

    with pytest.raises(SignedListError, match="not signed by the expected key"):
        load_trust_list(trust_document, [PrivateKey.generate().public])
    tampered = bytearray(trust_document)
    tampered[-70] ^= 1
    with pytest.raises(SignedListError):
        load_trust_list(bytes(tampered), [root_key.public])


def _revocations(
    issuer_key: PrivateKey, counter: int, entries: tuple[Revocation, ...], since: int = 0
) -> bytes:
    return sign_revocation_list(
        RevocationList(issuer_key.kid, counter, date(2026, 11, 26), entries, since), issuer_key
    )


def test_revoked_card_is_reported_revoked(verifier: Verifier, issuer_key: PrivateKey) -> None:
    card = make_card()
    entry = Revocation.of_card(card.card_id, Reason.LOST, date(2026, 11, 20))
    verifier.add_revocation_list(_revocations(issuer_key, 1, (entry,)))
    with pytest.raises(Revoked) as caught:
        verifier.verify(_text(sign_card(card, issuer_key)))
    assert (caught.value.status, caught.value.reason) == ("revoked", "lost")


def test_expired_revocation_entry_no_longer_counts(
    verifier: Verifier, issuer_key: PrivateKey
) -> None:
    card = make_card()
    entry = replace(
        Revocation.of_card(card.card_id, Reason.LOST, date(2026, 1, 2)), until=date(2026, 2, 1)
    )
    verifier.add_revocation_list(_revocations(issuer_key, 1, (entry,)))
    verifier.verify(_text(sign_card(card, issuer_key)))


def test_deltas_merge_and_older_lists_are_refused(
    verifier: Verifier, issuer_key: PrivateKey
) -> None:

    first, second = make_card(card_id=b"\x01" * 8), make_card(card_id=b"\x02" * 8)
    verifier.add_revocation_list(
        _revocations(
            issuer_key, 3, (Revocation.of_card(first.card_id, Reason.STOLEN, date(2026, 11, 1)),)
        )
    )
    verifier.add_revocation_list(
        _revocations(
            issuer_key,
            5,
            (Revocation.of_card(second.card_id, Reason.REISSUED, date(2026, 11, 2)),),
            since=3,
        )
    )
    for card in (first, second):
        with pytest.raises(Revoked):
            verifier.verify(_text(sign_card(card, issuer_key)))
    with pytest.raises(SignedListError, match="older than the cached"):
        verifier.add_revocation_list(_revocations(issuer_key, 4, ()))
    with pytest.raises(SignedListError, match="does not follow"):
        verifier.add_revocation_list(_revocations(issuer_key, 9, (), since=7))


def test_full_list_replaces_removed_entries(verifier: Verifier, issuer_key: PrivateKey) -> None:
    card = make_card()
    verifier.add_revocation_list(
        _revocations(
            issuer_key, 1, (Revocation.of_card(card.card_id, Reason.LOST, date(2026, 11, 1)),)
        )
    )
    verifier.add_revocation_list(_revocations(issuer_key, 2, ()))
    verifier.verify(_text(sign_card(card, issuer_key)))


def test_revocation_list_signed_by_another_key_is_refused(
    verifier: Verifier, issuer_key: PrivateKey
) -> None:

    stranger = PrivateKey.generate()
    with pytest.raises(SignedListError, match="not in the trust list"):
        verifier.add_revocation_list(_revocations(stranger, 1, ()))
    assert load_revocation_list(_revocations(issuer_key, 1, ()), issuer_key.public).counter == 1


def test_faulty_list_of_a_trusted_issuer_is_refused_with_its_own_fault(
    issuer_key: PrivateKey,
) -> None:
    # The issuer comes last among several keys: its list's fault is still the one reported.
    others = tuple(_entry(PrivateKey.generate()) for _ in range(4))
    trust = TrustList(1, date(2026, 1, 1), (*others, _entry(issuer_key)))
    verifier = Verifier(trust_list=trust, clock=fixed_clock())
    twice = Revocation(b"\x07" * 8, Reason.LOST, date(2026, 11, 1))
    with pytest.raises(SignedListError, match="lists an id twice"):
        verifier.add_revocation_list(_revocations(issuer_key, 1, (twice, twice)))


def test_revocation_list_of_100000_entries_stays_under_one_megabyte(issuer_key: PrivateKey) -> None:
    entries = tuple(
        Revocation(
            i.to_bytes(8, "big"), Reason(1 + i % 6), date(2026, 1, 1) + timedelta(days=i % 365)
        )
        for i in range(100_000)
    )
    document = _revocations(issuer_key, 100_000, entries)
    assert len(document) < 1_000_000
    assert len(load_revocation_list(document, issuer_key.public).entries) == 100_000


def test_revocations_of_a_key_listed_under_another_kid_still_apply(
    issuer_key: PrivateKey,
) -> None:
    alias = b"\xa1" * 8
    trust = TrustList(1, date(2026, 1, 1), (_entry(issuer_key, listed_kid=alias),))
    verifier = Verifier(trust_list=trust, clock=fixed_clock())
    card = make_card()
    body = codec.encode_body(card)
    payload = b"\x01" + alias + body + issuer_key.sign(DOMAIN + alias + body)
    assert verifier.verify(_text(payload)).card == card
    # The list names the signing key by its own id, not by the alias.
    verifier.add_revocation_list(
        _revocations(issuer_key, 1, (Revocation.of_card(card.card_id, Reason.LOST, TODAY),))
    )
    with pytest.raises(Revoked):
        verifier.verify(_text(payload))
