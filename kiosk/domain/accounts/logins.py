"""The one sign-in service: every password form (console, kiosk clinician, record page).

Counters live in the database, so every gunicorn worker (and every server
sharing a PostgreSQL registry) sees the same ones; an in-process limiter
would give an attacker N tries per worker and forget them on restart.

- Each attempt first CLAIMS a try, in its own committed transaction, with
  conditional `UPDATE ... SET failures = failures + 1 ... RETURNING`: the
  database hands out at most the limit's number of tries, so N parallel
  requests in any number of workers get at most that many password checks.
  The claim that takes the last try sets the lock itself, so a worker that
  dies while checking leaves a lock that ends, never one that does not.
  A sign-in that succeeds gives its claim back.
- A known account locks for `login_lockout_minutes` after
  `login_max_failures` failures in a row (UserRow.failed_logins/locked_until;
  `ehcard user passwd` or an admin clears it).
- An unknown user name locks exactly the same way (a throttle row keyed by an
  HMAC of the name), so the answers never tell whether a user exists.
- A client address that fails `login_address_max_failures` times within the
  lock-out period is refused without any password check until it ends.
- An unknown name, a disabled account, a role the form does not admit and a
  wrong password cost the same: one argon2 check (a decoy hash when there is
  no account), the role looked at only after the password. Each form's caller
  decides what to tell; the record page and the kiosk say the same for all.
- The audit log names the account (`user:<id>`) or `unknown`, with the
  address: never the typed user name, which may be a mistyped password.
- A successful sign-in opens the server-side session (kiosk.domain.accounts.sessions).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import cache

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import Settings
from kiosk.db import session_scope
from kiosk.domain import audit
from kiosk.domain.accounts.sessions import end_session, open_session
from kiosk.domain.accounts.users import StaffUser, hash_password, password_matches
from kiosk.domain.audit import record_event
from kiosk.domain.clock import clock_of
from kiosk.domain.keys.instance_secrets import load_instance_secrets
from kiosk.models.accounts import UserRow
from kiosk.models.staff import LoginThrottleRow


class Outcome(Enum):
    SIGNED_IN = "signed_in"
    BAD_CREDENTIALS = "bad_credentials"
    WRONG_ROLE = "wrong_role"
    LOCKED = "locked"
    DISABLED = "disabled"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginResult:
    outcome: Outcome
    user: StaffUser | None = None
    token: str | None = None  # the new server-side session's, for the cookie
    retry_after: timedelta = timedelta(0)


@dataclass(frozen=True)
class _Claim:
    """The tries this attempt holds: address counter, and account or name counter.

    `refused` when there was no try left to take: the answer, given without a password check.
    """

    address_key: str
    address_count: int
    user: UserRow | None
    name_key: str | None
    count: int
    refused: LoginResult | None = None


@cache
def _decoy_hash() -> str:
    # Verified against when there is no account, so every case takes one argon2 run.
    return hash_password("decoy password that matches nothing")


def sign_in(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    username: str,
    password: str,
    address: str,
    roles: tuple[str, ...],
    area: str,
    replaces: str | None = None,
) -> LoginResult:
    """Check a sign-in to `area`'s form, which admits `roles`; on success open its session.

    `replaces` is the token of a session this browser already holds: it ends.
    """
    now = clock_of(factory).now()
    claimed = _claim(factory, settings, username, address, now)
    row = claimed.user
    if claimed.refused is not None:
        if claimed.refused.outcome is Outcome.LOCKED:
            with session_scope(factory) as session:
                _audit_failure(session, row, Outcome.LOCKED, address, area)
        return claimed.refused
    # Slow (argon2id) and outside any transaction: the claim is already committed.
    matched = password_matches(row.password_hash if row else _decoy_hash(), password)
    if row is None or not matched:
        outcome = Outcome.BAD_CREDENTIALS
    elif not row.active:
        outcome = Outcome.DISABLED
    elif row.role not in roles:
        outcome = Outcome.WRONG_ROLE
    else:
        outcome = Outcome.SIGNED_IN
    with session_scope(factory) as session:
        if outcome is Outcome.SIGNED_IN and row is not None:
            _give_back(session, settings, claimed)
            end_session(session, replaces, "replaced", now=now)
            token = open_session(session, row.id, area, now=now)
            record_event(
                session, "user.login", actor=audit.user(row.id), subject=audit.user(row.id),
                details={"address": address, "where": area},
            )  # fmt: skip
            return LoginResult(outcome, StaffUser.of(row), token)
        locked = claimed.count >= settings.login_max_failures  # this failure took the last try
        if locked:
            outcome = Outcome.LOCKED
        _audit_failure(session, row, outcome, address, area)
    lockout = timedelta(minutes=settings.login_lockout_minutes)
    return LoginResult(outcome, retry_after=lockout if locked else timedelta(0))


def _claim(
    factory: sessionmaker[Session], settings: Settings, username: str, address: str, now: datetime
) -> _Claim:
    """Take one try from the address and from the account (or unknown name), committed."""
    lockout = timedelta(minutes=settings.login_lockout_minutes)
    with session_scope(factory) as session:
        address_key = _key(settings, f"address:{address}")
        address_count = _claim_counter(
            session, address_key, settings.login_address_max_failures, now, lockout, window=True
        )
        if address_count is None:
            wait = _wait(session, address_key, now, lockout)
            throttled = LoginResult(Outcome.THROTTLED, retry_after=wait)
            return _Claim(address_key, 0, None, None, 0, throttled)
        user = session.scalar(select(UserRow).where(UserRow.username == username))
        name_key = None
        if user is None:
            name_key = _key(settings, f"name:{username.casefold()}")
            count = _claim_counter(session, name_key, settings.login_max_failures, now, lockout)
            locked = lockout if count is not None else _wait(session, name_key, now, lockout)
        else:
            count = _claim_account(session, user.id, settings.login_max_failures, now, lockout)
            session.refresh(user)
            ends = user.locked_until
            locked = ends - now if ends is not None and ends > now else lockout
        if count is None:
            # A locked account or name spends no try of the address.
            _refund_counter(session, address_key)
            refused = LoginResult(Outcome.LOCKED, retry_after=locked)
            return _Claim(address_key, 0, user, name_key, 0, refused)
        return _Claim(address_key, address_count, user, name_key, count)


def _give_back(session: Session, settings: Settings, claim: _Claim) -> None:
    """A right password: the account starts again from zero and the address gets its try back."""
    row = LoginThrottleRow
    took_last = claim.address_count >= settings.login_address_max_failures
    session.execute(
        update(row)
        .where(row.key == claim.address_key, row.failures > 0)
        .values(failures=row.failures - 1, **({"locked_until": None} if took_last else {}))
    )
    if claim.user is not None:
        session.execute(
            update(UserRow)
            .where(UserRow.id == claim.user.id)
            .values(failed_logins=0, locked_until=None)
        )


def _claim_account(
    session: Session, user_id: int, limit: int, now: datetime, lockout: timedelta
) -> int | None:
    """One more try of a known account if it has one left: the new count, else None."""
    users = UserRow
    restart = and_(users.locked_until.is_not(None), users.locked_until <= now)
    count = case((restart, 1), else_=users.failed_logins + 1)
    claim = (
        update(users)
        .where(
            users.id == user_id,
            or_(restart, and_(users.locked_until.is_(None), users.failed_logins < limit)),
        )
        .values(failed_logins=count, locked_until=case((count >= limit, now + lockout)))
        .returning(users.failed_logins)
        .execution_options(synchronize_session=False)
    )
    claimed: int | None = session.scalar(claim)
    return claimed


def _audit_failure(
    session: Session,
    row: UserRow | None,
    outcome: Outcome,
    address: str,
    area: str,
) -> None:
    details: dict[str, str | int | bool | None] = {
        "reason": outcome.value, "known_user": row is not None, "address": address,
        "where": area,
    }  # fmt: skip
    record_event(
        session, "user.login_failed", actor=audit.ANONYMOUS,
        subject=audit.user(row.id) if row is not None else audit.UNKNOWN, details=details,
    )  # fmt: skip


def _key(settings: Settings, what: str) -> str:
    """An HMAC of what is counted: the table lists no addresses and no typed names."""
    secret = load_instance_secrets(settings).throttle_key
    return hmac.new(secret, what.encode(), hashlib.sha256).hexdigest()


def _claim_counter(
    session: Session, key: str, limit: int, now: datetime, lockout: timedelta, *,
    window: bool = False,
) -> int | None:  # fmt: skip
    """One more try on the counter `key` if it has one left: the new count, else None.

    With a `window` (the lock-out period), failures older than it are forgotten;
    without one they add up until a lock, exactly as a known account's do.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(LoginThrottleRow)
        .values(key=key, failures=0, window_start=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    row = LoginThrottleRow
    unlocked = row.locked_until.is_(None)
    restart = and_(row.locked_until.is_not(None), row.locked_until <= now)
    if window:
        restart = or_(restart, and_(unlocked, row.window_start < now - lockout))
    count = case((restart, 1), else_=row.failures + 1)
    claim = (
        update(row)
        .where(row.key == key, or_(restart, and_(unlocked, row.failures < limit)))
        .values(
            failures=count,
            window_start=case((restart, now), else_=row.window_start),
            locked_until=case((count >= limit, now + lockout)),
        )
        .returning(row.failures)
        .execution_options(synchronize_session=False)
    )
    claimed: int | None = session.scalar(claim)
    return claimed


def _refund_counter(session: Session, key: str) -> None:
    session.execute(
        update(LoginThrottleRow)
        .where(LoginThrottleRow.key == key, LoginThrottleRow.failures > 0)
        .values(failures=LoginThrottleRow.failures - 1)
    )


def _wait(session: Session, key: str, now: datetime, default: timedelta) -> timedelta:
    """How long the counter `key` stays locked."""
    ends = session.scalar(
        select(LoginThrottleRow.locked_until).where(LoginThrottleRow.key == key)
    )
    return ends - now if ends is not None and ends > now else default
