"""bench/browser_lookup.py, which bench/revocation_scale.py calls: the page's filter code in
Chromium loads a signed filter, refuses a tampered one, and times its lookups."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from bench.browser_lookup import browser_lookup_us
from cards.model import revocation_id
from signing.keys import PrivateKey
from signing.revocation import Reason
from signing.revocation_filter import RevocationFilter, build_layers, sign_revocation_filter

KEY = PrivateKey(bytes(range(5, 37)))
ISSUED = [revocation_id(i.to_bytes(8, "big")) for i in range(400)]
COVERS = date(2026, 11, 25)


def _document() -> bytes:
    layers = build_layers(ISSUED, {rid: Reason.LOST for rid in ISSUED[:40]})
    revocations = RevocationFilter(
        KEY.kid, 3, date(2026, 11, 26), COVERS, date(2026, 1, 1), len(ISSUED), layers, ()
    )
    return sign_revocation_filter(revocations, KEY)


def test_the_browser_lookup_time_is_measured_over_a_loaded_filter(browser: Browser) -> None:
    day = (COVERS - date(1970, 1, 1)).days
    mean = browser_lookup_us(_document(), KEY.public.raw, ISSUED, day, browser)
    assert 0 < mean < 10_000


def test_a_tampered_filter_is_refused_before_any_lookup_is_timed(browser: Browser) -> None:
    tampered = bytearray(_document())
    tampered[len(tampered) // 2] ^= 1
    with pytest.raises(PlaywrightError, match="not signed by the expected key"):
        browser_lookup_us(bytes(tampered), KEY.public.raw, ISSUED, 20_000, browser)
