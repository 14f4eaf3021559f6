"""Staff accounts: argon2id password hashes, the signed-in user as a value, add and find."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cards.errors import CardError
from kiosk.domain.clock import clock_of
from kiosk.models.accounts import ROLES, UserRow

PASSWORD_MIN_LENGTH = 12
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
        created_at=clock_of(session).now(),
    )
    session.add(row)
    session.flush()
    return row


def find_user(session: Session, username: str) -> UserRow:
    row = session.scalar(select(UserRow).where(UserRow.username == username))
    if row is None:
        raise AccountError(f"no user {username!r}")
    return row


def actor_names(session: Session) -> dict[str, str]:
    """How pages name each staff account the audit log calls `user:ID`: its display name."""
    rows = session.execute(select(UserRow.id, UserRow.username, UserRow.display_name))
    return {f"user:{uid}": display or username for uid, username, display in rows}
