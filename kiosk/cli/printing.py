"""`ehcard print-worker`: the print worker in the foreground, owning the printer; and
`ehcard reprint`: a misprinted card's kept job queued again."""

from __future__ import annotations

import logging
import signal
from types import FrameType

import click

from kiosk import db
from kiosk.config import Settings
from kiosk.domain import audit
from kiosk.domain.cards import registry
from kiosk.domain.clock import SystemClock
from kiosk.domain.printing import queue as printing
from kiosk.domain.printing.worker import build_print_worker
from kiosk.sessions import cli_session, session_factory


@click.command("print-worker")
@click.pass_obj
def print_worker(settings: Settings) -> None:
    """Print queued cards and slips on EHCARD_PRINTER until stopped (Ctrl-C, SIGTERM).

    Run one per printer, with EHCARD_PRINT_WORKER=external for the web processes.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    db.upgrade(settings.database_url)
    engine = db.make_engine(settings.database_url)
    clock = SystemClock()
    worker = build_print_worker(settings, session_factory(settings, engine, clock), clock)

    def _stop(_signal: int, _frame: FrameType | None) -> None:
        worker.stop(timeout=0)

    signal.signal(signal.SIGTERM, _stop)
    click.echo(f"print worker on {worker.printer.name} ({settings.printer_profile})")
    try:
        worker.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        engine.dispose()
    click.echo("print worker stopped")


@click.command()
@click.argument("card")
@click.pass_obj
def reprint(settings: Settings, card: str) -> None:
    """Queue CARD's kept print job again (a misprint); a revoked card is never printed again."""
    db.upgrade(settings.database_url)
    with cli_session(settings) as session:
        row = registry.find_card(session, card)
        job = printing.latest_job(session, row.card_id)
        if job is None:
            raise printing.PrintJobError(
                f"no print job is kept for card {row.card_code}: reissue it instead", code="no_job"
            )
        printing.reprint(session, job, actor=audit.CLI)
        code = row.card_code
    click.echo(f"card {code} is queued to print again")
