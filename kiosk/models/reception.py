"""Reception flows in progress: sealed answers, kept only until printed, cancelled or idle."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db import Base, UtcDateTime


class FlowRow(Base):
    """One holder's answers, sealed with a key only the kiosk's session cookie can derive."""

    __tablename__ = "reception_flows"

    lookup: Mapped[str] = mapped_column(String(64), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
