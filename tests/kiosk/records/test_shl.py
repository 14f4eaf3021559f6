"""The SMART Health Links manifest server over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest
import requests
from flask import Flask
from joserfc import jwe as jose_jwe
from joserfc.errors import DecodeError
from joserfc.jwk import OctKey
from sqlalchemy import select

from kiosk.db import session_scope
from kiosk.domain.cards.registry import find_card, revoke_card
from kiosk.domain.records.control import set_masks
from kiosk.domain.records.store import erase_record, item_files
from kiosk.models.records import RecordFileRow, RecordRow
from signing.revocation import Reason
from tests.kiosk.records.conftest import PIN, IssuedRecord, issue_record

TIMEOUT = 20


def open_manifest(base: str, manifest_id: str, **body: Any) -> requests.Response:
    payload = {"recipient": "Hôpital Nord, urgences", "passcode": PIN, **body}
    return requests.post(f"{base}/shl/{manifest_id}", json=payload, timeout=TIMEOUT)


def decrypt(key: bytes, token: str) -> dict[str, Any]:
    opened = jose_jwe.decrypt_compact(
        token, OctKey.import_key(key), algorithms=["dir", "A256GCM", "DEF"]
    )
    assert opened.protected["cty"] == "application/fhir+json"
    return dict(json.loads(opened.plaintext))


def resources(base: str, record: IssuedRecord, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for entry in manifest["files"]:
        assert entry["contentType"] == "application/fhir+json"
        token = entry.get("embedded")
        if token is None:
            response = requests.get(entry["location"], timeout=TIMEOUT)
            assert response.headers["Content-Type"] == "application/jose"
            token = response.text
        found.append(decrypt(record.file_key, token))
    return found


def test_the_holder_pin_opens_the_record_as_fhir_files(
    live_server: str, record: IssuedRecord
) -> None:
    response = open_manifest(live_server, record.manifest_id)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "no-store"
    manifest = response.json()
    assert manifest["withheld"] == 0
    opened = resources(live_server, record, manifest)
    assert opened[0]["resourceType"] == "Bundle" and opened[0]["type"] == "document"
    # The IPS document holds every item; scanned documents come as files of their own.
    inside = [e["resource"]["resourceType"] for e in opened[0]["entry"]]
    assert [r["resourceType"] for r in opened[1:]] == ["DocumentReference"]
    types = sorted([*inside[3:], "DocumentReference"])
    assert inside[:3] == ["Composition", "Patient", "Organization"]
    assert types == sorted(
        [
            "Observation",
            "AllergyIntolerance",
            "MedicationStatement",
            "Condition",
            "Procedure",
            "Immunization",
            "DeviceUseStatement",
            "RelatedPerson",
            "Consent",
            "Consent",
            "DocumentReference",
        ]
    )


def test_embedded_length_max_is_obeyed_and_locations_serve_jose(
    live_server: str, record: IssuedRecord
) -> None:
    manifest = open_manifest(live_server, record.manifest_id, embeddedLengthMax=0).json()
    assert all("location" in f and "embedded" not in f for f in manifest["files"])
    assert len(resources(live_server, record, manifest)) == 2  # the IPS document, the scan


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"recipient": ""}, "recipient is required"),
        ({"passcode": None}, "passcode is required"),
        ({"embeddedLengthMax": "big"}, "embeddedLengthMax must be a whole number"),
    ],
)
def test_malformed_manifest_requests_get_400(
    live_server: str, record: IssuedRecord, body: dict[str, Any], message: str
) -> None:
    response = open_manifest(live_server, record.manifest_id, **body)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_wrong_pins_count_down_then_lock_for_good(
    app: Flask, live_server: str, record: IssuedRecord, settings: Any
) -> None:
    settings(record_pin_attempts=3)
    for remaining in (2, 1):
        response = open_manifest(live_server, record.manifest_id, passcode="000000")
        assert response.status_code == 401
        assert response.json() == {
            "error": "wrong_passcode",
            "message": "wrong PIN",
            "remainingAttempts": remaining,
        }
        _wait_out_throttle(app, record)
    last = open_manifest(live_server, record.manifest_id, passcode="000000")
    assert last.status_code == 401 and last.json()["remainingAttempts"] == 0
    _wait_out_throttle(app, record)
    right_pin = open_manifest(live_server, record.manifest_id)
    assert right_pin.status_code == 401
    assert right_pin.json()["error"] == "passcode_locked"


def test_a_wrong_pin_throttles_the_next_attempt(
    app: Flask, live_server: str, record: IssuedRecord
) -> None:
    assert open_manifest(live_server, record.manifest_id, passcode="000000").status_code == 401
    throttled = open_manifest(live_server, record.manifest_id)
    assert throttled.status_code == 429
    assert throttled.json()["error"] == "too_many_attempts"
    assert 1 <= int(throttled.headers["Retry-After"]) <= 2
    _wait_out_throttle(app, record)
    assert open_manifest(live_server, record.manifest_id).status_code == 200


def test_parallel_guesses_cannot_exceed_the_lifetime_limit(
    app: Flask, live_server: str, record: IssuedRecord, settings: Any
) -> None:
    settings(record_pin_attempts=4, record_pin_delay_seconds=0)
    guesses = [f"{n:06d}" for n in range(100000, 100016)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(
                lambda pin: open_manifest(live_server, record.manifest_id, passcode=pin), guesses
            )
        )
    wrong = [r for r in statuses if r.status_code == 401 and r.json()["error"] == "wrong_passcode"]
    assert len(wrong) <= 4
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = session.query(RecordRow).filter_by(manifest_id=record.manifest_id).one()
        assert row.pin_failures == 4


def test_another_cards_manifest_does_not_open_with_this_pin(
    app: Flask, live_server: str, record: IssuedRecord
) -> None:
    other = issue_record(app, items=[], pin="739164")
    response = open_manifest(live_server, other.manifest_id)
    assert response.status_code == 401
    _wait_out_throttle(app, other)
    # And this card's key cannot read the other card's files either.
    other_files = open_manifest(live_server, other.manifest_id, passcode="739164").json()["files"]
    with pytest.raises(DecodeError):
        decrypt(record.file_key, other_files[0]["embedded"])


def test_unknown_and_malformed_manifest_ids_are_404(live_server: str) -> None:
    for manifest_id in ("A" * 43, "short", "A" * 42 + "!"):
        response = open_manifest(live_server, manifest_id)
        assert response.status_code == 404
        assert response.json()["error"] == "no_such_record"


def test_masked_items_are_not_served_to_the_pin(
    app: Flask, live_server: str, record: IssuedRecord
) -> None:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = session.query(RecordRow).filter_by(manifest_id=record.manifest_id).one()
        items = [f for f in item_files(session, row) if f.role == "item"]
        set_masks(session, row, {items[2].file_id})
    manifest = open_manifest(live_server, record.manifest_id, embeddedLengthMax=0).json()
    assert manifest["withheld"] == 1
    texts = json.dumps(resources(live_server, record, manifest))
    assert "Epilepsy" not in texts and "Penicillin" in texts


def test_an_erased_record_answers_410_gone(
    app: Flask, live_server: str, record: IssuedRecord
) -> None:
    location = open_manifest(live_server, record.manifest_id, embeddedLengthMax=0).json()["files"][
        0
    ]["location"]
    with session_scope(app.extensions["ehcard"].sessions) as session:
        assert erase_record(session, record.card.record_id, actor="staff:1")
    gone = open_manifest(live_server, record.manifest_id)
    assert gone.status_code == 410
    assert gone.json()["error"] == "record_erased"
    assert requests.get(location, timeout=TIMEOUT).status_code == 410


def test_file_links_expire(
    app: Flask, live_server: str, record: IssuedRecord, settings: Any
) -> None:
    settings(shl_location_seconds=1)
    location = open_manifest(live_server, record.manifest_id, embeddedLengthMax=0).json()["files"][
        0
    ]["location"]
    app.extensions["ehcard"].clock.advance(timedelta(seconds=2))
    expired = requests.get(location, timeout=TIMEOUT)
    assert expired.status_code == 403
    assert "expired" in expired.json()["message"]
    forged = requests.get(location[:-3] + "xyz", timeout=TIMEOUT)
    assert forged.status_code == 404


def test_cors_preflight_allows_any_shl_viewer(live_server: str, record: IssuedRecord) -> None:
    response = requests.options(
        f"{live_server}/shl/{record.manifest_id}",
        headers={"Origin": "https://viewer.example.org", "Access-Control-Request-Method": "POST"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def _wait_out_throttle(app: Flask, record: IssuedRecord) -> None:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = session.query(RecordRow).filter_by(manifest_id=record.manifest_id).one()
        row.pin_not_before = None


def test_revoking_the_card_erases_its_record(
    app: Flask, live_server: str, record: IssuedRecord
) -> None:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = find_card(session, record.card.card_code)
        revoke_card(session, row, Reason.LOST, today=date(2026, 11, 27), actor="staff:1")
    with session_scope(app.extensions["ehcard"].sessions) as session:
        files = session.scalars(
            select(RecordFileRow)
            .join(RecordRow)
            .where(RecordRow.record_id == record.card.record_id)
        ).all()
    assert files == []
    assert open_manifest(live_server, record.manifest_id).status_code == 410
