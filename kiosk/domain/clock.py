"""The one clock: every expiry, timeout, delay and countdown reads it.

The app holds one (context.Services.clock; tests pass a MovableClock as the
config key CLOCK), the CLI and the print worker build the system clock. Database
sessions carry it in their `info` (kiosk.sessions.session_factory), as they carry
the audit and print job keys, so that what code stamps inside a session (audit
rows, access logs, created_at) reads the same clock as the request that called it.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

CLOCK_INFO = "ehcard.clock"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, aware and in UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """A clock that stands still until it is set or moved on (tests)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._now = _checked(start) if start is not None else datetime.now(UTC)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = _checked(moment)

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta


def _checked(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a clock's time must be aware (UTC)")
    return moment.astimezone(UTC)


def today(clock: Clock) -> date:
    """The current day in UTC, the day cards and trust lists are dated by."""
    return clock.now().date()


def clock_info(clock: Clock) -> dict[str, Any]:
    """`info` for a sessionmaker whose sessions stamp times with `clock`."""
    return {CLOCK_INFO: clock}


def clock_of(sessions: Session | sessionmaker[Session]) -> Clock:
    """The clock a session, or the sessions of a factory, carry (see `clock_info`)."""
    info = sessions.info if isinstance(sessions, Session) else sessions.kw.get("info", {})
    clock = info.get(CLOCK_INFO)
    if clock is None:
        raise RuntimeError(
            "this database session has no clock: make it with "
            "kiosk.sessions.session_factory(settings, engine, clock)"
        )
    found: Clock = clock
    return found
