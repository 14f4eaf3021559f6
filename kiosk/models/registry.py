"""The card registry: what the server knows of a card (never its health data)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db import Base, UtcDateTime


class CardRow(Base):
    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[bytes] = mapped_column(LargeBinary(8), unique=True)
    card_code: Mapped[str] = mapped_column(String(11), unique=True, index=True)
    issuer_kid: Mapped[bytes] = mapped_column(LargeBinary(8), index=True)
    issued: Mapped[date] = mapped_column(Date)
    expires: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The version of the name index (holder_index.NAME_INDEX_VERSION) its holder_name_keys
    # rows were made with; None for a card without a sealed name.
    name_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Name and birth date sealed with the instance's name key, shown to staff to confirm.
    holder_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # Names of the clinician-confirmed fields ("allergies,blood_group"), never their values.
    confirmed_fields: Mapped[str] = mapped_column(String(64), default="")
    replaces: Mapped[str | None] = mapped_column(String(11), nullable=True)
    # SHA-256 of the issuance key of the kiosk flow that issued the card (None for the
    # console and the CLI): unique, so a resent final submit cannot issue a second card.
    issuance_key: Mapped[str | None] = mapped_column(
        String(64), unique=True, index=True, nullable=True
    )


class HolderNameKeyRow(Base):
    """One look-up key of a card's holder: HMAC of a name token and the birth year.

    Staff find a holder by any spelling without the registry keeping names in clear
    (kiosk/domain/cards/holder_index.py).
    """

    __tablename__ = "holder_name_keys"
    __table_args__ = (UniqueConstraint("key", "card_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    card_row: Mapped[int] = mapped_column(
        Integer, ForeignKey("cards.id", ondelete="CASCADE"), index=True
    )


class RevocationRow(Base):
    """One revocation, published in its issuer's list at `counter`."""

    __tablename__ = "revocations"
    __table_args__ = (
        UniqueConstraint("issuer_kid", "rid"),
        Index("ix_revocations_issuer_counter", "issuer_kid", "counter"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer_kid: Mapped[bytes] = mapped_column(LargeBinary(8), index=True)
    # The list counter that first carried this entry: a delta after counter k holds the
    # entries with a counter above k.
    counter: Mapped[int] = mapped_column(BigInteger)
    rid: Mapped[bytes] = mapped_column(LargeBinary(8))
    reason: Mapped[int] = mapped_column(Integer)
    revoked_on: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date, nullable=True)


class RevocationListRow(Base):
    """An issuer's revocation list counter, taken by each revocation under the row's lock.

    Revocations of one issuer take counters one after the other in commit order, so a
    verifier that has counter k never misses an entry committed later with a lower one.
    """

    __tablename__ = "revocation_lists"

    issuer_kid: Mapped[bytes] = mapped_column(LargeBinary(8), primary_key=True)
    counter: Mapped[int] = mapped_column(BigInteger)
