"""Coverage-guided fuzzing (atheris) of the card decoder, the verifier and profile parsing.

Run: python tests/fuzz/fuzz_targets.py TARGET [libFuzzer options] [corpus dirs]
TARGET is `payload`, `qr_text` or `profile`. A target fails (crash file, exit 1)
when anything but the documented errors escapes, or when a mutated payload verifies.
"""

from __future__ import annotations

import contextlib
import json
import sys
from datetime import date

import atheris

with atheris.instrument_imports():
    from cards import cbor, codec, qr
    from cards.errors import CardError, ProfileError, VerificationError
    from cards.profile import parse_profile

from tests.fuzz.seeds import HOST, PAYLOADS, verifier

VERIFIER = verifier()


def payload_target(data: bytes) -> None:
    try:
        VERIFIER.verify_payload(data, host=HOST)
    except VerificationError:
        pass
    else:
        if data not in PAYLOADS:
            raise AssertionError(f"a mutated payload verified: {data.hex()}")
    for decoder in (cbor.loads, cbor.strict_loads, codec.decode_body):
        with contextlib.suppress(VerificationError):
            decoder(data)


def qr_text_target(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    with contextlib.suppress(VerificationError):
        VERIFIER.verify(text)
    with contextlib.suppress(CardError):
        qr.parse_qr_text(text)


def profile_target(data: bytes) -> None:
    try:
        profile = json.loads(data)
    except (ValueError, RecursionError):
        return
    with contextlib.suppress(ProfileError):
        parse_profile(profile, today=date(2026, 11, 27))


TARGETS = {"payload": payload_target, "qr_text": qr_text_target, "profile": profile_target}

if __name__ == "__main__":
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()
