"""Every generated verification case, in a fixed order."""

from __future__ import annotations

from tests.kiosk.verify.vector_bodies import body_cases
from tests.kiosk.verify.vectors import (
    Case,
    revocation_cases,
    signature_cases,
    text_cases,
    time_cases,
    trust_cases,
    valid_cards,
)


def all_cases() -> list[Case]:
    groups = (
        valid_cards,
        signature_cases,
        trust_cases,
        time_cases,
        revocation_cases,
        text_cases,
        body_cases,
    )
    return [case for group in groups for case in group()]
