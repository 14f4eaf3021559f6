"""The print queue over a real TCP printer, on SQLite and PostgreSQL: faults, reprints, erasure."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import zxingcpp
from flask import Flask
from PIL import Image, ImageChops
from sqlalchemy import select, text

from app import create_app
from cards.render.image import render_side, to_thermal
from cards.render.slip import layout_slip
from kiosk.context import Services
from kiosk.db import session_scope
from kiosk.domain.clock import MovableClock
from kiosk.domain.printing import queue as printing
from kiosk.domain.printing.printers import FileSpool, NetworkPrinter
from kiosk.domain.printing.queue import JobStatus, PrintJobError
from kiosk.domain.printing.worker import MAX_ATTEMPTS, PrintSetup, PrintWorker
from kiosk.models.printing import PrintJobRow
from kiosk.models.registry import CardRow
from signing.issuance import IssuedCard
from signing.verifier import Verifier
from tests.escpos_stream import parse_job
from tests.kiosk.fake_printer import FakePrinter
from tests.kiosk.print_queue import issue, make_worker


@pytest.fixture
def services(app: Flask) -> Services:
    found: Services = app.extensions["ehcard"]
    return found


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    printer = FakePrinter()
    yield printer
    printer.close()


@pytest.fixture
def clock() -> MovableClock:
    """The print worker's clock, which the tests move on."""
    return MovableClock()


@pytest.fixture
def worker(services: Services, fake_printer: FakePrinter, clock: MovableClock) -> PrintWorker:
    """The print worker on the fake printer, with short timeouts: a stall shows in 0.3 s."""
    network = NetworkPrinter("127.0.0.1", fake_printer.port, timeout=0.3, print_timeout=2.0)
    return make_worker(services, network, clock)


def enqueue(services: Services, issued: IssuedCard, language: str = "ti") -> int:
    with session_scope(services.sessions) as session:
        return printing.enqueue_card(session, issued, holder_language=language)


def status(services: Services, job_id: int) -> JobStatus:
    with session_scope(services.sessions) as session:
        return printing.job_status(session, job_id)


def job_row(services: Services, job_id: int) -> PrintJobRow:
    with session_scope(services.sessions) as session:
        row = session.get(PrintJobRow, job_id)
        assert row is not None
        return row


def assert_printed_card_verifies(
    image: Image.Image, services: Services, issued: IssuedCard
) -> None:
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1
    verified = Verifier(trust_list=services.keyring.trust_list).verify(found[0].text)
    assert verified.card == issued.card


def audit_actions(services: Services) -> list[str]:
    with session_scope(services.sessions) as session:
        return list(session.scalars(text("SELECT action FROM audit_log ORDER BY id")))


def test_card_prints_on_a_network_printer_and_its_qr_verifies(
    services: Services, worker: PrintWorker, fake_printer: FakePrinter
) -> None:
    issued = issue(services)
    job_id = enqueue(services, issued)
    assert status(services, job_id) == JobStatus(
        "queued", 0, printing.MESSAGES["queued"], "card", False
    )
    assert worker.run_once() == job_id
    done = status(services, job_id)
    assert (done.status, done.attempts, done.reprintable) == ("done", 1, True)
    assert len(fake_printer.printed) == 1 and fake_printer.errors == []
    printed = fake_printer.printed[0]
    assert printed.width == 384  # the 58 mm default profile
    assert_printed_card_verifies(printed, services, issued)
    assert audit_actions(services)[-1] == "card.print"
    assert worker.run_once() is None  # nothing left to do


FAULTS = {
    # fault: (how the printer misbehaves, status shown, words of the error kept for staff)
    "paper out": ({"paper": False}, "paper_out", "out of paper"),
    "paper ends mid-job": ({"paper_runs_out_during_job": True}, "paper_out", "during the job"),
    "connection dropped mid-job": ({"close_after_bytes": 6000}, "offline", "connection"),
    "accepts and never reads": ({"stall": True}, "failed", "stalled"),
}


def test_each_printer_fault_keeps_the_job_and_it_prints_once_cleared(
    services: Services, worker: PrintWorker, fake_printer: FakePrinter, clock: MovableClock
) -> None:
    for fault, (behaviour, shown, error) in FAULTS.items():
        issued = issue(services)
        job_id = enqueue(services, issued)
        for name, value in behaviour.items():
            setattr(fake_printer, name, value)
        assert worker.run_once() == job_id
        faulty = status(services, job_id)
        assert (faulty.status, faulty.attempts) == (shown, 1), fault
        assert faulty.message == printing.MESSAGES[shown]
        assert error in (job_row(services, job_id).last_error or ""), fault
        assert worker.run_once() is None, fault  # backing off, not hammering the printer
        fake_printer.paper, fake_printer.stall = True, False
        clock.advance(timedelta(seconds=3))
        assert worker.run_once() == job_id
        assert status(services, job_id).status == "done", fault
        assert_printed_card_verifies(fake_printer.printed.pop(), services, issued)
    closed = FakePrinter()
    closed.close()
    unreachable = make_worker(
        services, NetworkPrinter("127.0.0.1", closed.port, timeout=0.3), clock
    )
    job_id = enqueue(services, issue(services))
    unreachable.run_once()
    assert status(services, job_id).status == "offline"
    assert "cannot reach" in (job_row(services, job_id).last_error or "")


def test_repeated_failures_wait_for_staff_and_reprint_resumes(
    services: Services, worker: PrintWorker, fake_printer: FakePrinter, clock: MovableClock
) -> None:
    job_id = enqueue(services, issue(services))
    fake_printer.stall = True
    worker.printer = NetworkPrinter("127.0.0.1", fake_printer.port, timeout=0.1)
    for _ in range(MAX_ATTEMPTS):
        worker.run_once()
        clock.advance(timedelta(minutes=2))
    row = job_row(services, job_id)
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    assert worker.run_once() is None
    fake_printer.stall = False
    with session_scope(services.sessions) as session:
        printing.reprint(session, job_id, now=clock.now())
    assert status(services, job_id).status == "queued"
    worker.run_once()
    assert status(services, job_id).status == "done"


def test_reprint_within_the_grace_period_then_erasure_and_refusal(
    services: Services, worker: PrintWorker, fake_printer: FakePrinter, clock: MovableClock
) -> None:
    issued = issue(services)
    job_id = enqueue(services, issued)
    worker.run_once()
    clock.advance(timedelta(minutes=10))
    with session_scope(services.sessions) as session:
        printing.reprint(session, job_id, now=clock.now())
    worker.run_once()
    assert len(fake_printer.printed) == 2
    assert_printed_card_verifies(fake_printer.printed[1], services, issued)
    with session_scope(services.sessions) as session:
        cards = session.scalars(select(CardRow)).all()
    assert [card.card_id for card in cards] == [issued.card.card_id]  # reprinted, not reissued
    assert audit_actions(services)[-2:] == ["card.reprint", "card.print"]
    clock.advance(timedelta(minutes=6))  # 16 minutes after the first print
    worker.run_once()  # every turn erases what has outlived its grace
    row = job_row(services, job_id)
    assert row.sealed is None and row.erased_at is not None and row.status == "done"
    assert not status(services, job_id).reprintable
    with (
        session_scope(services.sessions) as session,
        pytest.raises(
            PrintJobError, match=r"erased 15 minutes after printing.*reissue the card"
        ) as caught,
    ):
        printing.reprint(session, job_id, now=clock.now())
    assert caught.value.code == "job_erased"


def test_reprint_is_refused_on_time_and_unprinted_jobs_expire(
    services: Services, worker: PrintWorker, clock: MovableClock
) -> None:
    printed = enqueue(services, issue(services))
    worker.run_once()
    with session_scope(services.sessions) as session, pytest.raises(PrintJobError) as caught:
        printing.reprint(session, printed, now=clock.now() + timedelta(minutes=15))
    assert caught.value.code == "job_erased"  # even before the worker's next turn erases it
    never_printed = enqueue(services, issue(services))
    with session_scope(services.sessions) as session:
        erased = printing.purge_print_data(
            session,
            grace=timedelta(minutes=15),
            unprinted=timedelta(hours=24),
            now=datetime.now(UTC) + timedelta(hours=25),
        )
    assert erased == 2
    expired = status(services, never_printed)
    assert (expired.status, expired.message) == ("expired", printing.MESSAGES["expired"])
    assert job_row(services, printed).sealed is None
    with (
        session_scope(services.sessions) as session,
        pytest.raises(PrintJobError, match="never printed and was erased"),
    ):
        printing.reprint(session, never_printed)


def test_print_data_is_not_in_clear_in_the_database(
    services: Services, app: Flask, tmp_path: Path
) -> None:
    issued = issue(services)
    enqueue(services, issued)
    recovery = "K7PQX2MV9RTABC3D"
    with session_scope(services.sessions) as session:
        printing.enqueue_slip(session, issued.card.card_code, recovery, holder_language="ti")
    secrets = [
        issued.payload,
        issued.card.record_key,
        issued.qr_text.split("#")[1][:40].encode(),
        recovery.encode(),
    ]
    with session_scope(services.sessions) as session:
        sealed = [bytes(row.sealed or b"") for row in session.scalars(select(PrintJobRow))]
    assert len(sealed) == 2
    for secret in secrets:
        assert not any(secret in blob for blob in sealed)
    if services.engine.dialect.name == "sqlite":
        services.engine.dispose()
        files = list(tmp_path.glob("ehcard.sqlite*"))
        stored = b"".join(path.read_bytes() for path in files)
        assert stored and all(secret not in stored for secret in secrets)


def test_slip_prints_apart_from_the_card(
    services: Services, worker: PrintWorker, fake_printer: FakePrinter
) -> None:
    issued = issue(services)
    card_job = enqueue(services, issued)
    with session_scope(services.sessions) as session:
        slip_job = printing.enqueue_slip(
            session, issued.card.card_code, "K7PQX2MV9RTABC3D", holder_language="ar"
        )
    assert (worker.run_once(), worker.run_once()) == (card_job, slip_job)
    assert status(services, slip_job) == JobStatus(
        "done", 1, printing.MESSAGES["done"], "slip", True
    )
    card, slip = fake_printer.printed
    qr_family = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode)
    assert zxingcpp.read_barcodes(slip.convert("L"), formats=qr_family) == []  # no card code
    assert slip.height < card.height


def test_bad_requests_are_refused_with_precise_errors(services: Services) -> None:
    issued = issue(services)
    job_id = enqueue(services, issued)
    with session_scope(services.sessions) as session:
        with pytest.raises(PrintJobError, match="holder language 'xx' is not one of") as caught:
            printing.enqueue_card(session, issued, holder_language="xx")
        assert caught.value.code == "bad_language"
        with pytest.raises(PrintJobError, match="no card ZZZZZ-ZZZZZ") as caught:
            printing.enqueue_slip(session, "ZZZZZ-ZZZZZ", "K7PQ", holder_language="fr")
        assert caught.value.code == "unknown_card"
        with pytest.raises(PrintJobError, match="no print job 999") as caught:
            printing.reprint(session, 999)
        assert caught.value.code == "unknown_job"
        with pytest.raises(PrintJobError, match="is queued: nothing to reprint"):
            printing.reprint(session, job_id)
        with pytest.raises(PrintJobError, match="does not open with this instance's job key"):
            printing.unseal(session.get(PrintJobRow, job_id), bytes(32))  # type: ignore[arg-type]


def test_app_worker_prints_in_its_thread_to_the_instance_spool_by_default(
    app: Flask, services: Services, tmp_path: Path
) -> None:
    worker: PrintWorker = app.extensions["ehcard.print_worker"]
    assert isinstance(worker.printer, FileSpool)
    assert worker.printer.folder == tmp_path / "instance" / "spool"
    issued = issue(services)
    job_id = enqueue(services, issued, "fr")
    with session_scope(services.sessions) as session:
        # As a worker that died mid-job leaves it: the next worker takes it again.
        session.execute(text("UPDATE print_jobs SET status = 'printing'"))
    worker.poll_seconds = 0.05
    worker.start()
    try:
        for _ in range(200):
            if status(services, job_id).status == "done":
                break
            time.sleep(0.05)
    finally:
        worker.stop()
    assert status(services, job_id).status == "done"
    printed, _ = parse_job(worker.printer.read(job_id))
    assert_printed_card_verifies(printed, services, issued)


def test_the_spool_keeps_a_job_as_long_as_its_data_and_no_longer(
    app: Flask, services: Services, clock: MovableClock
) -> None:
    spool = app.extensions["ehcard.print_worker"].printer
    assert isinstance(spool, FileSpool)
    worker = make_worker(services, spool, clock)
    issued = issue(services)
    job_id = enqueue(services, issued)
    worker.run_once()
    printed, _ = parse_job(spool.read(job_id))
    assert_printed_card_verifies(printed, services, issued)
    clock.advance(timedelta(minutes=14))
    worker.run_once()
    assert spool.spooled() == {job_id}  # a misprint may still be reprinted
    clock.advance(timedelta(minutes=1))
    worker.run_once()
    assert job_row(services, job_id).sealed is None
    assert spool.spooled() == set() and list(spool.folder.iterdir()) == []
    # A file whose job is gone (a database restored, a crash mid-write) goes too.
    (spool.folder / "999.escpos.sealed.partial").write_bytes(b"sealed")
    worker.run_once()
    assert list(spool.folder.iterdir()) == []


def test_the_file_earlier_versions_printed_every_job_to_is_erased(tmp_path: Path) -> None:
    legacy = tmp_path / "instance" / "printer.escpos"
    legacy.parent.mkdir()
    legacy.write_bytes(b"\x1b@ every job printed so far")
    app = create_app({"instance": tmp_path / "instance", "TESTING": True})
    app.extensions["ehcard"].engine.dispose()
    assert not legacy.exists()


def test_slip_prints_the_address_of_the_holder_pages_from_the_settings(
    services: Services, worker: PrintWorker, fake_printer: FakePrinter
) -> None:
    settings = services.settings
    assert settings.holder_address == f"https://{settings.card_host.lower()}/holder"
    code = issue(services).card.card_code
    with session_scope(services.sessions) as session:
        printing.enqueue_slip(session, code, "K7PQX2MV9RTABC3D", holder_language="fa")
    worker.run_once()
    (printed,) = fake_printer.printed
    setup = PrintSetup.from_settings(settings)

    def slip_for(address: str) -> Image.Image:
        side = layout_slip(
            code, "K7PQX2MV9RTABC3D", holder_language="fa",
            receiving_language=setup.receiving_language, centre=setup.centre,
            holder_address=address, profile=setup.profile, measure=setup.fonts,
        )  # fmt: skip
        return to_thermal(render_side(side, setup.fonts)).convert("L")

    printed = printed.convert("L").crop((0, 0, setup.profile.dots_wide, slip_for("").height))
    assert ImageChops.difference(printed, slip_for(settings.holder_address)).getbbox() is None
    assert ImageChops.difference(printed, slip_for("https://elsewhere/holder")).getbbox()
