"""Sign-ins: server-side sessions (console, kiosk, record page) and login throttles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db import Base, UtcDateTime


class StaffSessionRow(Base):
    """One sign-in. The cookie holds a random token; this row holds its hash.

    Kept on the server so that logout, idle and absolute time-outs and a
    disabled account end the session in every worker, whatever the cookie says.
    `area` is the form that opened it ("console", "kiosk", "record"): it sets
    the session's time-outs.
    """

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    area: Mapped[str] = mapped_column(String(16), default="console")
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)


class LoginThrottleRow(Base):
    """Failed sign-ins counted per client address or per unknown user name.

    `key` is an HMAC of what is counted, so the table lists no addresses and
    no mistyped passwords entered as user names.
    """

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
