"""Finding 5: the file printer is not a record of every card's QR code and recovery code.

Cards and recovery slips are issued through the kiosk over HTTP and printed by
the print worker on the file printer; once the grace period has passed, no file
under the instance or the spool, and no log line, holds a QR payload, a record
key or a recovery code: as text, as bytes, or as a QR code in any image or
ESC/POS raster. Production refuses the file printer unless told it is unsafe.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from app import create_app
from kiosk.config import ConfigError
from kiosk.context import Services
from kiosk.db import session_scope
from kiosk.domain.clock import MovableClock
from kiosk.domain.printing import queue as printing
from kiosk.domain.printing.printers import FileSpool
from kiosk.domain.printing.worker import PrintWorker, build_print_worker, render_job
from kiosk.models.printing import PrintJobRow
from tests.databases import fresh_database
from tests.kiosk.print_queue import make_worker
from tests.kiosk.reception.conftest import Holder
from tests.security.spool_support import CardSecrets, find_leaks, leaks_in
from tests.servers import serving

CARDS = 2


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def _issue_at_the_kiosk(base: str) -> None:
    holder = Holder(base)
    holder.walk_to_review()
    done = holder.post("/kiosk/issue")
    assert done.url.endswith("/kiosk/done"), done.text[:500]


def _secrets(services: Services) -> list[CardSecrets]:
    """Each issued card's QR text and recovery code, from its sealed print jobs."""
    by_card: dict[bytes, dict[str, str]] = {}
    with session_scope(services.sessions) as session:
        for row in session.scalars(select(PrintJobRow).order_by(PrintJobRow.id)):
            by_card.setdefault(row.card_id, {}).update(
                printing.unseal(row, printing.job_key_of(session))
            )
    return [CardSecrets(data["qr_text"], data["recovery_code"]) for data in by_card.values()]


def _print_everything(worker: PrintWorker) -> None:
    while worker.run_once() is not None:
        pass


@pytest.mark.parametrize("printer", ["", "file:{tmp}/spool"])
def test_nothing_on_disk_or_in_the_logs_keeps_a_card_secret_after_the_grace_period(
    tmp_path: Path, database: str, printer: str, caplog: pytest.LogCaptureFixture
) -> None:
    instance, logs = tmp_path / "instance", tmp_path / "logs"
    logs.mkdir()
    log_file = logging.FileHandler(logs / "ehcard.log", encoding="utf-8")
    logging.getLogger().addHandler(log_file)
    caplog.set_level(logging.DEBUG)
    app: Flask = create_app(
        {
            "instance": instance,
            "database_url": database,
            "TESTING": True,
            "printer": printer.format(tmp=tmp_path),
        }
    )
    services: Services = app.extensions["ehcard"]
    try:
        with serving(app) as base:
            for _ in range(CARDS):
                _issue_at_the_kiosk(base)
        secrets = _secrets(services)
        assert len(secrets) == CARDS
        clock = MovableClock()
        worker = make_worker(services, app.extensions["ehcard.print_worker"].printer, clock)
        _print_everything(worker)
        with session_scope(services.sessions) as session:
            jobs = session.scalars(select(PrintJobRow)).all()
            assert [job.status for job in jobs] == ["done"] * 2 * CARDS
            # The search finds what a printed job holds: the QR code in its raster.
            card = next(job for job in jobs if job.kind == "card")
            rendered = render_job("card", printing.unseal(card, printing.job_key_of(session)),
                                  worker.setup)  # fmt: skip
        assert leaks_in("a rendered job", rendered, secrets)

        clock.advance(timedelta(minutes=services.settings.print_job_grace_minutes, seconds=1))
        worker.run_once()

        with session_scope(services.sessions) as session:
            assert all(job.sealed is None for job in session.scalars(select(PrintJobRow)))
        log_file.flush()
        leaks = find_leaks(
            [instance, tmp_path / "spool", logs], [("caplog", caplog.text)], secrets
        )
        assert leaks == []
    finally:
        logging.getLogger().removeHandler(log_file)
        log_file.close()
        services.engine.dispose()


def _production(tmp_path: Path, **settings: str) -> Flask:
    """A production app on keys made by a development instance."""
    development = create_app({"instance": tmp_path / "dev", "TESTING": True})
    development.extensions["ehcard"].engine.dispose()
    keys = tmp_path / "secrets"
    if not keys.exists():
        shutil.copytree(tmp_path / "dev" / "keys", keys)
    return create_app(
        {
            "instance": tmp_path / "prod",
            "mode": "production",
            "TESTING": True,
            "issuer_key_file": str(next(keys.glob("issuer-*.key"))),
            "root_public_key_file": str(keys / "root.pub"),
            "trust_list_file": str(tmp_path / "dev" / "trust.cbor"),
            "secret_key_file": str(keys / "secret_key"),
            "instance_key_file": str(keys / "instance.key"),
            "print_job_key_file": str(keys / "print_job.key"),
            **settings,
        }
    )


@pytest.mark.parametrize("printer", ["", "file:/var/spool/ehcard"])
def test_production_refuses_the_file_printer_unless_told_it_is_unsafe(
    tmp_path: Path, printer: str
) -> None:
    with pytest.raises(ConfigError, match="EHCARD_PRINTER_FILE_UNSAFE"):
        _production(tmp_path, printer=printer)
    app = _production(
        tmp_path, printer=f"file:{tmp_path / 'spool'}", printer_file_unsafe="1"
    )
    services: Services = app.extensions["ehcard"]
    try:
        # The print worker's own process (`ehcard print-worker`) builds it the same way.
        worker = build_print_worker(services.settings, services.sessions, services.clock)
        assert isinstance(worker.printer, FileSpool)
        assert worker.printer.folder == tmp_path / "spool"
    finally:
        app.extensions["ehcard"].engine.dispose()


def test_production_takes_a_real_printer_without_the_unsafe_setting(tmp_path: Path) -> None:
    for printer in ("tcp:192.0.2.7:9100", "usb:04b8:0202", "file:/dev/usb/lp0"):
        app = _production(tmp_path, printer=printer)
        app.extensions["ehcard"].engine.dispose()

