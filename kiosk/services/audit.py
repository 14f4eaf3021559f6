"""Append to and check the hash-chained audit log.

Each row's hash is SHA-256 over the previous row's hash and this row's fields
(canonical JSON), so editing or deleting any row breaks the chain from there
on. Details hold ids and codes only: never health data, never names.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kiosk.models.audit import AuditRow

GENESIS = "0" * 64
ACTIONS = frozenset(
    {
        "card.issue", "card.print", "card.reprint", "card.revoke", "card.reissue",
        "record.open", "record.break_glass", "record.update", "record.mask", "record.erase",
        "holder.pin_change", "holder.revoke", "holder.log_view",
        "user.login", "user.login_failed", "user.logout", "user.add", "user.disable",
        "user.password", "key.rotate", "key.compromised", "trust.sign",
    }
)  # fmt: skip
DetailValue = str | int | bool | None


class AuditError(Exception):
    """The audit chain is broken, or an event is not one the log knows."""


@dataclass(frozen=True)
class ChainProblem:
    row_id: int
    problem: str


def _digest(
    prev_hash: str, at: datetime, action: str, actor: str, subject: str, details: str
) -> str:
    # SQLite hands datetimes back without their zone; every stored time is UTC.
    moment = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
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
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7411)"))
    last = session.scalar(select(AuditRow).order_by(AuditRow.id.desc()).limit(1))
    prev_hash = last.hash if last else GENESIS
    at = datetime.now(UTC)
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
    session.add(row)
    session.flush()
    return row


def verify_chain(session: Session) -> list[ChainProblem]:
    """Every break in the chain: an edited row, a deleted row, a reordered row."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
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
    return problems
