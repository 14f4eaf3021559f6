"""`ehcard issue --card/--pdf/--a4` and `ehcard print-worker`, run as a user would."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner, Result
from flask import Flask
from PIL import Image
from pypdf import PdfReader

from kiosk.cli import main
from kiosk.context import Services
from kiosk.db import session_scope
from kiosk.domain.printing import queue as printing
from tests.kiosk.fake_printer import FakePrinter
from tests.kiosk.print_queue import REFERENCE_PROFILE, issue


def run(instance: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--instance", str(instance), *args], catch_exceptions=False)


def test_issue_writes_the_card_as_png_cr80_pdf_and_a4_sheet(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    assert run(instance, "init").exit_code == 0
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(REFERENCE_PROFILE, ensure_ascii=False), "utf-8")
    files = {name: tmp_path / name for name in ("qr.png", "card.png", "card.pdf", "a4.pdf")}
    result = run(
        instance, "issue", str(profile), "--qr", str(files["qr.png"]),
        "--card", str(files["card.png"]), "--pdf", str(files["card.pdf"]),
        "--a4", str(files["a4.pdf"]), "--lang", "ti",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with Image.open(files["card.png"]) as card:
        assert card.width == 1013 and card.height > 2 * 638  # front above back, framed
        assert round(card.info["dpi"][0]) == 300
    verified = run(instance, "verify", "--image", str(files["card.png"]), "--json")
    assert verified.exit_code == 0 and json.loads(verified.output)["card"]["name"] == "ሰላም ተስፋይ"
    pages = PdfReader(io.BytesIO(files["card.pdf"].read_bytes())).pages
    assert [round(float(p.mediabox.width) * 25.4 / 72, 1) for p in pages] == [85.6, 85.6]
    sheet = PdfReader(io.BytesIO(files["a4.pdf"].read_bytes())).pages
    assert len(sheet) == 1 and round(float(sheet[0].mediabox.height) * 25.4 / 72) == 297


def test_issue_refuses_a_language_the_card_cannot_print(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--instance", str(tmp_path), "issue", "-", "--qr", "q.png", "--lang", "xx"]
    )
    assert result.exit_code == 2
    assert "'xx' is not one of" in result.output


def test_print_worker_command_prints_the_queue_until_terminated(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    services: Services = app.extensions["ehcard"]
    issued = issue(services)
    with session_scope(services.sessions) as session:
        job_id = printing.enqueue_card(session, issued, holder_language="ti")
    fake = FakePrinter()
    environment = {
        **os.environ,
        "EHCARD_DATABASE_URL": database_url,
        "EHCARD_PRINTER": fake.setting,
        "EHCARD_INSTANCE": str(tmp_path / "instance"),
    }
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "ehcard"), "print-worker"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not fake.printed:
            time.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
        fake.close()
    assert worker.returncode == 0, output
    assert f"print worker on {fake.setting}" in output and "print worker stopped" in output
    assert len(fake.printed) == 1
    with session_scope(services.sessions) as session:
        assert printing.job_status(session, job_id).status == "done"
