"""The access log the holder reads: every opening, change, failed PIN and erasure.

It names people and places (who opened, from which facility) and coded
reasons; it never holds health data. The audit chain gets the same events
with ids only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.clock import clock_of
from kiosk.models.records import RecordAccessRow, RecordRow

EVENTS = frozenset(
    {
        "created", "open", "break_glass", "pin_failed", "update", "mask", "unmask",
        "pin_change", "rekeyed", "erased", "revoked",
    }
)  # fmt: skip
# Why a clinician may open masked items: a short coded list, so no free text
# (which could carry health data) ever reaches the log.
BREAK_GLASS_REASONS = ("unconscious", "cannot_communicate", "life_threatening", "holder_consented")
MAX_LABEL = 160


def clean_label(value: str) -> str:
    """A name or facility as given by a client: printable, one line, bounded."""
    return " ".join("".join(c for c in value if c.isprintable()).split())[:MAX_LABEL]


def log_access(
    session: Session,
    row: RecordRow,
    *,
    event: str,
    actor: str,
    who: str = "",
    facility: str = "",
    user_id: int | None = None,
    reason: str | None = None,
    files: int = 0,
) -> RecordAccessRow:
    if event not in EVENTS:
        raise ValueError(f"unknown access-log event {event!r}")
    entry = RecordAccessRow(
        record_pk=row.id,
        at=clock_of(session).now(),
        event=event,
        actor=actor,
        user_id=user_id,
        who=clean_label(who),
        facility=clean_label(facility),
        reason=reason,
        files=files,
    )
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AccessEntry:
    at: datetime
    event: str
    actor: str
    who: str
    facility: str
    reason: str | None
    files: int


def access_log(session: Session, row: RecordRow) -> list[AccessEntry]:
    """The record's log, newest first."""
    rows = session.scalars(
        select(RecordAccessRow)
        .where(RecordAccessRow.record_pk == row.id)
        .order_by(RecordAccessRow.id.desc())
    )
    return [
        AccessEntry(
            at=r.at,
            event=r.event,
            actor=r.actor,
            who=r.who,
            facility=r.facility,
            reason=r.reason,
            files=r.files,
        )
        for r in rows
    ]
