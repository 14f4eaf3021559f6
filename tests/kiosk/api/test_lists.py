"""GET /api/trust and /api/revocations/<kid>: signed CBOR or JSON, deltas, validators, errors."""

from __future__ import annotations

import base64
import random
import re
from datetime import date, timedelta

import pytest
import requests
from flask import Flask
from sqlalchemy import insert

from cards.model import revocation_id
from kiosk.db import session_scope
from kiosk.domain.cards import registry
from kiosk.domain.publication import counters
from kiosk.models.registry import RevocationListRow, RevocationRow
from signing.revocation import Reason, load_revocation_list
from signing.revocation_cache import RevocationCache
from signing.trust import load_trust_list
from tests.kiosk.staff.support import issue, services_of, today


def get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers=headers, timeout=60)


def revoke_new_card(app: Flask, reason: Reason = Reason.LOST) -> bytes:
    card = issue(app).card
    services = services_of(app)
    with session_scope(services.sessions) as session:
        row = registry.find_card(session, card.card_code)
        registry.revoke_card(session, row, reason, today=today())
    return card.card_id


def kid_of(app: Flask) -> str:
    return services_of(app).keyring.issuer_key.kid.hex()


def test_the_trust_list_is_served_as_signed_cbor_with_validators(
    lists_app: Flask, lists_url: str
) -> None:
    response = get(f"{lists_url}/api/trust")
    keyring = services_of(lists_app).keyring
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/cbor"
    assert response.content == keyring.trust_document
    etag = response.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert response.headers["Cache-Control"] == (
        "public, max-age=300, stale-while-revalidate=3600, stale-if-error=604800"
    )
    assert response.headers["Vary"] == "Accept"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert load_trust_list(response.content, [keyring.root_public_key]) == keyring.trust_list


def test_an_unchanged_trust_list_answers_304(lists_url: str) -> None:
    etag = get(f"{lists_url}/api/trust").headers["ETag"]
    response = get(f"{lists_url}/api/trust", **{"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == etag
    assert "max-age=300" in response.headers["Cache-Control"]
    assert get(f"{lists_url}/api/trust", **{"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize(("path", "accept"), [("/api/trust.json", "*/*"),
                                              ("/api/trust", "application/json")])  # fmt: skip
def test_the_json_trust_list_decodes_entries_and_keeps_the_signed_document(
    lists_app: Flask, lists_url: str, path: str, accept: str
) -> None:
    response = get(lists_url + path, Accept=accept)
    body = response.json()
    keyring = services_of(lists_app).keyring
    [entry] = body["entries"]
    assert entry["kid"] == keyring.issuer_key.kid.hex()
    assert entry["status"] == "active"
    assert body["sequence"] == keyring.trust_list.sequence
    assert body["directory"] is None  # a centre alone: its own /V/lists/
    signed = base64.b64decode(body["signed"])
    assert load_trust_list(signed, [keyring.root_public_key]) == keyring.trust_list
    assert response.headers["ETag"] != get(f"{lists_url}/api/trust").headers["ETag"]


def test_a_revocation_list_lists_revocations_and_its_deltas_follow(
    lists_app: Flask, lists_url: str
) -> None:
    kid = kid_of(lists_app)
    issuer = services_of(lists_app).keyring.issuer_key.public
    first = revoke_new_card(lists_app)
    full = load_revocation_list(get(f"{lists_url}/api/revocations/{kid}").content, issuer)
    second = revoke_new_card(lists_app, Reason.STOLEN)
    delta = load_revocation_list(
        get(f"{lists_url}/api/revocations/{kid}?since={full.counter}").content, issuer
    )
    assert delta.since == full.counter and delta.counter > full.counter
    assert [e.reason for e in delta.entries] == [Reason.STOLEN]
    cache = RevocationCache()
    cache.extend([full, delta])
    assert cache.lookup(bytes.fromhex(kid), first, date.today(), date.today()) is not None
    assert cache.lookup(bytes.fromhex(kid), second, date.today(), date.today()) is not None


def test_an_up_to_date_verifier_gets_a_small_delta_it_can_apply(
    lists_app: Flask, lists_url: str
) -> None:
    kid = kid_of(lists_app)
    issuer = services_of(lists_app).keyring.issuer_key.public
    revoke_new_card(lists_app)
    newest = revoke_new_card(lists_app)
    full = load_revocation_list(get(f"{lists_url}/api/revocations/{kid}").content, issuer)
    response = get(f"{lists_url}/api/revocations/{kid}?since={full.counter}")
    again = load_revocation_list(response.content, issuer)
    assert 0 < again.since < again.counter == full.counter
    assert [e.rid for e in again.entries] == [revocation_id(newest)]
    cache = RevocationCache()
    cache.extend([full, again])
    assert len(cache.entries[bytes.fromhex(kid)]) == len(full.entries)
    assert cache.counters[bytes.fromhex(kid)] == full.counter


def test_a_new_revocation_changes_the_etag_and_an_old_one_still_answers_304(
    lists_app: Flask, lists_url: str
) -> None:
    url = f"{lists_url}/api/revocations/{kid_of(lists_app)}"
    etag = get(url).headers["ETag"]
    assert get(url, **{"If-None-Match": etag}).status_code == 304
    revoke_new_card(lists_app)
    fresh = get(url, **{"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag


def test_the_json_revocation_list_carries_entries_and_the_signed_document(
    lists_app: Flask, lists_url: str
) -> None:
    card_id = revoke_new_card(lists_app, Reason.DECEASED)
    kid = kid_of(lists_app)
    body = get(f"{lists_url}/api/revocations/{kid}.json").json()
    issuer = services_of(lists_app).keyring.issuer_key.public
    signed = load_revocation_list(base64.b64decode(body["signed"]), issuer)
    assert body["counter"] == signed.counter and body["issuer"] == kid
    assert len(body["entries"]) == len(signed.entries)
    [entry] = [e for e in body["entries"] if e["rid"] == revocation_id(card_id).hex()]
    assert entry["reason"] == "deceased" and entry["revoked_on"] == today().isoformat()
    assert entry["until"] is None  # the registry keeps it to leave expired cards out


@pytest.mark.parametrize(
    ("path", "status", "error", "message"),
    [
        ("/api/revocations/xyz", 400, "bad_kid", "'xyz' is not an issuer key id: 16 hexadecimal"),
        ("/api/revocations/00112233445566778899", 400, "bad_kid", "'00112233445566778899' is"),
        ("/api/revocations/0011223344556677", 404, "unknown_list_issuer",
         "this server publishes no revocation list for issuer 0011223344556677"),
        ("/api/revocations/{kid}?since=-1", 400, "bad_since", "since='-1' is not a list counter"),
        ("/api/revocations/{kid}?since=two", 400, "bad_since", "since='two' is not a list counter"),
        ("/api/revocations/{kid}?since=99999999", 400, "bad_since",
         "since=99999999 is not a counter of this list (0 to "),
    ],
)  # fmt: skip
def test_bad_list_requests_get_precise_json_errors(
    lists_app: Flask, lists_url: str, path: str, status: int, error: str, message: str
) -> None:
    response = get(lists_url + path.format(kid=kid_of(lists_app)))
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.json()["message"].startswith(message)


def test_a_hundred_thousand_revocations_stay_under_one_megabyte(
    app: Flask, live_server: str
) -> None:
    """Cards issued over two years, revoked at any time since, each with its own expiry;
    and a thousand more whose cards expired long ago, which the list leaves out."""
    services = services_of(app)
    kid = services.keyring.issuer_key.kid
    day, randomly = today(), random.Random(5)
    rows = []
    for n in range(101_000):
        issued = day - timedelta(days=randomly.randrange(730) + (800 if n >= 100_000 else 0))
        rows.append(
            {"issuer_kid": kid, "rid": n.to_bytes(8, "big"), "reason": randomly.randrange(1, 7),
             "revoked_on": issued + timedelta(days=randomly.randrange(30)),
             "until": issued + timedelta(days=730)}
        )  # fmt: skip
    with session_scope(services.sessions) as session:
        session.execute(insert(RevocationRow), [{**row, "counter": 1} for row in rows])
        session.execute(insert(RevocationListRow).values(issuer_kid=kid, counter=1))
        counters.mark_changed(session)
    response = get(f"{live_server}/api/revocations/{kid.hex()}")
    assert len(response.content) < 1_000_000
    revocations = load_revocation_list(response.content, services.keyring.issuer_key.public)
    assert len(revocations.entries) == 100_000
    assert revocations.counter == 1
