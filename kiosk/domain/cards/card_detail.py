"""What the console shows of a card: registry facts, never health data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.config import Settings
from kiosk.domain import audit
from kiosk.domain.audit import recent_events
from kiosk.domain.cards.holder_index import HolderDisplay, HolderSearchError, open_holder
from kiosk.domain.cards.registry import revocation_of
from kiosk.domain.keys.instance_secrets import load_instance_secrets
from kiosk.domain.keys.keyring import Keyring
from kiosk.models.audit import AuditRow
from kiosk.models.registry import CardRow
from signing.revocation import Reason

HISTORY_ACTIONS = frozenset(
    {"card.issue", "card.print", "card.reprint", "card.revoke", "card.reissue"}
)


@dataclass(frozen=True)
class CardDetail:
    code: str
    card_id: str
    status: str
    issued: date
    expires: date
    expired: bool
    issuer_kid: str
    centre: str
    key_status: str
    is_current_key: bool
    confirmed_fields: tuple[str, ...]
    holder: HolderDisplay | None
    revoked_on: date | None
    revoked_reason: Reason | None
    replaces: str | None
    replaced_by: str | None
    history: tuple[AuditRow, ...]


def holder_of(settings: Settings, row: CardRow) -> HolderDisplay | None:
    """The sealed name and birth date, or None for a card recorded without them."""
    if row.holder_sealed is None:
        return None
    try:
        return open_holder(load_instance_secrets(settings), row.card_id, row.holder_sealed)
    except HolderSearchError:
        return None


def card_detail(
    session: Session, settings: Settings, keyring: Keyring, row: CardRow, *, today: date
) -> CardDetail:
    entries = keyring.trust_list.keys_for(row.issuer_kid)
    entry = entries[0] if entries else None
    revocation = revocation_of(session, row)
    successor = session.scalar(select(CardRow.card_code).where(CardRow.replaces == row.card_code))
    history = recent_events(
        session, limit=100, actions=HISTORY_ACTIONS, subjects=audit.card_subjects(row.card_code)
    )
    return CardDetail(
        code=row.card_code,
        card_id=row.card_id.hex(),
        status=row.status,
        issued=row.issued,
        expires=row.expires,
        expired=row.expires < today,
        issuer_kid=row.issuer_kid.hex(),
        centre=entry.centre if entry else "",
        key_status=entry.status.name.lower() if entry else "unknown",
        is_current_key=row.issuer_kid == keyring.issuer_key.kid,
        confirmed_fields=tuple(f for f in row.confirmed_fields.split(",") if f),
        holder=holder_of(settings, row),
        revoked_on=revocation.revoked_on if revocation else None,
        revoked_reason=Reason(revocation.reason) if revocation else None,
        replaces=row.replaces,
        replaced_by=successor,
        history=tuple(reversed(history)),
    )
