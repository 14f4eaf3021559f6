"""Finding 9: a revoked card is never printed again; only a reissue makes a new one.

The console (HTTP) shows no reprint button on a revoked card's page and answers
a reprint POST with 409; `ehcard reprint` refuses; a job still waiting when its
card is revoked never prints.
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from app import create_app
from kiosk.cli import main
from kiosk.db import session_scope
from kiosk.domain.printing import queue as printing
from kiosk.models.audit import AuditRow
from kiosk.models.printing import PrintJobRow
from signing.issuance import IssuedCard
from tests.kiosk.staff.support import (
    Console,
    issue,
    services_of,
)

REVOKED_REFUSAL = "is revoked: a revoked card is never printed again. Reissue it instead."


def _queued(app: Flask) -> IssuedCard:
    issued = issue(app)
    with session_scope(services_of(app).sessions) as session:
        printing.enqueue_card(session, issued, holder_language="fr")
    return issued


def _print_all(app: Flask) -> None:
    worker = app.extensions["ehcard.print_worker"]
    while worker.run_once() is not None:
        pass


def _card_jobs(app: Flask, issued: IssuedCard) -> list[PrintJobRow]:
    with session_scope(services_of(app).sessions) as session:
        return list(
            session.scalars(select(PrintJobRow).where(PrintJobRow.card_id == issued.card.card_id))
        )


def _reprints(app: Flask, code: str) -> int:
    with session_scope(services_of(app).sessions) as session:
        return len(
            session.scalars(
                select(AuditRow).where(
                    AuditRow.action == "card.reprint", AuditRow.subject == f"card:{code}"
                )
            ).all()
        )


def test_revoked_card_cannot_be_reprinted_from_the_console(
    console_app: Flask, staff: Console
) -> None:
    issued = _queued(console_app)
    code = issued.card.card_code
    _print_all(console_app)
    printed = staff.get(f"/staff/cards/{code}").text
    assert re.search(r'<button type="submit">Reprint</button>', printed)
    revoked = staff.post(f"/staff/cards/{code}/revoke", {"reason": "lost", "confirmed": "yes"})
    assert revoked.status_code == 302
    page = staff.get(f"/staff/cards/{code}").text
    assert f"/staff/cards/{code}/reprint" not in page and ">Reprint<" not in page
    assert "This card is revoked: it is never printed again. Reissue it instead." in page
    assert f"/staff/cards/{code}/reissue" in page
    response = staff.post(f"/staff/cards/{code}/reprint")
    assert response.status_code == 409
    assert REVOKED_REFUSAL in response.text
    assert [job.status for job in _card_jobs(console_app, issued)] == ["done"]
    assert _reprints(console_app, code) == 0


def test_a_job_waiting_when_its_card_is_revoked_never_prints(
    console_app: Flask, staff: Console
) -> None:
    issued = _queued(console_app)
    code = issued.card.card_code
    staff.post(f"/staff/cards/{code}/revoke", {"reason": "stolen", "confirmed": "yes"})
    _print_all(console_app)
    [job] = _card_jobs(console_app, issued)
    assert job.status == "expired" and job.sealed is None and job.printed_at is None


def test_cli_reprints_a_misprint_but_refuses_a_revoked_card(
    cli_instance: tuple[Path, dict[str, str]],
) -> None:
    instance, env = cli_instance
    app = create_app(
        {"instance": instance, "database_url": env["EHCARD_DATABASE_URL"], "TESTING": True}
    )
    try:
        issued = _queued(app)
        _print_all(app)
        code = issued.card.card_code
        runner = CliRunner(env=env)
        misprint = runner.invoke(main, ["--instance", str(instance), "reprint", code])
        assert misprint.exit_code == 0, misprint.output
        assert f"card {code} is queued to print again" in misprint.output
        _print_all(app)
        revoked = runner.invoke(
            main, ["--instance", str(instance), "revoke", code, "--reason", "lost"]
        )
        assert revoked.exit_code == 0, revoked.output
        result = runner.invoke(main, ["--instance", str(instance), "reprint", code])
        assert result.exit_code == 2
        assert REVOKED_REFUSAL in result.output
        assert [job.status for job in _card_jobs(app, issued)] == ["done"]
        assert _reprints(app, code) == 1
    finally:
        services_of(app).engine.dispose()
