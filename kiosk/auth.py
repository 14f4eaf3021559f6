"""Staff accounts: argon2id passwords, Flask-Login sessions and role checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort, request
from flask import session as cookie_session
from flask_login import LoginManager, current_user, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from cards.errors import CardError
from kiosk.models.accounts import ROLES, UserRow

F = TypeVar("F", bound=Callable[..., Any])
PASSWORD_MIN_LENGTH = 12
# The cookie session's key for the server-side session's token (not a secret itself).
TOKEN_KEY = "staff_session"  # noqa: S105 # nosec B105
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class AccountError(CardError):
    """An account operation was refused (unknown user, weak password, bad role...)."""

    code = "account"


@dataclass(frozen=True)
class StaffUser:
    """The logged-in user as Flask-Login sees it (a value, not a live ORM row)."""

    id: int
    username: str
    display_name: str
    role: str
    facility: str

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)

    @classmethod
    def of(cls, row: UserRow) -> StaffUser:
        return cls(row.id, row.username, row.display_name, row.role, row.facility)


def hash_password(password: str) -> str:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise AccountError(f"a password has at least {PASSWORD_MIN_LENGTH} characters")
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def add_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    display_name: str = "",
    facility: str = "",
) -> UserRow:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if session.scalar(select(UserRow).where(UserRow.username == username)) is not None:
        raise AccountError(f"user {username!r} already exists")
    row = UserRow(
        username=username,
        display_name=display_name or username,
        role=role,
        facility=facility,
        password_hash=hash_password(password),
        active=True,
        failed_logins=0,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return row


def find_user(session: Session, username: str) -> UserRow:
    row = session.scalar(select(UserRow).where(UserRow.username == username))
    if row is None:
        raise AccountError(f"no user {username!r}")
    return row


def client_address() -> str:
    """The client's address, as ProxyFix (settings.proxy_hops) sees it: what throttles count."""
    return request.remote_addr or "unknown"


def session_token() -> str | None:
    """The token of this browser's server-side session (kiosk.services.staff_sessions)."""
    token = cookie_session.get(TOKEN_KEY)
    return token if isinstance(token, str) else None


def begin_signed_in(user: StaffUser, token: str) -> None:
    """Sign `user` in for this browser, bound to the server-side session of `token`."""
    login_user(user)
    cookie_session[TOKEN_KEY] = token


def end_signed_in() -> None:
    """Forget the sign-in in this browser (its server-side session is ended by the caller)."""
    logout_user()
    cookie_session.pop(TOKEN_KEY, None)


def role_required(*roles: str) -> Callable[[F], F]:
    """Refuse anonymous users (401 -> login page) and users of other roles (403)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorate


def init_auth(app: Flask, load_row: Callable[[int], UserRow | None]) -> LoginManager:
    manager = LoginManager(app)
    manager.session_protection = "strong"

    @manager.user_loader
    def _load(user_id: str) -> StaffUser | None:
        row = load_row(int(user_id)) if user_id.isdigit() else None
        return StaffUser.of(row) if row is not None and row.active else None

    return manager
