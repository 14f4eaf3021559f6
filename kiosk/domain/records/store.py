"""Create, change, rekey and erase records: the service functions other areas call.

The record key is only ever a function argument: the kiosk passes the new
card's key to `create_record` while it issues the card, and the key is gone
when the call returns. Nothing here logs or stores it.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from cards.model import Card
from cards.record import ItemKind, RecordItem
from cards.record_fhir import item_resource, summary_bundle, to_json_bytes
from kiosk.domain import audit
from kiosk.domain.audit import record_event
from kiosk.domain.clock import clock_of
from kiosk.domain.records.credentials import check_pin, hash_secret, new_recovery_code
from kiosk.domain.records.errors import AccessRefused, BadRecordRequest, RecordGone, RecordNotFound
from kiosk.domain.records.log import log_access
from kiosk.domain.records.uploads import UploadLimits, clean_document
from kiosk.models.records import RecordAccessRow, RecordFileRow, RecordRow
from signing import records as crypto

MAX_ITEM_JWE_CHARS = 64 * 1024


def find_record(
    session: Session, *, manifest_id: str | None = None, record_id: str | None = None
) -> RecordRow:
    """The record by manifest id or record id; RecordNotFound, or RecordGone once erased."""
    query = select(RecordRow)
    if manifest_id is not None:
        query = query.where(RecordRow.manifest_id == manifest_id)
    else:
        query = query.where(RecordRow.record_id == record_id)
    row = session.scalar(query)
    if row is None:
        raise RecordNotFound("no record answers to this link")
    if row.status == "erased":
        raise RecordGone("this card was revoked and its record erased")
    return row


def _add_file(
    session: Session, row: RecordRow, jwe: str, *, role: str, added_by: str, at: datetime
) -> RecordFileRow:
    file_row = RecordFileRow(
        record_pk=row.id,
        file_id=secrets.token_hex(16),
        role=role,
        jwe=jwe,
        masked=False,
        added_by=added_by,
        added_at=at,
    )
    session.add(file_row)
    return file_row


def _encrypt_item(key: bytes, item: RecordItem, patient_url: str, limits: UploadLimits) -> str:
    if item.kind is ItemKind.DOCUMENT and item.attachment is not None:
        item = replace(item, attachment=clean_document(item.attachment.data, limits))
    plaintext = to_json_bytes(item_resource(item, patient_url))
    return crypto.encrypt(key, plaintext, content_type=crypto.FHIR_JSON, deflate=True)


def create_record(
    session: Session,
    *,
    card: Card,
    pin: str,
    items: Sequence[RecordItem],
    language: str,
    centre: str,
    limits: UploadLimits,
) -> str:
    """Encrypt the holder's record under the card's key; return the recovery code (shown once)."""
    check_pin(pin)
    record_id = card.record_id
    if session.scalar(select(RecordRow.id).where(RecordRow.record_id == record_id)) is not None:
        raise BadRecordRequest(f"card {card.card_code} already has a record")
    key = crypto.file_key(card.record_key, record_id)
    now = clock_of(session).now()
    recovery_code = new_recovery_code()
    row = RecordRow(
        record_id=record_id,
        manifest_id=crypto.manifest_id(key, record_id),
        status="active",
        pin_hash=hash_secret(pin),
        pin_failures=0,
        recovery_hash=hash_secret(recovery_code),
        recovery_failures=0,
        created_at=now,
    )
    session.add(row)
    session.flush()
    patient_id = str(uuid.uuid4())
    summary = summary_bundle(
        card.holder,
        patient_id=patient_id,
        document_id=str(uuid.uuid4()),
        language=language,
        author=centre,
        now=now,
    )
    _add_file(
        session,
        row,
        crypto.encrypt(key, to_json_bytes(summary), content_type=crypto.FHIR_JSON, deflate=True),
        role="summary",
        added_by=centre,
        at=now,
    )
    for item in items:
        jwe = _encrypt_item(key, item, f"urn:uuid:{patient_id}", limits)
        _add_file(session, row, jwe, role="item", added_by=centre, at=now)
    log_access(
        session,
        row,
        event="created",
        actor=audit.KIOSK,
        who=centre,
        facility=centre,
        files=len(items) + 1,
    )
    record_event(
        session,
        "record.update",
        actor=audit.KIOSK,
        subject=audit.record(record_id),
        details={"change": "created", "files": len(items) + 1},
    )
    session.flush()
    return recovery_code


def add_item_file(session: Session, row: RecordRow, jwe: str, *, added_by: str) -> RecordFileRow:
    """Store an item a clinician's browser encrypted; the server checks its shape only."""
    if len(jwe) > MAX_ITEM_JWE_CHARS:
        raise BadRecordRequest(f"an item file is at most {MAX_ITEM_JWE_CHARS} characters")
    header = crypto.parse_header(jwe)
    if header["cty"] != crypto.FHIR_JSON:
        raise BadRecordRequest(f"an item file's content type is {crypto.FHIR_JSON}")
    now = clock_of(session).now()
    file_row = _add_file(session, row, jwe, role="item", added_by=added_by, at=now)
    session.flush()
    return file_row


def add_document(
    session: Session,
    row: RecordRow,
    *,
    key: bytes,
    item: RecordItem,
    patient_url: str,
    limits: UploadLimits,
    added_by: str,
) -> RecordFileRow:
    """Clean and encrypt a document under `key`, which the caller forgets afterwards.

    The key must be this record's: the manifest id derived from it must match.
    """
    if crypto.manifest_id(key, row.record_id) != row.manifest_id:
        raise AccessRefused("this key does not belong to this record")
    if not patient_url.startswith("urn:uuid:") or len(patient_url) != 45:
        raise BadRecordRequest("patient must be the urn:uuid: of the record's Patient")
    jwe = _encrypt_item(key, item, patient_url, limits)
    now = clock_of(session).now()
    file_row = _add_file(session, row, jwe, role="item", added_by=added_by, at=now)
    session.flush()
    return file_row


def item_files(session: Session, row: RecordRow) -> list[RecordFileRow]:
    """The record's files, summary first, then items in the order they were added."""
    files = session.scalars(
        select(RecordFileRow)
        .where(RecordFileRow.record_pk == row.id)
        .order_by(RecordFileRow.role.desc(), RecordFileRow.id)
    )
    return list(files)


def erase_record(session: Session, record_id: str, *, actor: str = audit.SYSTEM) -> bool:
    """Crypto-shredding: delete every file of the record; False when there was nothing to erase.

    Called when a card is revoked. The row stays (without its PIN) so the
    manifest answers 410 Gone and the holder can still read the access log.
    """
    row = session.scalar(select(RecordRow).where(RecordRow.record_id == record_id))
    if row is None or row.status == "erased":
        return False
    if session.get_bind().dialect.name == "sqlite":
        # Overwrite the deleted pages with zeros instead of leaving them in the file's free list.
        session.execute(text("PRAGMA secure_delete = ON"))
    count = len(
        session.scalars(select(RecordFileRow.id).where(RecordFileRow.record_pk == row.id)).all()
    )
    session.execute(delete(RecordFileRow).where(RecordFileRow.record_pk == row.id))
    row.status = "erased"
    row.pin_hash = None
    row.erased_at = clock_of(session).now()
    log_access(session, row, event="erased", actor=audit.KIOSK, who=actor, files=count)
    record_event(
        session,
        "record.erase",
        actor=actor,
        subject=audit.record(record_id),
        details={"files": count},
    )
    session.flush()
    return True


def rekey_record(
    session: Session, *, old_record_id: str, old_record_key: bytes, new_card: Card, centre: str
) -> str:
    """Move a record to a reissued card: decrypt with the old key, encrypt with the new one.

    Runs in memory at the centre while the holder presents the old card (or
    its key is read from the old card's QR code). The summary is rebuilt from
    the new card's holder data, so a corrected name reaches the record. The
    old record is erased; masks, PIN and access log move to the new one.
    Returns a new recovery code: the slip names the card, so a new slip is printed.
    """
    old = find_record(session, record_id=old_record_id)
    old_key = crypto.file_key(old_record_key, old_record_id)
    if crypto.manifest_id(old_key, old_record_id) != old.manifest_id:
        raise AccessRefused("this record key is not the old card's")
    new_key = crypto.file_key(new_card.record_key, new_card.record_id)
    now = clock_of(session).now()
    recovery_code = new_recovery_code()
    new = RecordRow(
        record_id=new_card.record_id,
        manifest_id=crypto.manifest_id(new_key, new_card.record_id),
        status="active",
        pin_hash=old.pin_hash,
        pin_failures=0,
        recovery_hash=hash_secret(recovery_code),
        recovery_failures=0,
        created_at=now,
    )
    session.add(new)
    session.flush()
    for file_row in item_files(session, old):
        opened = crypto.decrypt(old_key, file_row.jwe)
        plaintext = opened.plaintext
        if file_row.role == "summary":
            plaintext = _rebuilt_summary(plaintext, new_card, centre, now)
        moved = _add_file(
            session,
            new,
            crypto.encrypt(new_key, plaintext, content_type=opened.header["cty"], deflate=True),
            role=file_row.role,
            added_by=file_row.added_by,
            at=file_row.added_at,
        )
        moved.masked = file_row.masked
    session.execute(
        update(RecordAccessRow)
        .where(RecordAccessRow.record_pk == old.id)
        .values(record_pk=new.id)
    )
    log_access(session, new, event="rekeyed", actor=audit.KIOSK, who=centre, facility=centre)
    record_event(
        session,
        "record.update",
        actor=audit.KIOSK,
        subject=audit.record(new.record_id),
        details={"change": "rekeyed", "from": audit.record(old_record_id)},
    )
    erase_record(session, old_record_id, actor=audit.KIOSK)
    old.recovery_hash = None
    session.flush()
    return recovery_code


def _rebuilt_summary(plaintext: bytes, card: Card, centre: str, now: datetime) -> bytes:
    bundle = json.loads(plaintext)
    composition, patient = (entry["resource"] for entry in bundle["entry"][:2])
    fresh = summary_bundle(
        card.holder,
        patient_id=patient["id"],
        document_id=composition["id"],
        language=composition.get("language", "en"),
        author=centre,
        now=now,
    )
    return to_json_bytes(fresh)
