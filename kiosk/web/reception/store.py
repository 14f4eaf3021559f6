"""Server-side store of reception flows: sealed rows that expire with the idle timeout.

Why a table and not process memory: the server may run several gunicorn
workers (and restart), and a holder's next tap can land on any of them.

Why sealed: the kiosk's session cookie holds one random token; the row's
primary key and its encryption key are both derived from that token, and the
token itself is never stored. The database alone therefore holds no readable
answers, and once the cookie is cleared (finish, cancel, timeout) a row that
survived a crash is unreadable too. Rows are deleted when the flow ends and
swept once their idle time has passed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kiosk.models.reception import FlowRow
from kiosk.web.reception.answers import Answers

TOKEN_BYTES = 32
_LOOKUP_CONTEXT = b"ehcard/reception-flow/lookup/v1"
_KEY_CONTEXT = b"ehcard/reception-flow/key/v1"


def new_token() -> str:
    """A fresh flow token for the session cookie (256 random bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_issuance_key() -> str:
    """A flow's issuance key (256 random bits), made when the flow starts and sealed with it.

    The card issued by the flow is registered under it, so a resent final submit finds
    that card instead of issuing a second one.
    """
    return secrets.token_urlsafe(TOKEN_BYTES)


def _lookup(token: str) -> str:
    return hashlib.sha256(_LOOKUP_CONTEXT + token.encode("ascii")).hexdigest()


def _box(token: str) -> SecretBox:
    return SecretBox(hashlib.sha256(_KEY_CONTEXT + token.encode("ascii")).digest())


def save(session: Session, token: str, answers: Answers, *, now: datetime, idle: timedelta) -> None:
    """Seal `answers` under `token`; the flow now lives until `now + idle`."""
    sealed = bytes(_box(token).encrypt(answers.to_json()))
    row = session.get(FlowRow, _lookup(token))
    if row is None:
        session.add(FlowRow(lookup=_lookup(token), sealed=sealed, expires_at=now + idle))
    else:
        row.sealed = sealed
        row.expires_at = now + idle
    session.flush()


def load(session: Session, token: str, *, now: datetime, idle: timedelta) -> Answers | None:
    """The answers under `token`, or None when the flow ended, expired or was tampered with.

    Opening a flow is the holder's activity: its idle time starts again.
    """
    sweep(session, now=now)
    row = session.scalar(select(FlowRow).where(FlowRow.lookup == _lookup(token)))
    if row is None:
        return None
    try:
        answers = Answers.from_json(_box(token).decrypt(row.sealed))
    except CryptoError:
        session.delete(row)
        session.flush()
        return None
    row.expires_at = now + idle
    return answers


def touch(session: Session, token: str, *, now: datetime, idle: timedelta) -> bool:
    """Push back the expiry of a live flow (the holder is still there); False if it is gone."""
    sweep(session, now=now)
    row = session.get(FlowRow, _lookup(token))
    if row is None:
        return False
    row.expires_at = now + idle
    return True


def wipe(session: Session, token: str) -> None:
    """Delete the flow under `token`, whatever state it is in."""
    session.execute(
        delete(FlowRow).where(FlowRow.lookup == _lookup(token)),
        execution_options={"synchronize_session": "fetch"},
    )


def sweep(session: Session, *, now: datetime) -> int:
    """Delete every flow whose idle time has passed; how many were deleted."""
    # "fetch" drops the deleted rows from the session too, asking the database which.
    result = session.execute(
        delete(FlowRow).where(FlowRow.expires_at <= now),
        execution_options={"synchronize_session": "fetch"},
    )
    return int(getattr(result, "rowcount", 0) or 0)
