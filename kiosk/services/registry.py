"""Issue, look up and revoke cards in the registry; publish revocation lists."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cards.errors import CardError
from cards.model import record_id, revocation_id
from cards.profile import parse_profile
from kiosk.config import Settings
from kiosk.models.registry import CardRow, RevocationRow
from kiosk.records.store import erase_record
from kiosk.services.keyring import Keyring
from signing.issuance import IssuedCard, new_card, sign_and_encode
from signing.revocation import Reason, Revocation, RevocationList, sign_revocation_list

CARD_REF_PATTERN = re.compile(r"^(?:[0-9a-f]{16}|[0-9A-HJKMNP-TV-Z]{5}-?[0-9A-HJKMNP-TV-Z]{5})$")


class RegistryError(CardError):
    """A registry operation cannot be done (unknown card, already revoked, ...)."""

    code = "registry"


def issue_card(
    session: Session, settings: Settings, keyring: Keyring, profile: Any, *, today: date
) -> IssuedCard:
    """Validate `profile`, sign a new card and record it (no health data stored)."""
    holder, data, provenance = parse_profile(profile, today=today)
    card = new_card(holder, data, provenance, issued=today, validity=settings.card_validity)
    issued = sign_and_encode(card, keyring.issuer_key, settings.card_host)
    session.add(
        CardRow(
            card_id=card.card_id,
            card_code=card.card_code,
            issuer_kid=keyring.issuer_key.kid,
            issued=card.issued,
            expires=card.expires,
            status="active",
            created_at=datetime.now(UTC),
        )
    )
    session.flush()
    return issued


def find_card(session: Session, reference: str) -> CardRow:
    """A card by its hex card id or its printed code (XXXXX-XXXXX)."""
    reference = reference.strip()
    normalised = reference.upper().replace("-", "")
    if not CARD_REF_PATTERN.match(
        reference.lower() if len(normalised) == 16 else reference.upper()
    ):
        raise RegistryError(f"{reference!r} is neither a card id (16 hex digits) nor a card code")
    if len(normalised) == 16:
        row = session.scalar(select(CardRow).where(CardRow.card_id == bytes.fromhex(normalised)))
    else:
        code = f"{normalised[:5]}-{normalised[5:]}"
        row = session.scalar(select(CardRow).where(CardRow.card_code == code))
    if row is None:
        raise RegistryError(f"no card {reference} in this registry", code="unknown_card")
    return row


def revoke_card(
    session: Session, row: CardRow, reason: Reason, *, today: date, actor: str = "registry"
) -> RevocationRow:
    """Revoke a card and erase its full record (crypto-shredding): the link then answers 410."""
    if row.status == "revoked":
        raise RegistryError(f"card {row.card_code} is already revoked", code="already_revoked")
    row.status = "revoked"
    revocation = RevocationRow(
        issuer_kid=row.issuer_kid,
        rid=revocation_id(row.card_id),
        reason=reason.value,
        revoked_on=today,
        until=row.expires,
    )
    session.add(revocation)
    erase_record(session, record_id(row.card_id), actor=actor)
    session.flush()
    return revocation


def revocation_list(
    session: Session, keyring: Keyring, issuer_kid: bytes, *, since: int = 0, today: date
) -> bytes:
    """The signed list of `issuer_kid`'s revocations (entries after `since` for a delta)."""
    counter = (
        session.scalar(
            select(func.coalesce(func.max(RevocationRow.id), 0)).where(
                RevocationRow.issuer_kid == issuer_kid
            )
        )
        or 0
    )
    rows = session.scalars(
        select(RevocationRow).where(
            RevocationRow.issuer_kid == issuer_kid, RevocationRow.id > since
        )
    )
    entries = tuple(Revocation(r.rid, Reason(r.reason), r.revoked_on, r.until) for r in rows)
    revocations = RevocationList(
        issuer_kid=issuer_kid,
        counter=counter,
        issued=today,
        entries=entries,
        since=since if since < counter else 0,
    )
    issuer_key = keyring.issuer_keys.get(issuer_kid)
    if issuer_key is None:
        raise RegistryError(f"no private key for issuer {issuer_kid.hex()} on this server")
    return sign_revocation_list(revocations, issuer_key)
