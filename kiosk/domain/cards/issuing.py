"""Issue a card for a holder at the kiosk: the one place the reception flow calls.

`issue_for_holder` validates the profile (which may not claim a confirmation),
adds the confirmation of the clinician signed in at the kiosk, signs and
registers the card, queues it for printing, creates its encrypted
full record under the holder's PIN, queues the recovery slip and writes the
audit event, all in the caller's transaction: a card is registered if and
only if its print job, its record and its slip job exist. `card_progress`
is what the print status page polls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy.orm import Session

from cards.errors import CardError
from cards.model import ClinicalField, Provenance
from cards.valuesets import UI_LANGUAGES
from kiosk.config import Settings
from kiosk.domain import audit
from kiosk.domain.accounts.users import StaffUser
from kiosk.domain.cards.card_record import record_items
from kiosk.domain.cards.registry import find_card, issue_card
from kiosk.domain.clock import clock_of
from kiosk.domain.keys.keyring import Keyring
from kiosk.domain.printing import queue as printing
from kiosk.domain.records.store import create_record
from kiosk.domain.records.uploads import UploadLimits

CONFIRMING_ROLE = "clinician"


class IssuingServices(Protocol):
    """What issuing needs of the running app (kiosk.context.Services has both)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def keyring(self) -> Keyring: ...


class IssuingError(CardError):
    """The kiosk asked for something issuing refuses (a forged confirmation, a bad language)."""

    code = "issuing"


@dataclass(frozen=True)
class IssueOutcome:
    """What the screens show after issuing: never a name, never health data."""

    card_id: bytes
    card_code: str
    qr_version: int
    expires: date
    confirmed_fields: tuple[str, ...]
    print_job: int
    slip_job: int


@dataclass(frozen=True)
class CardProgress:
    """Where a just-issued card stands, in the shape a print job status will take.

    `state` is one of PROGRESS_STATES; `final` says the screen may stop polling.
    """

    state: str
    attempts: int
    message: str
    final: bool


# "issued" and "revoked" come from the registry; the others are the print
# worker's job states.
PROGRESS_STATES = (
    "issued",
    "revoked",
    "queued",
    "printing",
    "paper_out",
    "offline",
    "done",
    "failed",
)
FINAL_STATES = frozenset({"issued", "revoked", "done", "failed"})


def entered_clinical_fields(profile: dict[str, Any]) -> tuple[str, ...]:
    """The clinical fields that hold an answer a clinician can vouch for.

    "Not asked" (absent or null) and a blood group of "unknown" are not answers.
    """
    entered = []
    for clinical_field in ClinicalField:
        value = profile.get(clinical_field.value)
        if value is None or value == "unknown":
            continue
        entered.append(clinical_field.value)
    return tuple(entered)


def issue_for_holder(
    session: Session,
    services: IssuingServices,
    profile: dict[str, Any],
    *,
    holder_language: str,
    clinician: StaffUser | None,
    pin: str,
    issuance_key: str,
    today: date | None = None,
) -> IssueOutcome:
    """Validate, confirm (clinician mode), sign, register, create the record and audit one card.

    `pin` locks the full record (6 to 12 digits); it goes nowhere else. `issuance_key` is
    the flow's: a second card for the same key fails on the registry's unique column.
    """
    if holder_language not in UI_LANGUAGES:
        raise IssuingError(f"{holder_language!r} is not a kiosk language")
    actor = audit.KIOSK
    provenance = Provenance()
    if clinician is not None:
        if clinician.role != CONFIRMING_ROLE:
            raise IssuingError(
                f"user {clinician.username!r} is not a clinician and cannot confirm items"
            )
        actor = audit.user(clinician.id)
        fields = entered_clinical_fields(profile)
        if fields:
            provenance = Provenance(
                confirmed=frozenset(ClinicalField(f) for f in fields), confirmed_by=clinician.id
            )
    issued = issue_card(
        session,
        services.settings,
        services.keyring,
        profile,
        today=today or clock_of(session).now().date(),
        provenance=provenance,
        issuance_key=issuance_key,
    )
    card = issued.card
    job = printing.enqueue_card(session, issued, holder_language=holder_language)
    recovery_code = create_record(
        session,
        card=card,
        pin=pin,
        items=record_items(card, holder_language, clinician),
        language=holder_language,
        centre=services.settings.centre_name,
        limits=UploadLimits.of(services.settings),
    )
    slip_job = printing.enqueue_slip(
        session, card.card_code, recovery_code, holder_language=holder_language
    )
    confirmed = tuple(f.value for f in ClinicalField if f in card.provenance.confirmed)
    audit.record_event(
        session,
        "card.issue",
        actor=actor,
        subject=audit.card(card.card_code),
        details={
            "issuer": services.keyring.issuer_key.kid.hex(),
            "qr_version": issued.symbol.version,
            "clinician_confirmed": len(confirmed),
        },
    )
    return IssueOutcome(
        card_id=card.card_id,
        card_code=card.card_code,
        qr_version=issued.symbol.version,
        expires=card.expires,
        confirmed_fields=confirmed,
        print_job=job,
        slip_job=slip_job,
    )


def card_progress(session: Session, card_code: str) -> CardProgress:
    """The state of a card issued at this kiosk, as the print status page shows it."""
    row = find_card(session, card_code)
    if row.status != "active":
        return CardProgress(state="revoked", attempts=0, message="", final=True)
    job = printing.latest_job(session, row.card_id)
    if job is None:
        return CardProgress(state="issued", attempts=0, message="", final=True)
    status = printing.job_status(session, job)
    # A job erased after its grace period was printed long ago.
    state = "done" if status.status == "expired" else status.status
    return CardProgress(
        state=state,
        attempts=status.attempts,
        message=status.message,
        final=state in FINAL_STATES,
    )
