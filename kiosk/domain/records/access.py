"""Who may open a record: the holder's PIN (the SHL passcode), a clinician, the holder's code.

Wrong PINs count for the record's whole life (the SMART Health Links rule
against exhaustive search) and each one delays the next attempt. The attempt
is claimed in its own committed transaction *before* the PIN is checked: the
claim counts it and holds the record's PIN until the answer sets the real
delay, so parallel guesses get one check at a time, never a batch at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from cards.model import record_id as record_id_of
from kiosk.config import Settings
from kiosk.db import session_scope
from kiosk.domain import audit
from kiosk.domain.accounts.users import StaffUser
from kiosk.domain.audit import record_event
from kiosk.domain.cards.registry import RegistryError, find_card
from kiosk.domain.clock import clock_of
from kiosk.domain.records.credentials import normalise_recovery_code, secret_matches
from kiosk.domain.records.errors import BadRecordRequest, PasscodeRejected, SignInFailed, Throttled
from kiosk.domain.records.log import BREAK_GLASS_REASONS, clean_label, log_access
from kiosk.domain.records.store import find_record, item_files
from kiosk.models.records import RecordRow

MAX_DELAY_SECONDS = 600
# How long a claimed attempt holds the PIN while it is checked (when wrong PINs delay
# the next attempt at all); its answer replaces the hold with the real delay.
CHECK_HOLD_SECONDS = 60


@dataclass(frozen=True)
class ServedFile:
    file_id: str
    jwe: str
    added_at: datetime


@dataclass(frozen=True)
class OpenedRecord:
    record_id: str
    manifest_id: str
    files: tuple[ServedFile, ...]
    withheld: int
    break_glass: bool


def _served(
    session: Session, row: RecordRow, *, include_masked: bool
) -> tuple[list[ServedFile], int]:
    files = item_files(session, row)
    served = [
        ServedFile(f.file_id, f.jwe, f.added_at)
        for f in files
        if include_masked or not f.masked
    ]
    return served, len(files) - len(served)


def open_with_pin(
    factory: sessionmaker[Session], settings: Settings, manifest_id: str, pin: str, recipient: str
) -> OpenedRecord:
    """Open as the SHL protocol does: PIN as passcode, `recipient` as the facility."""
    now = clock_of(factory).now()
    pin_hash, failures = _claim_attempt(factory, settings, manifest_id, now)
    matched = secret_matches(pin_hash, pin)  # slow (argon2id): outside any transaction
    facility = clean_label(recipient)
    with session_scope(factory) as session:
        row = find_record(session, manifest_id=manifest_id)
        subject = audit.record(row.record_id)
        if matched:
            row.pin_failures = RecordRow.pin_failures - 1  # the attempt was not a wrong one
            row.pin_not_before = None
            served, withheld = _served(session, row, include_masked=False)
            log_access(
                session,
                row,
                event="open",
                actor=audit.HOLDER_PIN,
                who="PIN",
                facility=facility,
                files=len(served),
            )
            record_event(
                session,
                "record.open",
                actor=audit.HOLDER_PIN,
                subject=subject,
                details={"granted": True, "files": len(served)},
            )
            return OpenedRecord(row.record_id, row.manifest_id, tuple(served), withheld, False)
        delay = min(MAX_DELAY_SECONDS, settings.record_pin_delay_seconds * 2 ** (failures - 1))
        # Counted from the answer, not the request: the slow hash must not eat the delay.
        row.pin_not_before = clock_of(session).now() + timedelta(seconds=delay)
        log_access(
            session, row, event="pin_failed", actor=audit.HOLDER_PIN, who="PIN", facility=facility
        )
        record_event(
            session, "record.open", actor=audit.HOLDER_PIN, subject=subject,
            details={"granted": False},
        )
    remaining = settings.record_pin_attempts - failures
    raise PasscodeRejected(
        "wrong PIN" if remaining else "wrong PIN: the PIN is now locked", remaining=remaining
    )


def _claim_attempt(
    factory: sessionmaker[Session], settings: Settings, manifest_id: str, now: datetime
) -> tuple[str | None, int]:
    """Count this attempt as a failure up front and hold the PIN while it is checked, committed.

    Returns the PIN hash and the count. Any other attempt meanwhile is told to wait.
    """
    hold = timedelta(seconds=CHECK_HOLD_SECONDS if settings.record_pin_delay_seconds else 0)
    with session_scope(factory) as session:
        row = find_record(session, manifest_id=manifest_id)
        claimed = session.execute(
            update(RecordRow)
            .where(
                RecordRow.id == row.id,
                RecordRow.pin_failures < settings.record_pin_attempts,
                or_(RecordRow.pin_not_before.is_(None), RecordRow.pin_not_before <= now),
            )
            .values(
                pin_failures=RecordRow.pin_failures + 1,
                pin_not_before=now + hold,
            )
            .execution_options(synchronize_session=False)
        )
        session.refresh(row)
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return row.pin_hash, row.pin_failures
        if row.pin_failures >= settings.record_pin_attempts:
            raise PasscodeRejected(
                "too many wrong PINs: the PIN is locked. The holder can set a new one "
                "with the recovery code; a clinician can sign in instead",
                remaining=0,
            )
        wait = (row.pin_not_before or now) - now
        raise Throttled(
            "too many attempts: wait before trying the PIN again",
            retry_after=max(1, int(wait.total_seconds() + 0.999)),
        )


def open_as_clinician(
    session: Session, manifest_id: str, user: StaffUser, *, break_glass: str | None
) -> OpenedRecord:
    """Open for a signed-in clinician; masked items only with a break-glass reason."""
    if break_glass is not None and break_glass not in BREAK_GLASS_REASONS:
        raise BadRecordRequest(
            f"break-glass reason must be one of {', '.join(BREAK_GLASS_REASONS)}"
        )
    row = find_record(session, manifest_id=manifest_id)
    served, withheld = _served(session, row, include_masked=break_glass is not None)
    event = "break_glass" if break_glass else "open"
    log_access(
        session,
        row,
        event=event,
        actor="clinician",
        who=user.display_name,
        facility=user.facility,
        user_id=user.id,
        reason=break_glass,
        files=len(served),
    )
    record_event(
        session,
        f"record.{event}",
        actor=audit.user(user.id),
        subject=audit.record(row.record_id),
        details={"files": len(served), "reason": break_glass},
    )
    return OpenedRecord(
        row.record_id, row.manifest_id, tuple(served), withheld, break_glass is not None
    )


def sign_in_holder(
    factory: sessionmaker[Session], settings: Settings, card_code: str, recovery_code: str
) -> str:
    """The record id the holder may manage, or SignInFailed/Throttled.

    As for the PIN, the try is claimed (counted, and the lock set by the last
    one) in its own committed transaction before the code is checked, so
    parallel guesses get no more checks than `recovery_attempts`.
    """
    card_code = card_code.strip().upper()
    now = clock_of(factory).now()
    failure = SignInFailed("this card code and recovery code do not match")
    with session_scope(factory) as session:
        try:
            card = find_card(session, card_code)
        except RegistryError:
            raise failure from None
        row = session.scalar(
            select(RecordRow).where(RecordRow.record_id == record_id_of(card.card_id))
        )
        if row is None or row.recovery_hash is None:
            raise failure
        record_pk, recovery_hash = row.id, row.recovery_hash
        if _claim_recovery(session, settings, record_pk, now) is None:
            session.refresh(row)
            locked_until = row.recovery_locked_until or now
            raise Throttled(
                "too many wrong recovery codes: try again later",
                retry_after=int((locked_until - now).total_seconds()) + 1,
            )
    typed = normalise_recovery_code(recovery_code)
    matched = bool(typed) and secret_matches(recovery_hash, typed)
    if not matched:
        raise failure
    with session_scope(factory) as session:
        row = session.get_one(RecordRow, record_pk)
        row.recovery_failures = 0
        row.recovery_locked_until = None
        return row.record_id


def _claim_recovery(
    session: Session, settings: Settings, record_pk: int, now: datetime
) -> int | None:
    """One more recovery-code try if one is left (the last sets the lock): the count, or None."""
    records = RecordRow
    limit = settings.recovery_attempts
    restart = and_(records.recovery_locked_until.is_not(None), records.recovery_locked_until <= now)
    count = case((restart, 1), else_=records.recovery_failures + 1)
    lock = now + timedelta(minutes=settings.recovery_lock_minutes)
    claimed: int | None = session.scalar(
        update(records)
        .where(
            records.id == record_pk,
            or_(
                restart,
                and_(records.recovery_locked_until.is_(None), records.recovery_failures < limit),
            ),
        )
        .values(recovery_failures=count, recovery_locked_until=case((count >= limit, lock)))
        .returning(records.recovery_failures)
        .execution_options(synchronize_session=False)
    )
    return claimed
