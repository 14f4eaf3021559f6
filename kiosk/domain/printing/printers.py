"""Printers the print worker can own: network (TCP 9100), USB, a device node, or a spool.

`print_job()` sends one whole ESC/POS job and returns only once the printer
has taken it; every fault raises `PrinterFault` with the job status the kiosk
shows (paper_out, offline, failed). A real printer keeps nothing; the file
printer (`FileSpool`, for development and for trying a server without a
printer) keeps each job sealed in its own file until the worker's erasure pass
finds the job's data erased (`spooled()`, `erase()`). A network printer is asked for its paper
sensor before the job (DLE EOT 4, answered at once) and after it (GS r 1,
answered only when everything before it was processed), so a printer that ran
dry, dropped the connection or stopped reading mid-job is never taken for done.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from nacl import bindings
from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError
from nacl.hash import blake2b

from kiosk.config import ConfigError, file_printer_folder

PAPER_STATUS_NOW = b"\x10\x04\x04"  # DLE EOT 4: real-time roll paper sensor status
PAPER_STATUS_AFTER = b"\x1dr\x01"  # GS r 1: paper sensor status, in sequence with the job
SPOOL_CONTEXT = b"ehcard/spool/v1"
SPOOL_NAME = re.compile(r"^(?P<job>[0-9]+)\.escpos\.sealed(?:\.partial)?$")
NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES


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

    def print_job(self, job_id: int, job: bytes) -> None:
        """Send job `job_id`'s bytes whole; raise PrinterFault if not (entirely) printed."""
        ...

    def spooled(self) -> set[int]:
        """The ids of the jobs this printer keeps a copy of (none, for a real printer)."""
        ...

    def erase(self, job_ids: Iterable[int]) -> None:
        """Forget every copy of these jobs."""
        ...


class KeepsNothing:
    """A real printer: what it is sent is on paper, nowhere else."""

    def spooled(self) -> set[int]:
        return set()

    def erase(self, job_ids: Iterable[int]) -> None:
        return None


def paper_out_now(status: int) -> bool:
    """DLE EOT 4 answer: bits 5 and 6 say the roll end sensor found no paper."""
    return status & 0x60 == 0x60


def paper_out_after(status: int) -> bool:
    """GS r 1 answer: bits 2 and 3 say the roll end sensor found no paper."""
    return status & 0x0C == 0x0C


@dataclass(frozen=True)
class NetworkPrinter(KeepsNothing):
    host: str
    port: int = 9100
    timeout: float = 10.0
    # Time a printer may take to print a whole card before it answers GS r.
    print_timeout: float = 30.0

    @property
    def name(self) -> str:
        return f"tcp:{self.host}:{self.port}"

    def print_job(self, job_id: int, job: bytes) -> None:
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
class UsbPrinter(KeepsNothing):
    vendor_id: int
    product_id: int
    timeout: float = 10.0

    @property
    def name(self) -> str:
        return f"usb:{self.vendor_id:04x}:{self.product_id:04x}"

    def print_job(self, job_id: int, job: bytes) -> None:
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
class DevicePrinter(KeepsNothing):
    """A printer's device node (/dev/usb/lp0): each job is written to it whole."""

    path: Path

    @property
    def name(self) -> str:
        return f"file:{self.path}"

    def print_job(self, job_id: int, job: bytes) -> None:
        try:
            with self.path.open("wb") as device:
                device.write(job)
        except OSError as exc:
            raise PrinterFault("offline", f"cannot write to {self.path}: {_reason(exc)}") from exc


def spool_key(job_key: bytes) -> bytes:
    """The key spool files are sealed with: derived from the instance's print job key."""
    return blake2b(SPOOL_CONTEXT, key=job_key, digest_size=32, encoder=RawEncoder)


@dataclass(frozen=True)
class FileSpool:
    """The file printer: each job sealed (XChaCha20-Poly1305) in its own file in `folder`.

    Nothing reads the spool but `read()`: it stands in for a printer. The print
    worker erases a job's file once the job's data is erased (the grace period
    after printing), so the spool never holds more than the queue does.
    """

    folder: Path
    key: bytes

    @property
    def name(self) -> str:
        return f"spool:{self.folder}"

    def path(self, job_id: int) -> Path:
        return self.folder / f"{job_id}.escpos.sealed"

    def _aad(self, job_id: int) -> bytes:
        return SPOOL_CONTEXT + b"/" + str(job_id).encode()

    def print_job(self, job_id: int, job: bytes) -> None:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = nonce + bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
            job, self._aad(job_id), nonce, self.key
        )
        target = self.path(job_id)
        partial = target.with_name(target.name + ".partial")
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            partial.unlink(missing_ok=True)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(sealed)
            partial.replace(target)
        except OSError as exc:
            raise PrinterFault("offline", f"cannot write to {target}: {_reason(exc)}") from exc

    def read(self, job_id: int) -> bytes:
        """The ESC/POS bytes job `job_id` printed; PrinterFault if not spooled or not ours."""
        try:
            sealed = self.path(job_id).read_bytes()
            return bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                sealed[NONCE_BYTES:], self._aad(job_id), sealed[:NONCE_BYTES], self.key
            )
        except (OSError, CryptoError) as exc:
            raise PrinterFault("failed", f"job {job_id} is not in {self.folder}") from exc

    def spooled(self) -> set[int]:
        try:
            names = [entry.name for entry in os.scandir(self.folder)]
        except FileNotFoundError:
            return set()
        return {int(found["job"]) for name in names if (found := SPOOL_NAME.match(name))}

    def erase(self, job_ids: Iterable[int]) -> None:
        for job_id in job_ids:
            target = self.path(job_id)
            target.unlink(missing_ok=True)
            target.with_name(target.name + ".partial").unlink(missing_ok=True)


_TCP = re.compile(r"^tcp:(?P<host>\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?$")
_USB = re.compile(r"^usb:(?P<vendor>[0-9a-fA-F]{4}):(?P<product>[0-9a-fA-F]{4})$")


def printer_from_setting(
    setting: str, *, instance: Path, timeout: float, job_key: bytes
) -> Printer:
    """The printer named by EHCARD_PRINTER; ConfigError for anything else.

    Empty or `file:FOLDER`: the spool (sealed with `job_key`); `file:/dev/...`: a device.
    """
    if (folder := file_printer_folder(setting, instance)) is not None:
        return FileSpool(folder, spool_key(job_key))
    if setting.startswith("file:") and len(setting) > len("file:"):
        return DevicePrinter(Path(setting[len("file:") :]))
    if tcp := _TCP.match(setting):
        port = int(tcp["port"] or 9100)
        if not 0 < port < 65536:
            raise ConfigError(f"EHCARD_PRINTER port {port} is out of range")
        return NetworkPrinter(tcp["host"].strip("[]"), port, timeout=timeout)
    if usb := _USB.match(setting):
        return UsbPrinter(int(usb["vendor"], 16), int(usb["product"], 16), timeout=timeout)
    raise ConfigError(
        f"EHCARD_PRINTER {setting!r} is not file:FOLDER, file:/dev/DEVICE, tcp:HOST[:PORT] or "
        "usb:VID:PID "
        "(hexadecimal, e.g. usb:04b8:0202)"
    )


def _reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__
