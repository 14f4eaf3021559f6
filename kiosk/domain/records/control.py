"""What the holder controls with the recovery code: masks, the PIN, revoking a lost card."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cards.model import record_id as record_id_of
from kiosk.domain import audit
from kiosk.domain.audit import record_event
from kiosk.domain.cards.registry import find_card, revoke_card
from kiosk.domain.records.credentials import check_pin, hash_secret
from kiosk.domain.records.errors import BadRecordRequest
from kiosk.domain.records.log import log_access
from kiosk.domain.records.store import erase_record, item_files
from kiosk.models.records import RecordFileRow, RecordRow
from signing.revocation import Reason


def set_masks(session: Session, row: RecordRow, masked_file_ids: Collection[str]) -> int:
    """Mask exactly these items (unmask the others); returns how many changed.

    The server never reads the items: a masked item's file is simply not
    served, except to a clinician who breaks the glass.
    """
    items = [f for f in item_files(session, row) if f.role == "item"]
    unknown = set(masked_file_ids) - {f.file_id for f in items}
    if unknown:
        raise BadRecordRequest("some items to hide are not items of this record")
    changed = 0
    for file_row in items:
        wanted = file_row.file_id in masked_file_ids
        if file_row.masked != wanted:
            file_row.masked = wanted
            changed += 1
            log_access(
                session,
                row,
                event="mask" if wanted else "unmask",
                actor=audit.HOLDER,
                who="holder",
                files=1,
            )
    if changed:
        record_event(
            session,
            "record.mask",
            actor=audit.HOLDER,
            subject=audit.record(row.record_id),
            details={"changed": changed},
        )
    session.flush()
    return changed


def change_pin(session: Session, row: RecordRow, new_pin: str) -> None:
    """Set a new PIN; this also unlocks a PIN locked by wrong attempts."""
    check_pin(new_pin)
    row.pin_hash = hash_secret(new_pin)
    row.pin_failures = 0
    row.pin_not_before = None
    log_access(session, row, event="pin_change", actor=audit.HOLDER, who="holder")
    subject = audit.record(row.record_id)
    record_event(session, "holder.pin_change", actor=audit.HOLDER, subject=subject)
    session.flush()


def revoke_lost_card(session: Session, row: RecordRow, card_code: str, *, today: date) -> None:
    """Revoke the card (reason: holder request) and erase its record.

    A new card is issued at a reception centre; its record starts afresh.
    """
    card = find_card(session, card_code)
    if record_id_of(card.card_id) != row.record_id:
        raise BadRecordRequest("this card code is not the card of this record")
    if card.status != "revoked":
        revoke_card(session, card, Reason.HOLDER_REQUEST, today=today)
    log_access(session, row, event="revoked", actor=audit.HOLDER, who="holder")
    record_event(session, "holder.revoke", actor=audit.HOLDER, subject=audit.record(row.record_id))
    erase_record(session, row.record_id, actor=audit.HOLDER)


def masked_ids(session: Session, row: RecordRow) -> set[str]:
    return {
        f.file_id
        for f in session.scalars(
            select(RecordFileRow).where(RecordFileRow.record_pk == row.id, RecordFileRow.masked)
        )
    }
