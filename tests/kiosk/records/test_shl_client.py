"""A hospital's own SMART Health Links client, written from the specifications alone.

It knows the SMART Health Links specification (the `shlink:/` payload, the manifest
POST with recipient and passcode, files embedded or behind a location, JWE compact
with `dir` / `A256GCM`, optionally deflated) and the International Patient Summary
(a document Bundle whose Composition sections reference their entries or say why they
are empty). It gets the link the way a hospital does, from the record page's "share"
QR text, and never imports ehcard code to read what it receives.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import requests
from fhir.resources.R4B.bundle import Bundle
from flask import Flask
from joserfc import jwe
from joserfc.jwk import OctKey
from playwright.sync_api import Page, expect

from cards.model import EmergencyData
from cards.record_fhir import item_resource
from cards.record_ips import ips_document as ips_document_of
from cards.record_ips import summary_base
from kiosk.db import session_scope
from kiosk.domain.records.control import set_masks
from kiosk.domain.records.store import item_files
from kiosk.models.records import RecordRow
from tests.builders import make_card
from tests.kiosk.records.conftest import PIN, IssuedRecord, issue_record
from tests.record_items import record_items

TIMEOUT = 20
IPS = "http://hl7.org/fhir/uv/ips/StructureDefinition/"
REQUIRED_SECTIONS = {"48765-2", "10160-0", "11450-4"}  # allergies, medications, problems
# Resource types IPS profiles: each must claim its profile (RelatedPerson, Consent, ...
# have none, and then claim none).
PROFILED = {"Bundle", "Composition", "Patient", "Organization", "AllergyIntolerance",
            "MedicationStatement", "Condition", "Immunization", "Procedure"}  # fmt: skip


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ShlClient:
    """What a hospital viewer does with a SMART Health Link."""

    def __init__(self, link: str) -> None:
        payload = json.loads(b64url_decode(link.split("shlink:/", 1)[1]))
        self.url: str = payload["url"]
        self.key = b64url_decode(payload["key"])
        self.flag: str = payload.get("flag", "")
        assert len(payload["key"]) == 43 and len(self.key) == 32
        assert payload.get("label") is None or len(payload["label"]) <= 80

    def files(self, passcode: str, embedded_max: int | None = None) -> list[Any]:
        body: dict[str, Any] = {"recipient": "Hôpital Nord, urgences"}
        if "P" in self.flag:
            body["passcode"] = passcode
        if embedded_max is not None:
            body["embeddedLengthMax"] = embedded_max
        response = requests.post(self.url, json=body, timeout=TIMEOUT)
        response.raise_for_status()
        contents = []
        for entry in response.json()["files"]:
            token = entry.get("embedded")
            if token is None:
                fetched = requests.get(entry["location"], timeout=TIMEOUT)
                fetched.raise_for_status()
                token = fetched.text
            opened = jwe.decrypt_compact(
                token, OctKey.import_key(self.key), algorithms=["dir", "A256GCM", "DEF"]
            )
            assert entry["contentType"] == opened.protected.get("cty", entry["contentType"])
            assert opened.plaintext is not None
            contents.append(json.loads(opened.plaintext))
        return contents


def ips_document(contents: list[Any]) -> dict[str, Any]:
    (document,) = [c for c in contents if c.get("resourceType") == "Bundle"]
    assert document["type"] == "document"
    return dict(document)


def references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                yield inner
            else:
                yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)


def check_ips(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Validate `document` as an IPS client would; return its resources by section code."""
    Bundle.model_validate(document)  # FHIR R4 (R4B models), every resource inside
    entries = {entry["fullUrl"]: entry["resource"] for entry in document["entry"]}
    assert all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", url) for url in entries)
    for url in references(document):
        assert url in entries, f"unresolved reference {url}"
    composition = document["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert composition["type"]["coding"][0]["code"] == "60591-5"
    for resource in [document, *entries.values()]:
        if resource["resourceType"] in PROFILED:
            assert resource["meta"]["profile"][0].startswith(IPS), resource["resourceType"]
    by_section: dict[str, list[dict[str, Any]]] = {}
    for section in composition["section"]:
        code = section["code"]["coding"][0]["code"]
        assert section["text"]["div"].startswith("<div")
        assert bool(section.get("entry")) != bool(section.get("emptyReason")), code
        by_section[code] = [entries[ref["reference"]] for ref in section.get("entry", [])]
    assert set(by_section) >= REQUIRED_SECTIONS
    (patient,) = [r for r in entries.values() if r["resourceType"] == "Patient"]
    assert all(name.get("use") for name in patient["name"])
    for resource in entries.values():
        if resource["resourceType"] == "MedicationStatement":
            assert "effectiveDateTime" in resource or "_effectiveDateTime" in resource
        if resource["resourceType"] == "Observation":
            assert "effectiveDateTime" in resource and "valueCodeableConcept" in resource
    return by_section


def shared_link(page: Page, live_server: str, record: IssuedRecord) -> str:
    """The link the record page shows under "share", as a hospital would scan it."""
    page.goto(f"{live_server}/R#{record.fragment}")
    page.fill("#recipient", "Hôpital Nord")
    page.fill("#pin", PIN)
    page.click("#pin-form button")
    page.click("#show-shlink")
    return str(page.locator("#shlink-text").text_content())


def test_a_hospital_client_reads_one_complete_ips_document(
    live_server: str, record: IssuedRecord, page: Page
) -> None:
    client = ShlClient(shared_link(page, live_server, record))
    assert "P" in client.flag
    for embedded_max in (None, 0):  # embedded, then every file behind a location
        contents = client.files(PIN, embedded_max)
        by_section = check_ips(ips_document(contents))
        texts = json.dumps(by_section)
        for word in ("Penicillin", "Salbutamol", "Epilepsy", "Appendectomy", "Tetanus"):
            assert word in texts
        assert [r["resourceType"] for r in by_section["30954-2"]] == ["Observation"]
        assert by_section["30954-2"][0]["valueCodeableConcept"]["coding"][0]["code"]
        # Only the scanned booklet travels as a file of its own.
        others = [c["resourceType"] for c in contents if c["resourceType"] != "Bundle"]
        assert others == ["DocumentReference"]


def test_hidden_items_leave_the_document_and_their_section_says_withheld(
    app: Flask, live_server: str, page: Page
) -> None:
    record = issue_record(app)
    link = shared_link(page, live_server, record)
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = session.query(RecordRow).filter_by(manifest_id=record.manifest_id).one()
        items = [f for f in item_files(session, row) if f.role == "item"]
        set_masks(session, row, {items[0].file_id})  # the penicillin allergy
    contents = ShlClient(link).files(PIN)
    by_section = check_ips(ips_document(contents))
    assert "Penicillin" not in json.dumps(contents)
    allergies = ips_document(contents)["entry"][0]["resource"]["section"][0]
    assert allergies["emptyReason"]["coding"][0]["code"] == "withheld"
    assert "Epilepsy" in json.dumps(by_section)
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = session.query(RecordRow).filter_by(manifest_id=record.manifest_id).one()
        set_masks(session, row, {items[0].file_id, items[2].file_id})  # and epilepsy
    contents = ShlClient(link).files(PIN)
    check_ips(ips_document(contents))
    text = json.dumps(contents)
    assert "Penicillin" not in text and "Epilepsy" not in text
    # No document was written for two hidden items: the others come beside the frame.
    assert "Salbutamol" in text and "Appendectomy" in text


def test_a_card_without_known_lists_or_blood_group_says_so_in_ips_terms(
    app: Flask, live_server: str, page: Page
) -> None:
    bare = EmergencyData(blood_group="unknown", allergies=(), medications=None, conditions=())
    record = issue_record(app, items=[], card_changes={"emergency": bare})
    contents = ShlClient(shared_link(page, live_server, record)).files(PIN)
    by_section = check_ips(ips_document(contents))
    assert "30954-2" not in by_section  # an unknown group is no laboratory result
    codes = {
        section: [
            c["code"]
            for r in resources
            for c in (r.get("code") or r.get("medicationCodeableConcept"))["coding"]
        ]
        for section, resources in by_section.items()
    }
    assert codes == {
        "48765-2": ["no-known-allergies"],
        "10160-0": ["no-medication-info"],
        "11450-4": ["no-known-problems"],
    }


def test_an_item_a_clinician_adds_reaches_hospital_viewers_inside_the_document(
    live_server: str, record: IssuedRecord, clinician: tuple[str, str], page: Page
) -> None:
    link = shared_link(page, live_server, record)
    page.goto(f"{live_server}/R?lang=en#{record.fragment}")  # a new load, not a hash change
    page.fill("#username", clinician[0])
    page.fill("#password", clinician[1])
    page.click("#signin-form button")
    page.select_option("#item-kind", "medication")
    page.fill("#item-text", "Levetiracetam 500 mg")
    page.click("#add-item button")
    expect(page.locator("#status")).to_have_text("Added to the record.")
    contents = ShlClient(link).files(PIN)
    by_section = check_ips(ips_document(contents))
    assert "Levetiracetam 500 mg" in json.dumps(by_section["10160-0"])
    assert [c["resourceType"] for c in contents if c["resourceType"] != "Bundle"] == [
        "DocumentReference"
    ]


def test_the_browser_folds_items_into_a_document_as_the_server_does(
    live_server: str, page: Page
) -> None:
    """static/records/ips.js against cards/record_ips.py, on a frame and every kind of item."""
    card = make_card()
    frame = summary_base(
        card, patient_id=str(uuid.UUID(int=1)), document_id=str(uuid.UUID(int=2)),
        language="fr", author="Centre", now=datetime(2026, 11, 27, tzinfo=UTC),
    )  # fmt: skip
    patient = frame["entry"][1]["fullUrl"]
    items = [item_resource(item, patient) for item in record_items()]
    items = [r for r in items if r["resourceType"] != "DocumentReference"]
    cases = [
        (frame, items, []),
        (frame, items[:2], ["11450-4"]),
        (ips_document_of(frame, items[:3]), items[3:], []),
        (frame, [], ["48765-2"]),
    ]
    page.goto(f"{live_server}/R")
    for document, adding, withheld in cases:
        browser_built = page.evaluate(
            """async ([document, items, withheld]) => {
                const { ipsDocument } = await import("/static/records/ips.js");
                return ipsDocument(document, items, withheld);
            }""",
            [document, adding, withheld],
        )
        assert browser_built == ips_document_of(document, adding, withheld=withheld)
        check_ips(browser_built)
