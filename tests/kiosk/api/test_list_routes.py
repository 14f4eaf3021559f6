"""Both list routes (/V/lists/ and /api/) serve the bytes published once per change, with
the same strong ETag; conditional requests are answered as RFC 9110 says; concurrent
revocations take consecutive counters and every one reaches the published list."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from kiosk.db import session_scope
from kiosk.domain.cards import registry
from kiosk.models.registry import RevocationRow
from signing.revocation import Reason, load_revocation_list
from signing.revocation_cache import RevocationCache
from tests.kiosk.api.test_lists import get, kid_of, revoke_new_card
from tests.kiosk.staff.support import issue, services_of, today

CONCURRENT_REVOCATIONS = 8


def both(base: str, kid: str, query: str = "") -> list[str]:
    return [f"{base}/V/lists/revocations-{kid}.cbor{query}", f"{base}/api/revocations/{kid}{query}"]


@pytest.mark.parametrize("what", ["trust", "full", "delta", "up to date"])
def test_both_routes_serve_identical_bytes_and_etags(
    lists_app: Flask, lists_url: str, what: str
) -> None:
    kid = kid_of(lists_app)
    revoke_new_card(lists_app)
    revoke_new_card(lists_app)
    counter = load_revocation_list(
        get(f"{lists_url}/api/revocations/{kid}").content,
        services_of(lists_app).keyring.issuer_key.public,
    ).counter
    urls = {
        "trust": [f"{lists_url}/V/lists/trust.cbor", f"{lists_url}/api/trust"],
        "full": both(lists_url, kid),
        "delta": both(lists_url, kid, f"?since={counter - 1}"),
        "up to date": both(lists_url, kid, f"?since={counter}"),
    }[what]
    verifier, api = (get(url) for url in urls)
    assert verifier.status_code == api.status_code == 200
    assert verifier.content == api.content
    assert verifier.headers["ETag"] == api.headers["ETag"]
    assert verifier.headers["Cache-Control"] == api.headers["Cache-Control"]
    assert verifier.headers["Content-Type"] == api.headers["Content-Type"] == "application/cbor"


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ("{etag}", 304),
        ('"0000", {etag}, "1111"', 304),
        ("*", 304),
        ("W/{etag}", 304),  # If-None-Match compares weakly
        ('"0000"', 200),
        ('W/"0000", "1111"', 200),
        ('"unterminated', 200),
        (",,,", 200),
        ("W/", 200),
        ("\u00e9t\u00e9", 200),
    ],
)
@pytest.mark.parametrize("route", ["/V/lists/revocations-{kid}.cbor", "/api/revocations/{kid}"])
def test_if_none_match_is_answered_without_the_body_only_when_a_tag_matches(
    lists_app: Flask, lists_url: str, route: str, header: str, status: int
) -> None:
    url = lists_url + route.format(kid=kid_of(lists_app))
    fresh = get(url)
    etag = fresh.headers["ETag"]
    response = requests.get(
        url, headers={"If-None-Match": header.format(etag=etag).encode()}, timeout=60
    )
    assert response.status_code == status
    assert response.headers["ETag"] == etag
    assert response.content == (b"" if status == 304 else fresh.content)


def test_a_stale_etag_gets_the_new_list_after_a_revocation(
    lists_app: Flask, lists_url: str
) -> None:
    for url in both(lists_url, kid_of(lists_app)):
        before = get(url)
        assert get(url, **{"If-None-Match": before.headers["ETag"]}).status_code == 304
        revoke_new_card(lists_app)
        after = get(url, **{"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200
        assert after.headers["ETag"] != before.headers["ETag"]
        assert after.content != before.content


@pytest.mark.parametrize("route", ["/V/lists/revocations-{kid}.cbor", "/api/revocations/{kid}"])
def test_an_issuer_this_server_does_not_hold_is_not_found(lists_url: str, route: str) -> None:
    response = get(lists_url + route.format(kid="0011223344556677"))
    assert response.status_code == 404
    assert "publishes no revocation list for issuer 0011223344556677" in response.text


def test_concurrent_revocations_take_consecutive_counters_and_none_is_lost(
    lists_app: Flask, lists_url: str
) -> None:
    kid = kid_of(lists_app)
    issuer = services_of(lists_app).keyring.issuer_key.public
    start = load_revocation_list(get(f"{lists_url}/api/revocations/{kid}").content, issuer)
    cards = [issue(lists_app).card for _ in range(CONCURRENT_REVOCATIONS)]
    services = services_of(lists_app)

    def revoke(code: str) -> None:
        with session_scope(services.sessions) as session:
            row = registry.find_card(session, code)
            registry.revoke_card(session, row, Reason.STOLEN, today=today())

    with ThreadPoolExecutor(max_workers=CONCURRENT_REVOCATIONS) as pool:
        list(pool.map(revoke, [card.card_code for card in cards]))
    with session_scope(services.sessions) as session:
        taken = session.scalars(
            select(RevocationRow.counter).where(RevocationRow.counter > start.counter)
        ).all()
    assert sorted(taken) == list(range(start.counter + 1, start.counter + 1 + len(cards)))
    delta = load_revocation_list(
        get(f"{lists_url}/api/revocations/{kid}?since={start.counter}").content, issuer
    )
    assert delta.counter == start.counter + len(cards)
    cache = RevocationCache()
    cache.extend([start, delta])
    for card in cards:
        assert (
            cache.lookup(bytes.fromhex(kid), card.card_id, date.today(), date.today()) is not None
        )
