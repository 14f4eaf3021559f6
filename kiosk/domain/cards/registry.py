"""Issue, look up and revoke cards in the registry."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cards.errors import CardError
from cards.model import Provenance, record_id, revocation_id
from cards.profile import parse_holder_profile
from kiosk.config import Settings
from kiosk.domain.cards import holder_index, holder_search
from kiosk.domain.clock import clock_of
from kiosk.domain.keys.instance_secrets import load_instance_secrets
from kiosk.domain.keys.keyring import Keyring
from kiosk.domain.printing import queue as printing
from kiosk.domain.publication import counters
from kiosk.domain.records.store import erase_record
from kiosk.models.registry import CardRow, RevocationRow
from signing.issuance import IssuedCard, new_card, sign_and_encode
from signing.revocation import Reason

CARD_ID_PATTERN = re.compile(r"^[0-9A-F]{16}$")
CARD_CODE_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{10}$")
# Crockford base32 reads letters people confuse with digits as those digits.
_CROCKFORD_CONFUSIONS = str.maketrans({"O": "0", "I": "1", "L": "1"})


class RegistryError(CardError):
    """A registry operation cannot be done (unknown card, already revoked, ...)."""

    code = "registry"


def issue_card(
    session: Session,
    settings: Settings,
    keyring: Keyring,
    profile: Any,
    *,
    today: date,
    provenance: Provenance | None = None,
    replaces: str | None = None,
    issuance_key: str | None = None,
) -> IssuedCard:
    """Validate `profile`, sign a new card and record it (no health data stored).

    Every card is signed here. `profile` may not claim a clinician's confirmation
    (`ConfirmationClaimed`): `provenance` is given only by the kiosk, from the
    clinician signed in there, or by a reissue, from the old card's own signature.
    The row keeps the holder's look-up keys and sealed name, and the names of
    the clinician-confirmed fields; `replaces` is the code of a reissued card;
    `issuance_key` the key of the kiosk flow issuing it (a second card with the same key
    fails on the unique column: see `card_issued_for`).
    """
    holder, data = parse_holder_profile(profile, today=today)
    provenance = provenance or Provenance()
    card = new_card(holder, data, provenance, issued=today, validity=settings.card_validity)
    issued = sign_and_encode(card, keyring.issuer_key, settings.card_host)
    secrets = load_instance_secrets(settings)
    row = CardRow(
        card_id=card.card_id,
        card_code=card.card_code,
        issuer_kid=keyring.issuer_key.kid,
        issued=card.issued,
        expires=card.expires,
        status="active",
        created_at=clock_of(session).now(),
        holder_sealed=holder_index.seal_holder(secrets, card.card_id, holder),
        confirmed_fields=",".join(sorted(f.value for f in provenance.confirmed)),
        replaces=replaces,
        issuance_key=None if issuance_key is None else _issuance_digest(issuance_key),
    )
    session.add(row)
    session.flush()
    holder_search.index_holder(session, secrets, row, holder)
    session.flush()
    return issued


def card_issued_for(session: Session, issuance_key: str) -> CardRow | None:
    """The card a kiosk flow with this issuance key has already issued, if any."""
    return session.scalar(
        select(CardRow).where(CardRow.issuance_key == _issuance_digest(issuance_key))
    )


def _issuance_digest(issuance_key: str) -> str:
    # The key itself stays in the sealed flow; the registry keeps only its digest.
    return hashlib.sha256(issuance_key.encode("ascii")).hexdigest()


def normalise_reference(reference: str) -> str:
    """A card id as 16 upper-case hex digits, or a card code as XXXXX-XXXXX.

    Codes are read the Crockford way: any case, with or without the dash or
    spaces, O for 0 and I or L for 1.
    """
    compact = "".join(reference.split()).replace("-", "").upper()
    if CARD_ID_PATTERN.match(compact):
        return compact
    code = compact.translate(_CROCKFORD_CONFUSIONS)
    if CARD_CODE_PATTERN.match(code):
        return f"{code[:5]}-{code[5:]}"
    raise RegistryError(
        f"{reference.strip()!r} is neither a card code (XXXXX-XXXXX) nor a card id "
        "(16 hexadecimal digits)",
        code="bad_card_reference",
    )


def find_card(session: Session, reference: str) -> CardRow:
    """A card by its hex card id or its printed code (XXXXX-XXXXX)."""
    normalised = normalise_reference(reference)
    if len(normalised) == 16:
        row = session.scalar(select(CardRow).where(CardRow.card_id == bytes.fromhex(normalised)))
    else:
        row = session.scalar(select(CardRow).where(CardRow.card_code == normalised))
    if row is None:
        raise RegistryError(f"no card {normalised} in this registry", code="unknown_card")
    return row


def revocation_of(session: Session, row: CardRow) -> RevocationRow | None:
    return session.scalar(
        select(RevocationRow).where(
            RevocationRow.issuer_kid == row.issuer_kid,
            RevocationRow.rid == revocation_id(row.card_id),
        )
    )


def revoke_card(
    session: Session, row: CardRow, reason: Reason, *, today: date, actor: str = "registry"
) -> RevocationRow:
    """Revoke a card, erase its full record (crypto-shredding: the link then answers 410) and
    its waiting or kept print jobs: a revoked card is never printed again. The issuer's
    lists are published again once the transaction commits."""
    if row.status == "revoked":
        raise RegistryError(f"card {row.card_code} is already revoked", code="already_revoked")
    row.status = "revoked"
    revocation = RevocationRow(
        issuer_kid=row.issuer_kid,
        rid=revocation_id(row.card_id),
        counter=counters.take_counter(session, row.issuer_kid),
        reason=reason.value,
        revoked_on=today,
        until=row.expires,
    )
    session.add(revocation)
    erase_record(session, record_id(row.card_id), actor=actor)
    printing.erase_card_jobs(session, row.card_id)
    session.flush()
    return revocation
