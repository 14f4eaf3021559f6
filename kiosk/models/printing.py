"""The print queue: one row per card or slip to print, its printable data sealed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db import Base, UtcDateTime

JOB_KINDS = ("card", "slip")
JOB_STATUSES = ("queued", "printing", "done", "failed", "paper_out", "offline", "expired")


class PrintJobRow(Base):
    """A print job. `sealed` (the signed payload or the recovery code, with the layout
    inputs) is encrypted with the instance's job key and set to NULL once erased."""

    __tablename__ = "print_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[bytes] = mapped_column(LargeBinary(8), ForeignKey("cards.card_id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    printed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
