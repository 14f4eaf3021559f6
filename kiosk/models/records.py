"""Full records: ciphertext only, the holder's PIN and recovery code (hashed), the access log.

Nothing here is readable health data: files are JWE strings under a key the
server does not keep; the access log holds who, where, when and coded reasons.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db import Base, UtcDateTime


class RecordRow(Base):
    __tablename__ = "records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    manifest_id: Mapped[str] = mapped_column(String(43), unique=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | erased
    pin_hash: Mapped[str | None] = mapped_column(String(256), nullable=True)
    pin_failures: Mapped[int] = mapped_column(Integer, default=0)
    pin_not_before: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    recovery_hash: Mapped[str | None] = mapped_column(String(256), nullable=True)
    recovery_failures: Mapped[int] = mapped_column(Integer, default=0)
    recovery_locked_until: Mapped[datetime | None] = mapped_column(
        UtcDateTime, nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class RecordFileRow(Base):
    """One SMART Health Link file: the summary, or one item, as a JWE compact string."""

    __tablename__ = "record_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_pk: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    role: Mapped[str] = mapped_column(String(16))  # summary | item
    jwe: Mapped[str] = mapped_column(Text)
    masked: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[str] = mapped_column(String(160))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RecordAccessRow(Base):
    """One line of the access log the holder reads: who opened or changed the record."""

    __tablename__ = "record_access"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_pk: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    event: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(24))  # clinician | holder_pin | holder | kiosk
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    who: Mapped[str] = mapped_column(String(160), default="")
    facility: Mapped[str] = mapped_column(String(160), default="")
    reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    files: Mapped[int] = mapped_column(Integer, default=0)
