"""The print worker: the one owner of a printer, taking queued jobs in order.

Each turn erases what has outlived its grace period, claims the oldest due
job, renders it (card or slip) for the printer's profile and sends it. A
printer fault leaves the job in the fault's status (paper_out, offline,
failed) to be retried with backoff; paper and connection faults are retried
until the job's data is erased, other failures `MAX_ATTEMPTS` times. No
database transaction stays open while the printer works.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from cards import codec, qr
from cards.errors import CardError
from cards.render.escpos import escpos_job
from cards.render.fonts import FontSet
from cards.render.image import render_side, thermal_strip, to_thermal
from cards.render.layout import layout_card
from cards.render.profiles import THERMAL_PROFILES, PrinterProfile, printer_profile
from cards.render.slip import layout_slip
from kiosk.config import ConfigError, Settings
from kiosk.db import session_scope
from kiosk.domain import audit
from kiosk.domain.audit import record_event
from kiosk.domain.cards.card_files import card_fonts
from kiosk.domain.clock import Clock
from kiosk.domain.printing import queue as printing
from kiosk.domain.printing.printers import Printer, PrinterFault, printer_from_setting
from kiosk.models.printing import PrintJobRow
from signing.envelope import open_payload

log = logging.getLogger("ehcard.print")
MAX_ATTEMPTS = 5
BACKOFF_FIRST = timedelta(seconds=2)
BACKOFF_MAX = timedelta(seconds=60)
RETRIED = ("paper_out", "offline", "failed")
LEGACY_PRINTER_FILE = "printer.escpos"  # the file printer before the spool


@dataclass(frozen=True)
class PrintSetup:
    """What a job is rendered with: the printer's profile, the card language, the centre
    and the address of its holder pages."""

    profile: PrinterProfile
    receiving_language: str
    centre: str
    fonts: FontSet
    holder_address: str

    @classmethod
    def from_settings(cls, settings: Settings) -> PrintSetup:
        if settings.printer_profile not in THERMAL_PROFILES:
            raise ConfigError(
                f"EHCARD_PRINTER_PROFILE {settings.printer_profile!r} is not one of "
                f"{', '.join(THERMAL_PROFILES)}"
            )
        profile = printer_profile(settings.printer_profile)
        return cls(
            profile=profile,
            receiving_language=settings.card_language,
            centre=settings.centre_name,
            # Laid out and drawn with the same floors: what is measured is what prints.
            fonts=card_fonts(settings).with_floors(profile.legibility),
            holder_address=settings.holder_address,
        )


def render_job(kind: str, data: dict[str, str], setup: PrintSetup) -> bytes:
    """The ESC/POS bytes of a card job (front, fold, back) or a slip job."""
    language = data["holder_language"]
    if kind == "card":
        _host, payload = qr.parse_qr_text(data["qr_text"])
        card = codec.decode_body(open_payload(payload).body)
        layout = layout_card(
            card,
            qr.make_symbol(data["qr_text"]),
            holder_language=language,
            receiving_language=setup.receiving_language,
            centre=setup.centre,
            profile=setup.profile,
            measure=setup.fonts,
        )
        return escpos_job(thermal_strip(layout, setup.fonts), setup.profile)
    side = layout_slip(
        data["card_code"],
        data["recovery_code"],
        holder_language=language,
        receiving_language=setup.receiving_language,
        centre=setup.centre,
        holder_address=setup.holder_address,
        profile=setup.profile,
        measure=setup.fonts,
    )
    return escpos_job(to_thermal(render_side(side, setup.fonts)), setup.profile)


def backoff(attempts: int) -> timedelta:
    """Wait before retry number `attempts`: 2 s, 4 s, 8 s, ... up to a minute."""
    delay: timedelta = BACKOFF_FIRST * 2 ** max(0, attempts - 1)
    return min(BACKOFF_MAX, delay)


class PrintWorker:
    """Owns `printer`; `run_once()` does one turn, `start()` runs turns in a thread."""

    def __init__(
        self,
        *,
        printer: Printer,
        sessions: sessionmaker[Session],
        setup: PrintSetup,
        grace: timedelta,
        unprinted: timedelta,
        clock: Clock,
        poll_seconds: float = 1.0,
    ) -> None:
        self.printer = printer
        self.sessions = sessions
        self.setup = setup
        self.grace = grace
        self.unprinted = unprinted
        self.clock = clock
        self.poll_seconds = poll_seconds
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def recover(self) -> None:
        """Jobs left "printing" by a worker that died go back to the queue."""
        with session_scope(self.sessions) as session:
            session.execute(
                update(PrintJobRow)
                .where(PrintJobRow.status == "printing")
                .values(status="queued", updated_at=self.clock.now())
            )

    def run_once(self) -> int | None:
        """Erase expired data, then print the oldest due job; its id, or None if none was due."""
        now = self.clock.now()
        with session_scope(self.sessions) as session:
            printing.purge_print_data(session, grace=self.grace, unprinted=self.unprinted, now=now)
        self.erase_spooled()
        with session_scope(self.sessions) as session:
            row = session.scalars(
                select(PrintJobRow)
                .where(
                    PrintJobRow.sealed.is_not(None),
                    (PrintJobRow.status == "queued")
                    | (PrintJobRow.status.in_(RETRIED) & (PrintJobRow.next_attempt_at <= now)),
                )
                .order_by(PrintJobRow.id)
                .limit(1)
            ).first()
            if row is None or not printing.claim(session, row.id, row.status, now):
                return None
            job_id, kind = row.id, row.kind
            data = printing.unseal(row, printing.job_key_of(session))
        try:
            job = render_job(kind, data, self.setup)
        except CardError as exc:
            # Rendering again will not help: staff must look, and reissue or reprint.
            # The code only: a message may quote the card's text (a glyph no font has).
            self._record(job_id, "failed", f"cannot render: {exc.code}", retry=False)
            return job_id
        try:
            self.printer.print_job(job_id, job)
        except PrinterFault as fault:
            self._record(job_id, fault.status, fault.message, retry=True)
        else:
            self._record(job_id, "done", None, retry=False)
        return job_id

    def erase_spooled(self) -> None:
        """Erase the printer's copy (the file printer's spool) of every job whose data is erased."""
        held = self.printer.spooled()
        if not held:
            return
        with session_scope(self.sessions) as session:
            live = set(
                session.scalars(
                    select(PrintJobRow.id).where(
                        PrintJobRow.id.in_(held), PrintJobRow.sealed.is_not(None)
                    )
                )
            )
        self.printer.erase(held - live)

    def _record(self, job_id: int, status: str, error: str | None, *, retry: bool) -> None:
        now = self.clock.now()
        with session_scope(self.sessions) as session:
            row = session.get(PrintJobRow, job_id)
            if row is None:
                return
            row.status, row.last_error, row.updated_at = status, error, now
            if status == "done":
                row.next_attempt_at = None
                row.printed_at = row.printed_at or now
                record_event(
                    session,
                    "card.print",
                    actor=audit.print_worker(self.printer.name),
                    subject=printing.job_subject(session, row),
                    details={"job": job_id, "kind": row.kind, "attempts": row.attempts},
                )
            elif retry and (status != "failed" or row.attempts < MAX_ATTEMPTS):
                row.next_attempt_at = now + backoff(row.attempts)
            else:
                row.next_attempt_at = None  # needs staff: a reprint queues it again
        log.info("print job %s: %s%s", job_id, status, f" ({error})" if error else "")

    def run_forever(self) -> None:
        """Turns until `stop()`; an unexpected error is logged and the next turn tried."""
        self.recover()
        while not self._stopping.is_set():
            try:
                worked = self.run_once()
            except Exception:
                log.exception("print worker turn failed")
                worked = None
            if worked is None:
                self._stopping.wait(self.poll_seconds)

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self.run_forever, name="ehcard-print-worker", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


def build_print_worker(
    settings: Settings, sessions: sessionmaker[Session], clock: Clock
) -> PrintWorker:
    """The worker for the configured printer, not started."""
    legacy = settings.instance / LEGACY_PRINTER_FILE
    if legacy.is_file():
        legacy.unlink()
        log.warning("erased %s: earlier versions appended every job to it, in clear", legacy)
    printer = printer_from_setting(
        settings.printer,
        instance=settings.instance,
        timeout=settings.printer_timeout_seconds,
        job_key=printing.load_job_key(settings),
    )
    return PrintWorker(
        printer=printer,
        sessions=sessions,
        setup=PrintSetup.from_settings(settings),
        grace=timedelta(minutes=settings.print_job_grace_minutes),
        unprinted=timedelta(hours=settings.print_job_unprinted_hours),
        clock=clock,
    )


def print_worker_for(
    settings: Settings, sessions: sessionmaker[Session], clock: Clock, *, testing: bool = False
) -> PrintWorker | None:
    """The app's worker, started in a thread; None when it runs elsewhere.

    EHCARD_PRINT_WORKER "thread" starts it; "external" leaves printing to
    `ehcard print-worker` (the web processes then need no printer and no fonts),
    and so does production whatever the setting (config refuses "thread" there);
    unset in development, it starts except under tests (which drive `run_once`).
    """
    if settings.print_worker == "external" or not settings.is_development:
        return None
    worker = build_print_worker(settings, sessions, clock)
    if settings.print_worker == "thread" or not testing:
        worker.start()
    return worker
