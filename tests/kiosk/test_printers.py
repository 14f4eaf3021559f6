"""Printer backends named by EHCARD_PRINTER, their faults, and the job key's settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app import create_app
from kiosk.config import ConfigError, load_settings
from kiosk.domain.printing.printers import (
    DevicePrinter,
    FileSpool,
    NetworkPrinter,
    PrinterFault,
    UsbPrinter,
    paper_out_after,
    paper_out_now,
    printer_from_setting,
    spool_key,
)
from kiosk.domain.printing.queue import load_job_key
from tests.escpos_stream import parse_job
from tests.kiosk.fake_printer import FakePrinter

INSTANCE = Path("/srv/ehcard/instance")
JOB_KEY = bytes(range(32))
JOB = b"\x1b@\x1dv0\x00\x01\x00\x02\x00\x80\x01\x1dV\x01"  # a 8x2 raster: two dots, then cut


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    printer = FakePrinter()
    yield printer
    printer.close()


@pytest.mark.parametrize(
    ("setting", "printer"),
    [
        ("", FileSpool(INSTANCE / "spool", spool_key(JOB_KEY))),
        ("file:/var/spool/ehcard", FileSpool(Path("/var/spool/ehcard"), spool_key(JOB_KEY))),
        ("file:/dev/usb/lp0", DevicePrinter(Path("/dev/usb/lp0"))),
        ("tcp:192.168.1.50", NetworkPrinter("192.168.1.50", 9100, timeout=5)),
        ("tcp:printer.local:9101", NetworkPrinter("printer.local", 9101, timeout=5)),
        ("tcp:[fd00::7]:9100", NetworkPrinter("fd00::7", 9100, timeout=5)),
        ("usb:04b8:0202", UsbPrinter(0x04B8, 0x0202, timeout=5)),
    ],
)
def test_printer_setting_names_a_backend(setting: str, printer: object) -> None:
    assert printer_from_setting(setting, instance=INSTANCE, timeout=5, job_key=JOB_KEY) == printer


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("lpt1", "is not file:FOLDER, file:/dev/DEVICE, tcp:HOST"),
        ("file:", "is not file:FOLDER"),
        ("tcp:", "is not file:FOLDER"),
        ("tcp:printer:99999", "port 99999 is out of range"),
        ("usb:4b8:202", "hexadecimal, e.g. usb:04b8:0202"),
    ],
)
def test_bad_printer_setting_is_named(setting: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        printer_from_setting(setting, instance=INSTANCE, timeout=5, job_key=JOB_KEY)


@pytest.mark.parametrize(
    ("answer", "out"), [(0x12, False), (0x1E, False), (0x72, True), (0x7E, True)]
)
def test_real_time_paper_status_bits(answer: int, out: bool) -> None:
    assert paper_out_now(answer) is out  # DLE EOT 4: 0x0C near end, 0x60 paper end


@pytest.mark.parametrize(("answer", "out"), [(0x00, False), (0x03, False), (0x0F, True)])
def test_in_sequence_paper_status_bits(answer: int, out: bool) -> None:
    assert paper_out_after(answer) is out  # GS r 1: 0x03 near end, 0x0C paper end


def test_network_printer_sends_the_job_between_two_status_queries(
    fake_printer: FakePrinter,
) -> None:
    NetworkPrinter("127.0.0.1", fake_printer.port, timeout=1).print_job(1, JOB)
    assert fake_printer.errors == []
    printed, _ = parse_job(JOB)
    assert [p.tobytes() for p in fake_printer.printed] == [printed.tobytes()]


def test_network_printer_without_paper_sends_nothing(fake_printer: FakePrinter) -> None:
    fake_printer.paper = False
    with pytest.raises(PrinterFault, match="out of paper") as caught:
        NetworkPrinter("127.0.0.1", fake_printer.port, timeout=1).print_job(1, JOB)
    assert caught.value.status == "paper_out"
    assert fake_printer.printed == []


def test_absent_usb_printer_is_offline() -> None:
    with pytest.raises(PrinterFault, match="no USB printer usb:04b8:0e15") as caught:
        UsbPrinter(0x04B8, 0x0E15, timeout=0.5).print_job(1, JOB)
    assert caught.value.status == "offline"


def test_file_printer_spools_each_job_sealed_in_its_own_private_file(tmp_path: Path) -> None:
    spool = FileSpool(tmp_path / "spool", spool_key(JOB_KEY))
    spool.print_job(7, JOB)
    spool.print_job(8, JOB[:-1])
    spool.print_job(8, JOB)  # a reprint replaces the job's file
    assert spool.spooled() == {7, 8}
    assert spool.folder.stat().st_mode & 0o777 == 0o700
    for job_id in (7, 8):
        assert spool.path(job_id).stat().st_mode & 0o777 == 0o600
        assert JOB not in spool.path(job_id).read_bytes()
        assert spool.read(job_id) == JOB
    with pytest.raises(PrinterFault, match="job 7 is not in"):
        FileSpool(spool.folder, spool_key(bytes(32))).read(7)  # another instance's key
    spool.erase([7])
    assert spool.spooled() == {8}
    assert sorted(p.name for p in spool.folder.iterdir()) == ["8.escpos.sealed"]


def test_file_printer_in_an_unwritable_place_is_offline(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(PrinterFault, match="cannot write to") as caught:
        FileSpool(tmp_path / "file", spool_key(JOB_KEY)).print_job(1, JOB)
    assert caught.value.status == "offline"
    with pytest.raises(PrinterFault, match="cannot write to") as caught:
        DevicePrinter(tmp_path / "no" / "lp0").print_job(1, JOB)
    assert caught.value.status == "offline"


def test_development_job_key_is_generated_private(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, {})
    key = load_job_key(settings)
    path = settings.keys_dir / "print_job.key"
    assert len(key) == 32 and path.stat().st_mode & 0o777 == 0o600
    assert load_job_key(settings) == key


def test_production_needs_a_job_key_file_and_a_good_one(tmp_path: Path) -> None:
    required = {
        "mode": "production",
        "issuer_key_file": str(tmp_path / "issuer.key"),
        "root_public_key_file": str(tmp_path / "root.pub"),
        "trust_list_file": str(tmp_path / "trust.cbor"),
        "secret_key_file": str(tmp_path / "secret"),
        "printer": "tcp:192.0.2.7",
        "instance_key_file": str(tmp_path / "instance.key"),
    }
    with pytest.raises(ConfigError, match="production mode needs EHCARD_PRINT_JOB_KEY_FILE"):
        load_job_key(load_settings(tmp_path, required))
    bad = tmp_path / "job.key"
    bad.write_text("c2hvcnQ=\n")
    with pytest.raises(ConfigError, match="must hold 32 bytes"):
        load_job_key(load_settings(tmp_path, {**required, "print_job_key_file": str(bad)}))
    with pytest.raises(ConfigError, match="needs the print job key file"):
        missing = str(tmp_path / "missing.key")
        load_job_key(load_settings(tmp_path, {**required, "print_job_key_file": missing}))


def test_app_leaves_an_external_print_worker_to_its_command(tmp_path: Path) -> None:
    application = create_app({"instance": tmp_path, "print_worker": "external", "TESTING": True})
    assert application.extensions["ehcard.print_worker"] is None
    application.extensions["ehcard"].engine.dispose()


def test_print_worker_mode_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="EHCARD_PRINT_WORKER must be 'thread' or 'external'"):
        load_settings(tmp_path, {"print_worker": "sometimes"})
