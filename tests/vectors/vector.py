"""A test vector as a case declares it, and the JSON file it becomes (see vector.schema.json).

A case states what a verifier must conclude (the stage that fails, the error
code) from what the case is, never from running the verifier: the tests then
check the verifier against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cards.export import card_to_json
from cards.model import Card
from tests.vectors.diagnostic import diagnose

# The order in which a verifier runs the stages (README "Stages").
STAGES = ("qr", "signature", "decode", "trust", "time", "revocation")
STATUS_OF_ERROR = {
    **dict.fromkeys(
        (
            "bad_prefix",
            "truncated",
            "non_digit",
            "leading_zero",
            "too_large",
            "unknown_version",
            "bad_signature",
            "wrong_type",
            "unknown_key",
            "missing_key",
            "out_of_range",
            "non_canonical",
            "duplicate_key",
            "duplicate_code",
            "trailing_bytes",
            "cbor_invalid",
            "invalid_utf8",
            "bad_name",
            "bad_check_digit",
            "born_after_issue",
            "latin_name_missing",
            "wrong_host",
            "not_yet_valid",
        ),
        "invalid",
    ),
    **dict.fromkeys(
        (
            "unknown_kid",
            "key_compromised",
            "key_not_yet_valid",
            "beyond_key_validity",
            "key_retired",
        ),
        "unknown_issuer",
    ),
    "expired": "expired",
    **dict.fromkeys(
        ("lost", "stolen", "wrong_data", "reissued", "deceased", "holder_request"), "revoked"
    ),
}
VALIDATION_TIME = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TRUST_LIST = "context/trust.cbor"
ROOT_KEY = "context/root.pub"
ENVELOPE_HEAD, SIGNATURE_BYTES = 9, 64
# What a verifier accepts as QR text before looking at the payload (cards.qr, written anew).
_QR_TEXT = re.compile(r"HTTPS://[A-Z0-9](?:[A-Z0-9.-]*[A-Z0-9])?(?::[0-9]{1,5})?/V#([1-9][0-9]*)")
MAX_QR_TEXT, MAX_DIGITS = 4296, 2500


@dataclass(frozen=True)
class CardCase:
    """A QR text, the context to verify it in, and the verdict it must get."""

    id: str
    category: str
    description: str
    qr_text: str
    fails_at: str | None = None
    error: str | None = None
    card: Card | None = None  # what a valid vector decodes to
    validation_time: datetime = VALIDATION_TIME
    skew_hours: int = 24
    trust_list: str = TRUST_LIST
    revocation_lists: tuple[str, ...] = ()
    qr_version: int | None = None

    def __post_init__(self) -> None:
        valid = self.fails_at is None
        if valid != (self.error is None) or valid != (self.card is not None):
            raise ValueError(f"{self.id}: a valid case has a card, a failing one a stage and error")
        if self.fails_at is not None and self.fails_at not in STAGES:
            raise ValueError(f"{self.id}: unknown stage {self.fails_at}")
        if self.error is not None and self.error not in STATUS_OF_ERROR:
            raise ValueError(f"{self.id}: unknown error code {self.error}")


@dataclass(frozen=True)
class ListCase:
    """Trust and revocation list files a verifier must refuse when it loads them."""

    id: str
    description: str
    message: str  # a fragment of the SignedListError message
    trust_list: str = TRUST_LIST
    revocation_lists: tuple[str, ...] = ()
    category: str = "lists"


def payload_of(text: str) -> bytes | None:
    """The payload a verifier reads from QR text, or None when the text itself is refused."""
    match = _QR_TEXT.fullmatch(text)
    if match is None or len(text) > MAX_QR_TEXT or len(match.group(1)) > MAX_DIGITS:
        return None
    value = int(match.group(1))
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def _stages(fails_at: str | None) -> dict[str, str]:
    if fails_at is None:
        return dict.fromkeys(STAGES, "pass")
    failing = STAGES.index(fails_at)
    return {
        stage: "pass" if i < failing else "fail" if i == failing else "skip"
        for i, stage in enumerate(STAGES)
    }


def _moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def card_vector(case: CardCase) -> dict[str, Any]:
    payload = payload_of(case.qr_text)
    splits = payload is not None and len(payload) > ENVELOPE_HEAD + SIGNATURE_BYTES
    body = payload[ENVELOPE_HEAD:-SIGNATURE_BYTES] if payload is not None and splits else None
    expected: dict[str, Any] = {
        **_stages(case.fails_at),
        "error": case.error,
        "status": "valid" if case.error is None else STATUS_OF_ERROR[case.error],
    }
    if case.card is not None:
        expected["card"] = card_to_json(case.card)
    return {
        "id": case.id,
        "category": case.category,
        "description": case.description,
        "qr_text": case.qr_text,
        "payload_hex": payload.hex() if payload is not None else None,
        "cbor_diagnostic": diagnose(body) if body is not None else None,
        "qr_version": case.qr_version,
        "context": {
            "validation_time": _moment(case.validation_time),
            "skew_hours": case.skew_hours,
            "root_key": ROOT_KEY,
            "trust_list": case.trust_list,
            "revocation_lists": list(case.revocation_lists),
        },
        "expected": expected,
    }


def list_vector(case: ListCase) -> dict[str, Any]:
    return {
        "id": case.id,
        "category": case.category,
        "description": case.description,
        "context": {
            "root_key": ROOT_KEY,
            "trust_list": case.trust_list,
            "revocation_lists": list(case.revocation_lists),
        },
        "expected": {"error": "bad_signed_list", "message": case.message},
    }
