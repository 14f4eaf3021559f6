"""What a printed card leaves behind: its secrets, and a search of files and logs for them.

`CardSecrets` are what must never outlive the print grace period on disk or in a
log: the QR digits (whole, and every run of `DIGIT_RUN` of them), the payload
bytes, the record key (raw, hex, base64) and the recovery code (printed form and
without dashes). `find_leaks` looks for them in every file under the folders it
is given, as bytes and text, and decodes every image it can open (PNG, JPEG,
images inside PDFs) and every ESC/POS stream (tests/escpos_stream.py) for QR
codes carrying a payload.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from cards import codec, qr
from signing.envelope import open_payload
from tests.escpos_stream import EscPosReader, ProtocolError, printed_image

DIGIT_RUN = 40  # 40 decimal digits are 133 bits of the payload: more than the record key
PAYLOAD_RUN = 16  # bytes of the payload, anywhere in a file
DIGITS = re.compile(rb"[0-9]{%d,}" % DIGIT_RUN)


@dataclass(frozen=True)
class CardSecrets:
    qr_text: str
    recovery_code: str

    @property
    def digits(self) -> str:
        return self.qr_text.split("#", 1)[1]

    @property
    def payload(self) -> bytes:
        return qr.parse_qr_text(self.qr_text)[1]

    @property
    def record_key(self) -> bytes:
        return codec.decode_body(open_payload(self.payload).body).record_key

    def needles(self) -> dict[str, bytes]:
        """Byte strings that must appear nowhere, by what they are."""
        key = self.record_key
        found = {
            "qr text": self.qr_text.encode(),
            "recovery code": self.recovery_code.encode(),
            "recovery code without dashes": self.recovery_code.replace("-", "").encode(),
            "record key": key,
            "record key (hex)": key.hex().encode(),
            "record key (HEX)": key.hex().upper().encode(),
            "record key (base64)": base64.b64encode(key).rstrip(b"="),
            "record key (base64url)": base64.urlsafe_b64encode(key).rstrip(b"="),
        }
        payload = self.payload
        for start in range(0, len(payload) - PAYLOAD_RUN + 1, PAYLOAD_RUN // 2):
            found[f"payload bytes {start}+{PAYLOAD_RUN}"] = payload[start : start + PAYLOAD_RUN]
        return found

    def digit_runs(self) -> set[bytes]:
        digits = self.digits.encode()
        return {digits[i : i + DIGIT_RUN] for i in range(len(digits) - DIGIT_RUN + 1)}


def files_under(*places: Path) -> list[Path]:
    """Every file in `places` (folders, or files themselves)."""
    found = {place for place in places if place.is_file()}
    found.update(p for place in places if place.is_dir() for p in place.rglob("*") if p.is_file())
    return sorted(found)


def _images(data: bytes) -> Iterator[tuple[str, Image.Image]]:
    """Every picture in `data`: the image itself, each PDF image, each ESC/POS raster."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            yield "image", image.convert("L")
    except (UnidentifiedImageError, OSError, ValueError):
        pass
    if data.startswith(b"%PDF"):
        try:
            for number, page in enumerate(PdfReader(io.BytesIO(data)).pages):
                for picture in page.images:
                    yield f"PDF page {number} image", picture.image.convert("L")
        except (PyPdfError, OSError, ValueError):
            pass
    if data.startswith(b"\x1b@"):
        reader = EscPosReader()
        try:
            commands = reader.feed(data)
        except ProtocolError:
            commands = []
        if any(c.band is not None for c in commands):
            yield "ESC/POS raster", printed_image(commands).convert("L")


def qr_texts(data: bytes) -> list[tuple[str, str]]:
    """(where, text) of every QR code in the pictures `data` holds."""
    found = []
    for where, image in _images(data):
        for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            found.append((where, str(result.text)))
    return found


def leaks_in(name: str, data: bytes, secrets: Iterable[CardSecrets]) -> list[str]:
    """What of `secrets` `data` holds, as '<name>: <what>'."""
    secrets = list(secrets)
    leaks = []
    for secret in secrets:
        leaks += [f"{name}: {what}" for what, needle in secret.needles().items() if needle in data]
        runs = secret.digit_runs()
        for match in DIGITS.finditer(data):
            run = match.group()
            if any(run[i : i + DIGIT_RUN] in runs for i in range(len(run) - DIGIT_RUN + 1)):
                leaks.append(f"{name}: {DIGIT_RUN} digits of the QR payload")
                break
    for where, text in qr_texts(data):
        for secret in secrets:
            if secret.digits in text or text == secret.qr_text:
                leaks.append(f"{name}: a QR code carrying the payload ({where})")
    return leaks


def find_leaks(
    folders: Iterable[Path], logs: Iterable[tuple[str, str]], secrets: Iterable[CardSecrets]
) -> list[str]:
    """Every place under `folders` or in `logs` ((name, text) pairs) holding a secret."""
    secrets = list(secrets)
    leaks = []
    for path in files_under(*folders):
        leaks += leaks_in(str(path), path.read_bytes(), secrets)
    for name, text in logs:
        leaks += leaks_in(name, text.encode(), secrets)
    return leaks
