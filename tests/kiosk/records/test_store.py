"""Creating, rekeying and erasing records: the service functions the kiosk and console call."""

from __future__ import annotations

import base64
import json
import re
import secrets
from dataclasses import replace

import pytest
from flask import Flask

from cards.record import Attachment, ItemKind, MediaType, RecordItem
from kiosk.db import session_scope
from kiosk.domain.records.access import open_with_pin, sign_in_holder
from kiosk.domain.records.control import set_masks
from kiosk.domain.records.credentials import PinRefused, check_pin, normalise_recovery_code
from kiosk.domain.records.errors import (
    AccessRefused,
    BadRecordRequest,
    RecordGone,
    SignInFailed,
    Throttled,
)
from kiosk.domain.records.store import create_record, erase_record, item_files, rekey_record
from kiosk.models.records import RecordAccessRow, RecordFileRow, RecordRow
from signing import records as crypto
from tests.builders import make_card
from tests.kiosk.records.conftest import LIMITS, PIN, IssuedRecord, issue_record
from tests.kiosk.records.test_uploads import jpeg_with_gps


def sessions(app: Flask):  # type: ignore[no-untyped-def]
    return app.extensions["ehcard"].sessions


def test_the_recovery_code_is_20_crockford_characters_in_groups_of_four(
    record: IssuedRecord,
) -> None:
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}", record.recovery_code)
    typed = record.recovery_code.lower().replace("-", " ").replace("0", "o")
    assert normalise_recovery_code(typed) == record.recovery_code


@pytest.mark.parametrize(
    ("pin", "message"),
    [
        ("12345", "6 to 12 digits"),
        ("12a456", "6 to 12 digits"),
        ("111111", "too easy"),
        ("123456", "too easy"),
        ("987654", "too easy"),
    ],
)
def test_easy_or_malformed_pins_are_refused(pin: str, message: str) -> None:
    with pytest.raises(PinRefused, match=message):
        check_pin(pin)


def test_a_card_gets_one_record_only(app: Flask, record: IssuedRecord) -> None:
    with (
        session_scope(sessions(app)) as session,
        pytest.raises(BadRecordRequest, match="already has a record"),
    ):
        create_record(
            session, card=record.card, pin=PIN, items=[], language="fr", centre="C", limits=LIMITS
        )


def test_the_server_stores_ciphertext_only_and_no_key(app: Flask, record: IssuedRecord) -> None:
    with session_scope(sessions(app)) as session:
        row = session.query(RecordRow).filter_by(record_id=record.card.record_id).one()
        files = item_files(session, row)
        # Ten items; IPS documents for the record as it is, for each of the nine items
        # the holder may hide next (not the scan: it stays a file of its own), and none.
        assert [f.role for f in files] == ["item"] * 10 + ["ips"] * 11
        for file_row in files:
            assert crypto.parse_header(file_row.jwe)["cty"] == "application/fhir+json"
            assert crypto.decrypt(record.file_key, file_row.jwe).plaintext.startswith(b"{")
        stored = " ".join(str(v) for v in row.__dict__.values())
        assert crypto.b64url(record.card.record_key) not in stored
        assert crypto.b64url(record.file_key) not in stored


def test_erasing_deletes_every_file_and_the_pin_and_is_idempotent(
    app: Flask, record: IssuedRecord
) -> None:
    with session_scope(sessions(app)) as session:
        assert erase_record(session, record.card.record_id, actor="staff:9") is True
        assert erase_record(session, record.card.record_id, actor="staff:9") is False
        assert erase_record(session, "0" * 32) is False
        row = session.query(RecordRow).filter_by(record_id=record.card.record_id).one()
        assert row.status == "erased" and row.pin_hash is None
        assert session.query(RecordFileRow).filter_by(record_pk=row.id).count() == 0
    with pytest.raises(RecordGone):
        open_with_pin(
            sessions(app), app.extensions["ehcard"].settings, record.manifest_id, PIN, "x"
        )


def test_rekeying_moves_the_record_to_the_new_cards_key(app: Flask, record: IssuedRecord) -> None:
    with session_scope(sessions(app)) as session:
        old = session.query(RecordRow).filter_by(record_id=record.card.record_id).one()
        set_masks(session, old, {item_files(session, old)[3].file_id})
    new_card = replace(
        record.card,
        card_id=secrets.token_bytes(8),
        record_key=secrets.token_bytes(16),
        holder=replace(record.card.holder, name="Aminata Diallo"),
    )
    with session_scope(sessions(app)) as session:
        recovery = rekey_record(
            session,
            old_record_id=record.card.record_id,
            old_record_key=record.card.record_key,
            new_card=new_card,
            centre="C",
            actor="user:9",
        )
    new_key = crypto.file_key(new_card.record_key, new_card.record_id)
    with session_scope(sessions(app)) as session:
        new = session.query(RecordRow).filter_by(record_id=new_card.record_id).one()
        files = item_files(session, new)
        items = [f for f in files if f.role == "item"]
        documents = [f for f in files if f.role == "ips"]
        assert len(items) == 10 and [f.masked for f in items].count(True) == 1
        # The hidden item is in no document: the eight others, each left out once, and none.
        assert len(documents) == 10
        plaintexts = [crypto.decrypt(new_key, f.jwe).plaintext.decode() for f in files]
        assert "Penicillin" in "".join(plaintexts)
        readable = [crypto.decrypt(new_key, f.jwe).plaintext.decode() for f in documents]
        assert all("Aminata Diallo" in text and "Appendectomy" not in text for text in readable)
        with pytest.raises(Exception, match="does not decrypt"):
            crypto.decrypt(record.file_key, files[1].jwe)
        events = [a.event for a in session.query(RecordAccessRow).filter_by(record_pk=new.id)]
        assert events[0] == "created" and "rekeyed" in events
        old = session.query(RecordRow).filter_by(record_id=record.card.record_id).one()
        assert old.status == "erased" and old.recovery_hash is None
    assert normalise_recovery_code(recovery) == recovery != record.recovery_code
    settings = app.extensions["ehcard"].settings
    opened = open_with_pin(
        sessions(app), settings, crypto.manifest_id(new_key, new_card.record_id), PIN, "x"
    )
    # The document for the record as it is now, and the scan beside it.
    assert len(opened.files) == 2 and opened.withheld == 1


def test_rekeying_needs_the_old_cards_real_key(app: Flask, record: IssuedRecord) -> None:
    with (
        session_scope(sessions(app)) as session,
        pytest.raises(AccessRefused, match="not the old card's"),
    ):
        rekey_record(
            session,
            old_record_id=record.card.record_id,
            old_record_key=bytes(16),
            new_card=make_card(card_id=secrets.token_bytes(8)),
            centre="C",
            actor="user:9",
        )


def test_a_document_item_is_cleaned_before_encryption(app: Flask) -> None:

    issued = issue_record(
        app,
        items=[
            RecordItem(
                ItemKind.DOCUMENT, "Scan", attachment=Attachment(MediaType.JPEG, jpeg_with_gps())
            )
        ],
    )
    with session_scope(sessions(app)) as session:
        row = session.query(RecordRow).filter_by(record_id=issued.card.record_id).one()
        scan = next(f for f in item_files(session, row) if f.role == "item")
        document = crypto.decrypt(issued.file_key, scan.jwe).plaintext
    assert b'"contentType":"image/jpeg"' in document

    data = base64.b64decode(json.loads(document)["content"][0]["attachment"]["data"])
    assert b"Camera serial" not in data


def test_the_holder_signs_in_with_the_card_code_and_recovery_code(
    app: Flask, record: IssuedRecord, settings
) -> None:  # type: ignore[no-untyped-def]
    settings(recovery_attempts=2)
    hub = app.extensions["ehcard"]
    assert (
        sign_in_holder(hub.sessions, hub.settings, record.card.card_code, record.recovery_code)
        == record.card.record_id
    )

    with pytest.raises(SignInFailed, match="do not match"):
        sign_in_holder(hub.sessions, hub.settings, "00000-00000", record.recovery_code)
    for _ in range(2):
        with pytest.raises(SignInFailed):
            sign_in_holder(
                hub.sessions, hub.settings, record.card.card_code, "AAAA-AAAA-AAAA-AAAA-AAAA"
            )
    with pytest.raises(Throttled, match="too many wrong recovery codes"):
        sign_in_holder(hub.sessions, hub.settings, record.card.card_code, record.recovery_code)
