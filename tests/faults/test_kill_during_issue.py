"""SIGKILL during issuance: no unknown card, no card lost, every job done or waiting."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from app import create_app
from kiosk.db import session_scope
from kiosk.models.printing import PrintJobRow
from kiosk.models.records import RecordRow
from kiosk.models.registry import CardRow
from tests.holder import Holder

ROOT = Path(__file__).resolve().parents[2]


def _kill_at(point: str, instance: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.faults.kill_during_issue", str(instance), database_url,
         point],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


@pytest.fixture
def instance(tmp_path: Path, database_url: str) -> Path:
    app = create_app(
        {"instance": tmp_path / "instance", "database_url": database_url, "TESTING": True}
    )
    app.extensions["ehcard"].engine.dispose()
    return tmp_path / "instance"


def test_killed_between_signing_and_storing_leaves_nothing(
    instance: Path, database_url: str
) -> None:
    result = _kill_at("after-signing", instance, database_url)
    assert result.returncode == -signal.SIGKILL
    assert result.stdout == ""
    app = create_app({"instance": instance, "database_url": database_url, "TESTING": True})
    with session_scope(app.extensions["ehcard"].sessions) as session:
        assert session.scalars(select(CardRow)).all() == []
        assert session.scalars(select(PrintJobRow)).all() == []
        assert session.scalars(select(RecordRow)).all() == []
    app.extensions["ehcard"].engine.dispose()


def test_killed_between_storing_and_printing_prints_after_recovery(
    instance: Path, database_url: str
) -> None:
    result = _kill_at("after-storing", instance, database_url)
    assert result.returncode == -signal.SIGKILL
    card_id = bytes.fromhex(result.stdout.strip())
    app = create_app({"instance": instance, "database_url": database_url, "TESTING": True})
    worker = app.extensions["ehcard.print_worker"]
    with session_scope(app.extensions["ehcard"].sessions) as session:
        card = session.scalar(select(CardRow).where(CardRow.card_id == card_id))
        jobs = session.scalars(
            select(PrintJobRow).where(PrintJobRow.card_id == card_id).order_by(PrintJobRow.id)
        ).all()
        assert card is not None and card.status == "active"
        assert [(job.kind, job.status) for job in jobs] == [("card", "queued"), ("slip", "queued")]
        assert session.scalar(select(RecordRow.status)) == "active"
    assert worker.run_once() is not None
    with session_scope(app.extensions["ehcard"].sessions) as session:
        job = session.scalar(
            select(PrintJobRow).where(PrintJobRow.card_id == card_id, PrintJobRow.kind == "card")
        )
        assert job is not None and job.status == "done"
        job_id = job.id
    assert len(worker.printer.read(job_id)) > 1000
    app.extensions["ehcard"].engine.dispose()


@contextmanager
def _kiosk_process(instance: Path, database_url: str, *mode: str) -> Iterator[
    tuple[subprocess.Popen[str], str]
]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.kiosk_server", str(instance), database_url, *mode],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        assert port, "the kiosk process did not start"
        yield process, f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def _cards(instance: Path, database_url: str) -> list[str]:
    app = create_app({"instance": instance, "database_url": database_url, "TESTING": True})
    try:
        with session_scope(app.extensions["ehcard"].sessions) as session:
            return list(session.scalars(select(CardRow.card_code)))
    finally:
        app.extensions["ehcard"].engine.dispose()


def test_a_retry_after_the_kiosk_died_between_commit_and_answer_shows_the_issued_card(
    instance: Path, database_url: str
) -> None:
    holder = Holder("")
    with _kiosk_process(instance, database_url, "kill-after-issue") as (process, base):
        holder.base = base
        holder.walk_to_review()
        with pytest.raises(requests.ConnectionError):
            holder.post("/kiosk/issue")
        assert process.wait(timeout=30) == -signal.SIGKILL
    [issued] = _cards(instance, database_url)
    with _kiosk_process(instance, database_url) as (_restarted, base):
        holder.base = base
        again = holder.post("/kiosk/issue")
    assert again.status_code == 200 and again.url.endswith("/kiosk/done")
    assert f'class="card-code" dir="ltr">{issued}<' in again.text
    assert _cards(instance, database_url) == [issued]
