"""Console sign-in: password check, lock-out after repeated failures, per-address throttle.

Counters live in the database, so every gunicorn worker (and every server
sharing a PostgreSQL registry) sees the same ones; an in-process limiter
would give an attacker N tries per worker and forget them on restart.

- A known account locks for `login_lockout_minutes` after
  `login_max_failures` failures in a row (UserRow.failed_logins/locked_until;
  `ehcard user passwd` or an admin clears it).
- An unknown user name locks exactly the same way (a throttle row keyed by an
  HMAC of the name), so the answers never tell whether a user exists; its
  password is still hashed, so timing does not tell either.
- A client address that fails `login_address_max_failures` times within the
  lock-out period is refused without any password check until it ends.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import cache

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.auth import hash_password, password_matches
from kiosk.config import Settings
from kiosk.models.accounts import UserRow
from kiosk.models.staff import LoginThrottleRow
from kiosk.services.clock import aware, utc
from kiosk.services.instance_secrets import load_instance_secrets


class Outcome(Enum):
    SIGNED_IN = "signed_in"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    DISABLED = "disabled"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginResult:
    outcome: Outcome
    user: UserRow | None = None
    retry_after: timedelta = timedelta(0)
    # Whether the name belongs to an account: for the audit log, never for the page.
    known_user: bool = False


@cache
def _decoy_hash() -> str:
    # Verified against when the user is unknown, so both cases take one argon2 run.
    return hash_password("decoy password that matches nothing")


def attempt_login(
    session: Session,
    settings: Settings,
    username: str,
    password: str,
    address: str,
    *,
    now: datetime,
) -> LoginResult:
    """Check a sign-in and update the counters, in the caller's transaction."""
    lockout = timedelta(minutes=settings.login_lockout_minutes)
    address_row = _throttle(session, settings, f"address:{address}", now=now, window=lockout)
    address_lock = aware(address_row.locked_until)
    if address_lock is not None and address_lock > now:
        return LoginResult(Outcome.THROTTLED, retry_after=address_lock - now)
    user = session.scalar(select(UserRow).where(UserRow.username == username))
    if user is None:
        return _unknown_user(session, settings, username, password, address_row, now, lockout)
    locked_until = aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        return LoginResult(Outcome.LOCKED, user, locked_until - now, known_user=True)
    if not password_matches(user.password_hash, password):
        _count_address(settings, address_row, now, lockout)
        session.execute(
            update(UserRow)
            .where(UserRow.id == user.id)
            .values(failed_logins=UserRow.failed_logins + 1)
        )
        session.refresh(user)
        if user.failed_logins >= settings.login_max_failures:
            user.failed_logins = 0
            user.locked_until = now + lockout
            return LoginResult(Outcome.LOCKED, user, lockout, known_user=True)
        return LoginResult(Outcome.BAD_CREDENTIALS, user, known_user=True)
    if not user.active:
        return LoginResult(Outcome.DISABLED, user, known_user=True)
    user.failed_logins = 0
    user.locked_until = None
    return LoginResult(Outcome.SIGNED_IN, user, known_user=True)


def _unknown_user(
    session: Session,
    settings: Settings,
    username: str,
    password: str,
    address_row: LoginThrottleRow,
    now: datetime,
    lockout: timedelta,
) -> LoginResult:
    name_row = _throttle(session, settings, f"name:{username.casefold()}", now=now, window=None)
    name_lock = aware(name_row.locked_until)
    if name_lock is not None and name_lock > now:
        return LoginResult(Outcome.LOCKED, retry_after=name_lock - now)
    password_matches(_decoy_hash(), password)
    _count_address(settings, address_row, now, lockout)
    name_row.failures += 1
    if name_row.failures >= settings.login_max_failures:
        name_row.failures = 0
        name_row.locked_until = now + lockout
        return LoginResult(Outcome.LOCKED, retry_after=lockout)
    return LoginResult(Outcome.BAD_CREDENTIALS)


def _count_address(
    settings: Settings, row: LoginThrottleRow, now: datetime, window: timedelta
) -> None:
    row.failures += 1
    if row.failures >= settings.login_address_max_failures:
        row.failures = 0
        row.locked_until = now + window


def _throttle(
    session: Session, settings: Settings, what: str, *, now: datetime, window: timedelta | None
) -> LoginThrottleRow:
    """The counter row for `what`, locked for update and created if new.

    With a `window`, failures older than it are forgotten; without one they add
    up until a lock, exactly as a known account's failed_logins do, so an
    unknown name behaves like an account in every respect.
    """
    secret = load_instance_secrets(settings).throttle_key
    key = hmac.new(secret, what.encode(), hashlib.sha256).hexdigest()
    query = select(LoginThrottleRow).where(LoginThrottleRow.key == key).with_for_update()
    if session.scalar(query) is None:
        try:
            with session.begin_nested():
                session.add(LoginThrottleRow(key=key, failures=0, window_start=now))
        except IntegrityError:
            pass  # another worker created it at the same moment: use theirs
    row = session.scalars(query).one()
    locked = aware(row.locked_until)
    if locked is not None and locked <= now:
        row.locked_until = None
    started = utc(row.window_start)
    if window is not None and row.locked_until is None and now - started > window:
        row.window_start = now
        row.failures = 0
    return row
