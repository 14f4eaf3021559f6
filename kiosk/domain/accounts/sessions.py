"""Server-side sessions of every sign-in: time-outs, and sign-out that really ends them.

The signed cookie carries a random token; the database keeps its SHA-256
with the start and last-seen times and the form that opened it. A copied
cookie is worthless once the session has ended by sign-out, time-out, or a
change to the account (password, role, disabled).

- "console" (/staff/login): `staff_idle_minutes` idle, `staff_session_hours` at most.
- "kiosk" (/kiosk/clinician-login) and "record" (/records/api/signin):
  `clinician_session_seconds` at most.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kiosk.config import Settings
from kiosk.models.staff import StaffSessionRow

# Last-seen is written at most this often: the idle time-out is this coarse.
TOUCH_INTERVAL = timedelta(seconds=30)
AREAS = ("console", "kiosk", "record")


@dataclass(frozen=True)
class SessionCheck:
    """`ended` is None while the session goes on, else why it ended."""

    ended: str | None
    user_id: int | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user_id: int, area: str, *, now: datetime) -> str:
    """Start a session for `user_id` opened by `area`'s form; returns the cookie's token."""
    if area not in AREAS:
        raise ValueError(f"unknown sign-in area {area!r}")
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSessionRow(
            token_hash=_digest(token), user_id=user_id, area=area, started_at=now,
            last_seen_at=now,
        )
    )  # fmt: skip
    session.flush()
    return token


def check_session(
    session: Session, settings: Settings, token: str | None, user_id: int, *, now: datetime
) -> SessionCheck:
    """Whether the cookie's session still runs; ends it on an idle or absolute time-out."""
    if not token:
        return SessionCheck("missing")
    query = select(StaffSessionRow).where(StaffSessionRow.token_hash == _digest(token))
    row = session.scalar(query)
    if row is None or row.user_id != user_id:
        return SessionCheck("missing")
    if row.ended_at is not None:
        return SessionCheck(row.end_reason or "ended", row.user_id)
    started, seen = row.started_at, row.last_seen_at
    console = row.area == "console"
    longest = (
        timedelta(hours=settings.staff_session_hours)
        if console
        else timedelta(seconds=settings.clinician_session_seconds)
    )
    if now - started > longest:
        return _end(row, "expired", now)
    if console and now - seen > timedelta(minutes=settings.staff_idle_minutes):
        return _end(row, "idle", now)
    if now - seen > TOUCH_INTERVAL:
        row.last_seen_at = now
    return SessionCheck(None, row.user_id)


def end_session(session: Session, token: str | None, reason: str, *, now: datetime) -> None:
    if token:
        session.execute(
            update(StaffSessionRow)
            .where(
                StaffSessionRow.token_hash == _digest(token), StaffSessionRow.ended_at.is_(None)
            )
            .values(ended_at=now, end_reason=reason)
        )


def end_user_sessions(session: Session, user_id: int, reason: str, *, now: datetime) -> int:
    """End every running session of a user (disabled, password reset, role change)."""
    result = session.execute(
        update(StaffSessionRow)
        .where(StaffSessionRow.user_id == user_id, StaffSessionRow.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _end(row: StaffSessionRow, reason: str, now: datetime) -> SessionCheck:
    row.ended_at = now
    row.end_reason = reason
    return SessionCheck(reason, row.user_id)
