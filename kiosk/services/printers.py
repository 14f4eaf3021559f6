"""Printers the print worker can own: network (TCP 9100), USB, or a file.

`print_job()` sends one whole ESC/POS job and returns only once the printer
has taken it; every fault raises `PrinterFault` with the job status the kiosk
shows (paper_out, offline, failed). A network printer is asked for its paper
sensor before the job (DLE EOT 4, answered at once) and after it (GS r 1,
answered only when everything before it was processed), so a printer that ran
dry, dropped the connection or stopped reading mid-job is never taken for done.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kiosk.config import ConfigError

PAPER_STATUS_NOW = b"\x10\x04\x04"  # DLE EOT 4: real-time roll paper sensor status
PAPER_STATUS_AFTER = b"\x1dr\x01"  # GS r 1: paper sensor status, in sequence with the job
DEVICE_FILE = "printer.escpos"  # the development printer: a file in the instance folder


class PrinterFault(Exception):
    """The printer could not take a job; `status` is what the kiosk shows."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Printer(Protocol):
    """One printer, owned by one print worker."""

    @property
    def name(self) -> str: ...

    def print_job(self, job: bytes) -> None:
        """Send `job` whole; raise PrinterFault if it was not (entirely) printed."""
        ...


def paper_out_now(status: int) -> bool:
    """DLE EOT 4 answer: bits 5 and 6 say the roll end sensor found no paper."""
    return status & 0x60 == 0x60


def paper_out_after(status: int) -> bool:
    """GS r 1 answer: bits 2 and 3 say the roll end sensor found no paper."""
    return status & 0x0C == 0x0C


@dataclass(frozen=True)
class NetworkPrinter:
    host: str
    port: int = 9100
    timeout: float = 10.0
    # Time a printer may take to print a whole card before it answers GS r.
    print_timeout: float = 30.0

    @property
    def name(self) -> str:
        return f"tcp:{self.host}:{self.port}"

    def print_job(self, job: bytes) -> None:
        try:
            connection = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise PrinterFault("offline", f"cannot reach {self.name}: {_reason(exc)}") from exc
        with connection:
            if paper_out_now(self._ask(connection, PAPER_STATUS_NOW, self.timeout)):
                raise PrinterFault("paper_out", "the printer is out of paper")
            try:
                connection.sendall(job)
            except TimeoutError as exc:
                raise PrinterFault("failed", "the printer stopped taking data (stalled)") from exc
            except OSError as exc:
                raise PrinterFault(
                    "offline", f"the printer dropped the connection mid-job: {_reason(exc)}"
                ) from exc
            if paper_out_after(self._ask(connection, PAPER_STATUS_AFTER, self.print_timeout)):
                raise PrinterFault("paper_out", "the printer ran out of paper during the job")

    def _ask(self, connection: socket.socket, query: bytes, timeout: float) -> int:
        """Send a status query and read its one-byte answer."""
        try:
            connection.settimeout(timeout)
            connection.sendall(query)
            answer = connection.recv(1)
        except TimeoutError as exc:
            raise PrinterFault("failed", "the printer does not answer (stalled)") from exc
        except OSError as exc:
            raise PrinterFault(
                "offline", f"the printer dropped the connection: {_reason(exc)}"
            ) from exc
        if not answer:
            raise PrinterFault("offline", "the printer closed the connection")
        return answer[0]


@dataclass(frozen=True)
class UsbPrinter:
    vendor_id: int
    product_id: int
    timeout: float = 10.0

    @property
    def name(self) -> str:
        return f"usb:{self.vendor_id:04x}:{self.product_id:04x}"

    def print_job(self, job: bytes) -> None:
        # Imported here: pyusb looks for libusb on import, which only USB printers need.
        from escpos.exceptions import DeviceNotFoundError
        from escpos.printer import Usb
        from usb.core import NoBackendError, USBError

        device = Usb(self.vendor_id, self.product_id, timeout=int(self.timeout * 1000))
        try:
            device.open()
            if device.paper_status() == 0:
                raise PrinterFault("paper_out", "the printer is out of paper")
            device._raw(job)
        except (DeviceNotFoundError, NoBackendError) as exc:
            raise PrinterFault("offline", f"no USB printer {self.name}: {exc}") from exc
        except USBError as exc:
            raise PrinterFault("offline", f"USB printer {self.name} failed: {exc}") from exc
        finally:
            device.close()


@dataclass(frozen=True)
class FilePrinter:
    """Appends each job to a file: a device node (/dev/usb/lp0) or, in development, a file."""

    path: Path

    @property
    def name(self) -> str:
        return f"file:{self.path}"

    def print_job(self, job: bytes) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab") as device:
                device.write(job)
        except OSError as exc:
            raise PrinterFault("offline", f"cannot write to {self.path}: {_reason(exc)}") from exc


_TCP = re.compile(r"^tcp:(?P<host>\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?$")
_USB = re.compile(r"^usb:(?P<vendor>[0-9a-fA-F]{4}):(?P<product>[0-9a-fA-F]{4})$")


def printer_from_setting(setting: str, *, instance: Path, timeout: float) -> Printer:
    """The printer named by EHCARD_PRINTER; ConfigError for anything else."""
    if not setting:
        return FilePrinter(instance / DEVICE_FILE)
    if setting.startswith("file:") and len(setting) > len("file:"):
        return FilePrinter(Path(setting[len("file:") :]))
    if tcp := _TCP.match(setting):
        port = int(tcp["port"] or 9100)
        if not 0 < port < 65536:
            raise ConfigError(f"EHCARD_PRINTER port {port} is out of range")
        return NetworkPrinter(tcp["host"].strip("[]"), port, timeout=timeout)
    if usb := _USB.match(setting):
        return UsbPrinter(int(usb["vendor"], 16), int(usb["product"], 16), timeout=timeout)
    raise ConfigError(
        f"EHCARD_PRINTER {setting!r} is not file:PATH, tcp:HOST[:PORT] or usb:VID:PID "
        "(hexadecimal, e.g. usb:04b8:0202)"
    )


def _reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__
