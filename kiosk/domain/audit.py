"""Append to and check the hash-chained audit log.

Each row's hash is SHA-256 over the previous row's hash and this row's fields
(canonical JSON), so editing or deleting any row breaks the chain from there
on. A row cut from the end leaves an intact chain, so each append also
rewrites the log's head (row count + newest hash) sealed with an HMAC under
the instance's audit key, which the database does not hold. Details hold ids
and codes only: never health data, never names.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from kiosk.domain.clock import clock_of
from kiosk.models.audit import AuditHeadRow, AuditRow

GENESIS = "0" * 64
# Where a session finds the audit key: sessionmaker(..., info=audit_session_info(key)).
AUDIT_KEY_INFO = "ehcard.audit_key"
HEAD_ID = 1
ACTIONS = frozenset(
    {
        "card.issue", "card.print", "card.reprint", "card.revoke", "card.reissue",
        "record.open", "record.break_glass", "record.update", "record.mask", "record.erase",
        "holder.pin_change", "holder.revoke", "holder.log_view",
        "user.login", "user.login_failed", "user.logout", "user.add", "user.disable",
        "user.password", "key.rotate", "key.compromised", "trust.sign",
        "card.view", "card.search", "user.enable", "user.role", "user.unlock",
        "user.session_end", "trust.export", "trust.import",
    }
)  # fmt: skip
DetailValue = str | int | bool | None

# Who acts and what they act on, spelled one way (rows written before these were settled
# keep theirs: the kiosk's card.issue named the bare card code, a PIN opening "holder-pin").
KIOSK = "kiosk"  # the reception kiosk, no clinician signed in
CLI = "cli"  # an operator's `ehcard` command
HOLDER = "holder"  # the holder, signed in with the recovery code
HOLDER_PIN = "holder_pin"  # whoever typed the record's PIN
ANONYMOUS = "anonymous"  # a sign-in that named no account
SYSTEM = "system"  # the instance itself (expiry, clean-up)
UNKNOWN = "unknown"  # the subject of a sign-in to no account


def user(user_id: int) -> str:
    """A staff account, as actor or subject."""
    return f"user:{user_id}"


def card(card_code: str) -> str:
    return f"card:{card_code}"


def card_subjects(card_code: str) -> tuple[str, str]:
    """Every subject a card's events have: card(code), and the bare code of older issue rows."""
    return card(card_code), card_code


def record(record_id: str) -> str:
    return f"record:{record_id}"


def key(kid_hex: str) -> str:
    return f"key:{kid_hex}"


def print_worker(printer_name: str) -> str:
    return f"print-worker {printer_name}"[:128]


class AuditError(Exception):
    """The audit chain is broken, or an event is not one the log knows."""


@dataclass(frozen=True)
class ChainProblem:
    """A break in the log: `row_id` names the row, or is None for the log's head."""

    row_id: int | None
    problem: str


def audit_session_info(audit_key: bytes) -> dict[str, bytes]:
    """The `info` a sessionmaker needs so that its sessions can append to the log."""
    return {AUDIT_KEY_INFO: audit_key}


def _audit_key(session: Session) -> bytes:
    key = session.info.get(AUDIT_KEY_INFO)
    if not isinstance(key, bytes):
        raise AuditError(
            "this database session has no audit key: make it with "
            "sessionmaker(..., info=audit_session_info(secrets.audit_key))"
        )
    return key


def _head_mac(key: bytes, row_count: int, last_hash: str) -> str:
    return hmac.new(key, f"{row_count}:{last_hash}".encode(), hashlib.sha256).hexdigest()


def _digest(
    prev_hash: str, at: datetime, action: str, actor: str, subject: str, details: str
) -> str:
    moment = at.astimezone(UTC)
    fields = [prev_hash, moment.isoformat(timespec="microseconds"), action, actor, subject, details]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def record_event(
    session: Session,
    action: str,
    *,
    actor: str,
    subject: str = "",
    details: dict[str, DetailValue] | None = None,
) -> AuditRow:
    """Append one event in the caller's transaction; the chain is serialised across writers."""
    if action not in ACTIONS:
        raise AuditError(f"unknown audit action {action!r}")
    key = _audit_key(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7411)"))
    else:
        # SQLite reads outside a write transaction: a write first takes the database's
        # write lock, so no other writer reads the same newest row (a fork of the chain).
        session.execute(
            update(AuditHeadRow)
            .where(AuditHeadRow.id == HEAD_ID)
            .values(row_count=AuditHeadRow.row_count)
        )
    last = session.scalar(select(AuditRow).order_by(AuditRow.id.desc()).limit(1))
    prev_hash = last.hash if last else GENESIS
    at = clock_of(session).now()
    encoded = json.dumps(details or {}, sort_keys=True, ensure_ascii=False)
    row = AuditRow(
        at=at,
        action=action,
        actor=actor,
        subject=subject,
        details=encoded,
        prev_hash=prev_hash,
        hash=_digest(prev_hash, at, action, actor, subject, encoded),
    )
    head = session.get(AuditHeadRow, HEAD_ID)
    if head is None:
        count = session.scalar(select(func.count()).select_from(AuditRow)) or 0
        head = AuditHeadRow(id=HEAD_ID, row_count=count, last_hash=prev_hash, mac="")
        session.add(head)
    session.add(row)
    head.row_count += 1
    head.last_hash = row.hash
    head.mac = _head_mac(key, head.row_count, row.hash)
    session.flush()
    return row


def verify_chain(session: Session) -> list[ChainProblem]:
    """Every break: an edited, deleted or reordered row, a cut tail, a forged head."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    count = 0
    for row in session.scalars(select(AuditRow).order_by(AuditRow.id)):
        if row.prev_hash != expected_prev:
            problems.append(
                ChainProblem(row.id, "previous hash does not match: a row was deleted or edited")
            )
        digest = _digest(row.prev_hash, row.at, row.action, row.actor, row.subject, row.details)
        if digest != row.hash:
            problems.append(
                ChainProblem(row.id, "row content does not match its hash: it was edited")
            )
        expected_prev = row.hash
        count += 1
    problems.extend(_head_problems(session, count, expected_prev))
    return problems


def _head_problems(session: Session, count: int, last_hash: str) -> list[ChainProblem]:
    head = session.get(AuditHeadRow, HEAD_ID)
    if head is None:
        if count == 0:
            return []
        return [ChainProblem(None, f"the log holds {count} rows but its head is missing")]
    problems: list[ChainProblem] = []
    # The seal is checked where the audit key is (the CLI's and the app's sessions
    # carry it); a bare session, say over a restored copy, still checks the rest.
    key = session.info.get(AUDIT_KEY_INFO)
    if isinstance(key, bytes) and not hmac.compare_digest(
        _head_mac(key, head.row_count, head.last_hash), head.mac
    ):
        problems.append(ChainProblem(None, "the head's seal does not match: it was edited"))
    if head.row_count != count:
        problems.append(
            ChainProblem(
                None,
                f"the head records {head.row_count} rows but the log holds {count}: "
                "rows were deleted or added outside ehcard",
            )
        )
    if head.last_hash != last_hash:
        problems.append(
            ChainProblem(None, "the newest row is not the one the head records: the tail was cut")
        )
    return problems


def recent_events(
    session: Session,
    *,
    limit: int = 50,
    before: int | None = None,
    actions: Collection[str] | None = None,
    subjects: Collection[str] | None = None,
) -> list[AuditRow]:
    """The newest events first: older than row `before` when paging, filtered if asked."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditRow.id < before)
    if actions is not None:
        query = query.where(AuditRow.action.in_(sorted(actions)))
    if subjects is not None:
        query = query.where(AuditRow.subject.in_(sorted(subjects)))
    return list(session.scalars(query))
