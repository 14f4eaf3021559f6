"""The verifier's clock and skew, revocation lists, and list files refused when loaded.

Every card here is issued 2026-11-01 and expires 2028-11-01. A card counts
from the start of its issue day to the end of its expiry day (UTC), widened
by the skew on both sides: with 24 hours it verifies from
2026-10-31T00:00:00Z until 2028-11-02T23:59:59Z.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.vectors.context import base_card, signed, text
from tests.vectors.valid_cases import valid_case
from tests.vectors.vector import CardCase, ListCase

A5 = "context/revocations-a-5.cbor"


def _at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


def _time(id: str, description: str, moment: str, error: str | None, skew: int = 24) -> CardCase:
    card = base_card(f"time-{id}")
    if error is None:
        return valid_case(
            f"time-{id}", "time", description, card, validation_time=_at(moment), skew_hours=skew
        )
    return CardCase(
        f"time-{id}",
        "time",
        description,
        text(signed(card)),
        fails_at="time",
        error=error,
        validation_time=_at(moment),
        skew_hours=skew,
    )


def time_cases() -> list[CardCase]:
    expired_and_revoked = base_card("time-expired-and-revoked")
    return [
        _time("expired", "Checked four months after expiry.", "2029-03-01T12:00:00", "expired"),
        _time(
            "last-instant-before-expiry",
            "The last second the card counts with 24 hours of skew.",
            "2028-11-02T23:59:59",
            None,
        ),
        _time(
            "first-instant-after-expiry",
            "The first second past expiry plus 24 hours of skew.",
            "2028-11-03T00:00:00",
            "expired",
        ),
        _time(
            "not-yet-valid",
            "Checked a month before the issue day.",
            "2026-10-01T12:00:00",
            "not_yet_valid",
        ),
        _time(
            "last-instant-before-issue",
            "The last second before the issue day minus 24 hours of skew.",
            "2026-10-30T23:59:59",
            "not_yet_valid",
        ),
        _time(
            "first-instant-after-issue",
            "The first second the card counts with 24 hours of skew (a phone clock a day behind).",
            "2026-10-31T00:00:00",
            None,
        ),
        _time(
            "skew-0-end-of-expiry-day",
            "No skew: the last second of the expiry day.",
            "2028-11-01T23:59:59",
            None,
            0,
        ),
        _time(
            "skew-0-day-after-expiry",
            "No skew: the first second after the expiry day.",
            "2028-11-02T00:00:00",
            "expired",
            0,
        ),
        _time(
            "skew-0-day-before-issue",
            "No skew: the last second before the issue day.",
            "2026-10-31T23:59:59",
            "not_yet_valid",
            0,
        ),
        _time(
            "skew-0-start-of-issue-day",
            "No skew: the first second of the issue day.",
            "2026-11-01T00:00:00",
            None,
            0,
        ),
        _time(
            "skew-72-hours",
            "72 hours of skew: still valid two days after expiry.",
            "2028-11-04T12:00:00",
            None,
            72,
        ),
        CardCase(
            "time-expired-and-revoked",
            "time",
            "Expired and also revoked: time is checked before revocation.",
            text(signed(expired_and_revoked)),
            fails_at="time",
            error="expired",
            validation_time=_at("2029-03-01T12:00:00"),
            revocation_lists=(A5,),
        ),
    ]


def _revoked(id: str, description: str, lists: tuple[str, ...], reason: str) -> CardCase:
    """A revoked card's error code is its revocation reason (lost, stolen, ...)."""
    return CardCase(
        f"revocation-{id}",
        "revocation",
        description,
        text(signed(base_card(f"revocation-{id}"))),
        fails_at="revocation",
        error=reason,
        revocation_lists=lists,
    )


def _not_revoked(id: str, description: str, lists: tuple[str, ...]) -> CardCase:
    card = base_card(f"revocation-{id}")
    return valid_case(f"revocation-{id}", "revocation", description, card, revocation_lists=lists)


def revocation_cases() -> list[CardCase]:
    delta = "context/revocations-a-7-delta-from-5.cbor"
    return [
        _revoked("revoked", "Revoked on 2026-11-20 (lost) in issuer A's list.", (A5,), "lost"),
        _not_revoked(
            "entry-ended",
            "Listed with an end day (2026-11-20) before the validation day: no longer counts.",
            (A5,),
        ),
        _revoked(
            "entry-ends-on-validation-day",
            "Listed with an end day equal to the validation day: still counts that day.",
            (A5,),
            "holder_request",
        ),
        _revoked(
            "added-by-delta",
            "Revoked in a delta list (counter 5 to 7) applied after the full list.",
            (A5, delta),
            "stolen",
        ),
        _not_revoked(
            "not-listed",
            "A card on none of the lists, with the full list and a delta loaded.",
            (A5, delta),
        ),
        _not_revoked(
            "reinstated-by-newer-full-list",
            "Revoked in full list 5, absent from the newer full list 8: a full list replaces"
            " what the verifier had cached, so a revocation lifted by its issuer is lifted.",
            (A5, "context/revocations-a-8.cbor"),
        ),
        _not_revoked(
            "empty-list", "Issuer A's list holds no entry.", ("context/revocations-a-1-empty.cbor",)
        ),
        _not_revoked(
            "listed-by-another-issuer",
            "Its revocation id is in issuer F's list: a list only revokes its own issuer's cards.",
            ("context/revocations-f-2.cbor",),
        ),
    ]


def list_cases() -> list[ListCase]:
    def revocation_files(*names: str) -> tuple[str, ...]:
        return tuple(f"context/revocations-{name}.cbor" for name in names)

    return [
        ListCase(
            "lists-counter-older-than-cached",
            "Counter 4 after counter 5 was cached: a replayed older list.",
            "older than the cached",
            revocation_lists=revocation_files("a-5", "a-4"),
        ),
        ListCase(
            "lists-duplicate-ids",
            "The same revocation id twice in one list.",
            "lists an id twice",
            revocation_lists=revocation_files("a-duplicate-id"),
        ),
        ListCase(
            "lists-delta-with-a-gap",
            "A delta from counter 9 while counter 5 is cached.",
            "does not follow the cached list",
            revocation_lists=revocation_files("a-5", "a-10-delta-from-9"),
        ),
        ListCase(
            "lists-delta-without-base",
            "A delta from counter 5 with no list cached.",
            "does not follow the cached list",
            revocation_lists=revocation_files("a-7-delta-from-5"),
        ),
        ListCase(
            "lists-delta-from-its-own-counter",
            "A delta whose start counter is its own counter.",
            "starts at or after its own counter",
            revocation_lists=revocation_files("a-6-delta-from-6"),
        ),
        ListCase(
            "lists-signed-by-untrusted-key",
            "A revocation list signed by a key no trust list names.",
            "not in the trust list",
            revocation_lists=revocation_files("stranger"),
        ),
        ListCase(
            "lists-names-another-issuer",
            "Signed by issuer A but naming issuer F as its issuer.",
            "names another issuer",
            revocation_lists=revocation_files("a-names-issuer-f"),
        ),
        ListCase(
            "lists-revocations-tampered",
            "One bit flipped inside issuer A's signed list.",
            "not signed by the expected key",
            revocation_lists=revocation_files("a-tampered"),
        ),
        ListCase(
            "lists-unknown-reason",
            "A revocation reason code (9) that does not exist.",
            "revocation list body is malformed",
            revocation_lists=revocation_files("a-unknown-reason"),
        ),
        ListCase(
            "lists-revocations-not-cbor",
            "A text file where a revocation list should be.",
            "is not valid CBOR",
            revocation_lists=revocation_files("not-cbor"),
        ),
        ListCase(
            "lists-trust-signed-by-other-root",
            "The trust list signed by a root key the verifier does not pin.",
            "not signed by the expected key",
            trust_list="context/trust-other-root.cbor",
        ),
        ListCase(
            "lists-trust-tampered",
            "One bit flipped inside the signed trust list.",
            "not signed by the expected key",
            trust_list="context/trust-tampered.cbor",
        ),
    ]


def cases() -> list[CardCase]:
    return time_cases() + revocation_cases()
