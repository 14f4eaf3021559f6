"""Reissue a card: revoke the old one (reason `reissued`) and sign a new card id.

The registry keeps no health data, so the new card's contents come from the
old card itself (its QR text, verified against this instance's trust list as
of the day it was issued, so an expired card can be renewed) or from a new
profile made at the kiosk.

A clinician's confirmation is never read from a profile: the new card keeps
only what the old card's own signature says a clinician confirmed, and only
for the fields whose values did not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cards import valuesets
from cards.model import Card, EmergencyData, Provenance
from cards.profile import NO_KNOWN_ALLERGY, parse_holder_profile
from kiosk.config import Settings
from kiosk.domain import audit
from kiosk.domain.audit import record_event
from kiosk.domain.cards.registry import RegistryError, issue_card, revoke_card
from kiosk.domain.keys.keyring import Keyring
from kiosk.domain.records.store import rekey_record
from kiosk.models.records import RecordRow
from kiosk.models.registry import CardRow
from signing.issuance import IssuedCard
from signing.revocation import Reason
from signing.verifier import Verifier


def read_presented_card(settings: Settings, keyring: Keyring, qr_text: str, row: CardRow) -> Card:
    """The card whose QR text the holder presented, checked as `row`'s own.

    Verified as of its recorded issue day: a bad signature, an unknown or
    compromised key, or another card's text is refused; expiry and this
    card's own revocation are not (reissue is how both are mended).
    """
    issue_day = datetime.combine(row.issued, time(12), tzinfo=UTC)
    verifier = Verifier(
        trust_list=keyring.trust_list, clock=lambda: issue_day, skew=settings.clock_skew
    )
    card = verifier.verify(qr_text.strip()).card
    if card.card_id != row.card_id:
        raise RegistryError(
            f"the scanned card is {card.card_code}, not {row.card_code}", code="other_card"
        )
    return card


def card_to_profile(card: Card) -> dict[str, Any]:
    """The profile that `parse_holder_profile` turns back into this card's holder and data.

    It carries no confirmation: `carried_confirmation` is how a reissue keeps one.
    """
    holder, data = card.holder, card.emergency
    profile: dict[str, Any] = {"name": holder.name, "birth_date": holder.birth_date.isoformat()}
    if holder.name_latin is not None:
        profile["name_latin"] = holder.name_latin
    if holder.sex is not None:
        profile["sex"] = holder.sex.value
    if data.blood_group is not None:
        profile["blood_group"] = data.blood_group
    if data.allergies is not None:
        profile["allergies"] = list(data.allergies) or [NO_KNOWN_ALLERGY]
    if data.medications is not None:
        profile["medications"] = list(data.medications)
    if data.conditions is not None:
        profile["conditions"] = list(data.conditions)
    if data.contact is not None:
        profile["emergency_contact"] = {"name": data.contact.name, "phone": data.contact.phone}
    if data.languages:
        profile["languages"] = list(data.languages)
    sensitive = [
        code
        for codes, value_set in (
            (data.allergies, valuesets.allergies()),
            (data.medications, valuesets.medications()),
            (data.conditions, valuesets.conditions()),
        )
        for code in codes or ()
        if code in value_set and value_set[code].sensitive
    ]
    if sensitive:
        profile["include_sensitive"] = sensitive
    return profile


def carried_confirmation(presented: Card, data: EmergencyData) -> Provenance:
    """What the presented (verified) card says a clinician confirmed, for the unchanged fields."""
    kept = frozenset(
        clinical_field
        for clinical_field in presented.provenance.confirmed
        if getattr(data, clinical_field.value) == getattr(presented.emergency, clinical_field.value)
    )
    if not kept:
        return Provenance()
    return Provenance(confirmed=kept, confirmed_by=presented.provenance.confirmed_by)


@dataclass(frozen=True)
class Reissued:
    """The successor card, and the new recovery code when its full record moved with it."""

    issued: IssuedCard
    recovery_code: str | None


def reissue_card(
    session: Session,
    settings: Settings,
    keyring: Keyring,
    row: CardRow,
    profile: Any,
    *,
    source: str,
    actor: str,
    today: date,
    presented: Card | None = None,
) -> Reissued:
    """Issue `row`'s successor and revoke `row` as reissued (unless already revoked).

    When the holder presents the old card (`presented`, read from its QR code),
    the new card keeps its clinician's confirmation of the unchanged fields, and
    its full record is re-encrypted under the new card's key before the old one
    is revoked; without it the record cannot be read, and revoking erases it.
    """
    provenance = Provenance()
    if presented is not None:
        _holder, data = parse_holder_profile(profile, today=today)
        provenance = carried_confirmation(presented, data)
    issued = issue_card(
        session, settings, keyring, profile, today=today, provenance=provenance,
        replaces=row.card_code,
    )  # fmt: skip
    recovery_code = None
    if presented is not None and _has_live_record(session, presented.record_id):
        recovery_code = rekey_record(
            session,
            old_record_id=presented.record_id,
            old_record_key=presented.record_key,
            new_card=issued.card,
            centre=settings.centre_name,
            actor=actor,
        )
    if row.status == "revoked":
        previous_reason = "already_revoked"
    else:
        revoke_card(session, row, Reason.REISSUED, today=today)
        previous_reason = Reason.REISSUED.label
        record_event(
            session, "card.revoke", actor=actor, subject=audit.card(row.card_code),
            details={"reason": Reason.REISSUED.label},
        )  # fmt: skip
    new_code = issued.card.card_code
    record_event(
        session, "card.issue", actor=actor, subject=audit.card(new_code),
        details={"replaces": row.card_code},
    )  # fmt: skip
    record_event(
        session, "card.reissue", actor=actor, subject=audit.card(row.card_code),
        details={"new": new_code, "from": source, "old_status": previous_reason},
    )  # fmt: skip
    return Reissued(issued, recovery_code)


def _has_live_record(session: Session, record_id: str) -> bool:
    status = session.scalar(select(RecordRow.status).where(RecordRow.record_id == record_id))
    return status is not None and status != "erased"
