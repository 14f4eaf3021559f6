"""The print queue: enqueue cards and slips, report their status, reprint, erase.

A job's printable data (the signed payload, which holds the record key, or
the recovery code; and the holder's language) is sealed with the instance's
job key (XChaCha20-Poly1305, the job's card id and kind as associated data)
and erased `print_job_grace_minutes` after the first print: until then a
misprint is reprinted; after that a lost card is reissued, never reprinted.
Jobs that never print are erased after `print_job_unprinted_hours`.

Sessions carry the job key in `session.info` (see `session_info`), so the
functions here take a session like every other service.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from nacl import bindings
from nacl.exceptions import CryptoError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cards.errors import CardError
from cards.valuesets import UI_LANGUAGES
from kiosk.config import ConfigError, Settings
from kiosk.domain import audit
from kiosk.domain.audit import record_event
from kiosk.domain.clock import clock_of
from kiosk.models.printing import PrintJobRow
from kiosk.models.registry import CardRow
from signing.issuance import IssuedCard

JOB_KEY_INFO = "ehcard.print_job_key"
GRACE_INFO = "ehcard.print_job_grace"
JOB_KEY_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_KEYBYTES
NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
AAD_PREFIX = b"ehcard/print-job/v1"
REPRINTABLE = frozenset({"done", "failed", "paper_out", "offline"})
MESSAGES = {
    "queued": "Waiting for the printer.",
    "printing": "Printing now.",
    "done": "Printed.",
    "failed": "Printing failed. Staff can reprint it.",
    "paper_out": "The printer is out of paper. Load a new roll: printing resumes by itself.",
    "offline": "The printer cannot be reached. Check its cable and power: printing resumes by "
    "itself.",
    "expired": "This print was erased. A lost or misprinted card must be reissued.",
}


class PrintJobError(CardError):
    """A print job cannot be made, found or reprinted; the message says what to do."""

    code = "print_job"


@dataclass(frozen=True)
class JobStatus:
    status: str
    attempts: int
    message: str
    kind: str
    reprintable: bool


def load_job_key(settings: Settings) -> bytes:
    """The instance's job key: generated (0600) in development, required in production."""
    if not settings.is_development and settings.print_job_key_file is None:
        raise ConfigError("production mode needs EHCARD_PRINT_JOB_KEY_FILE")
    path = settings.print_job_key_file or settings.keys_dir / "print_job.key"
    if not path.exists():
        if not settings.is_development:
            raise ConfigError(f"production mode needs the print job key file {path}")
        write_job_key(path)
    try:
        key = base64.b64decode(path.read_text("ascii").strip(), validate=True)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the print job key {path}: {exc}") from exc
    if len(key) != JOB_KEY_BYTES:
        raise ConfigError(f"print job key {path} must hold {JOB_KEY_BYTES} bytes (base64)")
    return key


def write_job_key(path: Path) -> None:
    """A new random print job key at `path` (0600); never overwrites one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(secrets.token_bytes(JOB_KEY_BYTES)).decode() + "\n")


def session_info(job_key: bytes, *, grace: timedelta) -> dict[str, Any]:
    """`info` for a sessionmaker whose sessions may enqueue, reprint and print jobs."""
    return {JOB_KEY_INFO: job_key, GRACE_INFO: grace}


def job_key_of(session: Session) -> bytes:
    """The job key a session carries (see `session_info`)."""
    key = session.info.get(JOB_KEY_INFO)
    if not isinstance(key, bytes):
        raise PrintJobError(
            "this database session has no print job key: make sessions with "
            "sessionmaker(..., info=printing.session_info(key))",
            code="no_job_key",
        )
    return key


def _aad(row: PrintJobRow) -> bytes:
    return AAD_PREFIX + row.kind.encode() + row.card_id


def seal(row: PrintJobRow, data: dict[str, str], key: bytes) -> None:
    nonce = secrets.token_bytes(NONCE_BYTES)
    plain = json.dumps(data, separators=(",", ":")).encode()
    row.sealed = nonce + bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plain, _aad(row), nonce, key
    )


def unseal(row: PrintJobRow, key: bytes) -> dict[str, str]:
    """The job's printable data; PrintJobError once erased or if it fails to decrypt."""
    if row.sealed is None:
        raise PrintJobError(f"print job {row.id} was erased", code="job_erased")
    nonce, box = row.sealed[:NONCE_BYTES], row.sealed[NONCE_BYTES:]
    try:
        plain = bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(box, _aad(row), nonce, key)
    except CryptoError as exc:
        raise PrintJobError(
            f"print job {row.id} does not open with this instance's job key", code="job_key"
        ) from exc
    data: dict[str, str] = json.loads(plain)
    return data


def _check_language(language: str) -> None:
    if language not in UI_LANGUAGES:
        raise PrintJobError(
            f"holder language {language!r} is not one of {', '.join(UI_LANGUAGES)}",
            code="bad_language",
        )


def _enqueue(session: Session, card_id: bytes, kind: str, data: dict[str, str]) -> int:
    now = clock_of(session).now()
    row = PrintJobRow(
        card_id=card_id, kind=kind, status="queued", attempts=0, created_at=now, updated_at=now
    )
    seal(row, data, job_key_of(session))
    session.add(row)
    session.flush()
    return row.id


def enqueue_card(session: Session, issued: IssuedCard, *, holder_language: str) -> int:
    """Queue `issued` for printing (its card must be in the registry); the job id."""
    _check_language(holder_language)
    data = {"qr_text": issued.qr_text, "holder_language": holder_language}
    return _enqueue(session, issued.card.card_id, "card", data)


def enqueue_slip(
    session: Session, card_code: str, recovery_code: str, *, holder_language: str
) -> int:
    """Queue the holder's recovery slip for the card `card_code`; the job id."""
    _check_language(holder_language)
    card = session.scalar(select(CardRow).where(CardRow.card_code == card_code))
    if card is None:
        raise PrintJobError(f"no card {card_code} in this registry", code="unknown_card")
    data = {
        "card_code": card_code,
        "recovery_code": recovery_code,
        "holder_language": holder_language,
    }
    return _enqueue(session, card.card_id, "slip", data)


def _job(session: Session, job_id: int) -> PrintJobRow:
    row = session.get(PrintJobRow, job_id)
    if row is None:
        raise PrintJobError(f"no print job {job_id}", code="unknown_job")
    return row


def latest_job(session: Session, card_id: bytes, kind: str = "card") -> int | None:
    """The id of the newest job of `kind` for a card, if any."""
    return session.scalar(
        select(PrintJobRow.id)
        .where(PrintJobRow.card_id == card_id, PrintJobRow.kind == kind)
        .order_by(PrintJobRow.id.desc())
        .limit(1)
    )


def job_status(session: Session, job_id: int) -> JobStatus:
    """What the kiosk screen shows about job `job_id`."""
    row = _job(session, job_id)
    return JobStatus(
        status=row.status,
        attempts=row.attempts,
        message=MESSAGES[row.status],
        kind=row.kind,
        reprintable=row.sealed is not None and row.status in REPRINTABLE,
    )


def reprint(
    session: Session, job_id: int, *, actor: str = audit.KIOSK, now: datetime | None = None
) -> None:
    """Queue job `job_id` again, without reissuing; refused once its data is erased or its
    card is revoked (revocation is final: only a reissue makes a new card).

    `actor` is who asked (the audit log's actor: audit.KIOSK, audit.user(7)).
    """
    now = now or clock_of(session).now()
    grace = session.info.get(GRACE_INFO)
    if not isinstance(grace, timedelta):
        raise PrintJobError("this database session has no print grace period", code="no_job_key")
    row = _job(session, job_id)
    card = session.scalar(select(CardRow).where(CardRow.card_id == row.card_id))
    if card is not None and card.status == "revoked":
        raise PrintJobError(
            f"card {card.card_code} is revoked: a revoked card is never printed again. "
            "Reissue it instead.",
            code="card_revoked",
        )
    printed = row.printed_at
    # Refused on time, whether or not the worker has erased the data yet.
    if printed is not None and (row.sealed is None or now >= printed + grace):
        raise PrintJobError(
            f"print job {job_id} was erased {int(grace.total_seconds() // 60)} minutes after "
            "printing, with the card's keys: reissue the card instead",
            code="job_erased",
        )
    if row.sealed is None:
        raise PrintJobError(
            f"print job {job_id} never printed and was erased: reissue the card instead",
            code="job_erased",
        )
    if row.status not in REPRINTABLE:
        raise PrintJobError(f"print job {job_id} is {row.status}: nothing to reprint", code="busy")
    row.status, row.attempts, row.next_attempt_at, row.updated_at = "queued", 0, None, now
    record_event(
        session,
        "card.reprint",
        actor=actor,
        subject=job_subject(session, row),
        details={"job": job_id, "kind": row.kind},
    )
    session.flush()


def job_subject(session: Session, row: PrintJobRow) -> str:
    """The audit subject of a job: its card's code (never the holder)."""
    code = session.scalar(select(CardRow.card_code).where(CardRow.card_id == row.card_id))
    return audit.card(str(code))


def _erase(row: PrintJobRow, now: datetime) -> None:
    row.sealed, row.erased_at, row.updated_at = None, now, now
    if row.status != "done":
        row.status = "expired"


def purge_print_data(
    session: Session, *, grace: timedelta, unprinted: timedelta, now: datetime | None = None
) -> int:
    """Erase the data of jobs printed more than `grace` ago, or never printed for `unprinted`."""
    now = now or clock_of(session).now()
    printed_before, created_before = now - grace, now - unprinted
    rows = session.scalars(
        select(PrintJobRow).where(
            PrintJobRow.sealed.is_not(None),
            PrintJobRow.status != "printing",
            (PrintJobRow.printed_at <= printed_before)
            | (PrintJobRow.printed_at.is_(None) & (PrintJobRow.created_at <= created_before)),
        )
    ).all()
    for row in rows:
        _erase(row, now)
    session.flush()
    return len(rows)


def erase_card_jobs(session: Session, card_id: bytes, *, now: datetime | None = None) -> int:
    """Erase the kept data of every job of a card (card and slip): a revoked card never prints."""
    now = now or clock_of(session).now()
    rows = session.scalars(
        select(PrintJobRow).where(PrintJobRow.card_id == card_id, PrintJobRow.sealed.is_not(None))
    ).all()
    for row in rows:
        _erase(row, now)
    session.flush()
    return len(rows)


def claim(session: Session, job_id: int, status: str, now: datetime) -> bool:
    """Take job `job_id` for printing if it is still `status`; False if another worker has."""
    result = session.execute(
        update(PrintJobRow)
        .where(PrintJobRow.id == job_id, PrintJobRow.status == status)
        .values(status="printing", attempts=PrintJobRow.attempts + 1, updated_at=now)
    )
    return bool(getattr(result, "rowcount", 0) == 1)
