"""Payload bytes <-> QR text, and the QR symbol itself.

QR text is `HTTPS://<HOST>/V#` followed by decimal digits: the prefix goes in
alphanumeric mode, `#` in byte mode and the digits in numeric mode. The
digits are the payload read as one big-endian unsigned integer, written in
decimal without leading zeros (a payload starts with its version byte, never
0), so the payload costs log2(10)/log10(256) = 8.03 bits a byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import segno

from cards.errors import Malformed

ECC = "M"
QUIET_ZONE = 4
MAX_PAYLOAD_DIGITS = 2500
MAX_QR_TEXT = 4296
SCHEME = "HTTPS://"
PATH = "/V#"
HOST_PATTERN = re.compile(r"^[A-Z0-9](?:[A-Z0-9.-]{0,61}[A-Z0-9])?(?::[0-9]{1,5})?$")
# Numeric (1), alphanumeric (2) and byte (4) mode indicators, as segno takes them.
NUMERIC, ALPHANUMERIC, BYTE = 1, 2, 4


def payload_to_digits(payload: bytes) -> str:
    if not payload or payload[0] == 0:
        raise ValueError("a payload starts with a non-zero version byte")
    return str(int.from_bytes(payload, "big"))


def digits_to_payload(digits: str) -> bytes:
    if not digits:
        raise Malformed("QR text carries no payload digits", code="truncated")
    if len(digits) > MAX_PAYLOAD_DIGITS:
        raise Malformed("payload is longer than any card", code="too_large")
    if not digits.isascii() or not digits.isdigit():
        raise Malformed("payload must be decimal digits only", code="non_digit")
    if digits[0] == "0":
        raise Malformed("payload digits start with a zero", code="leading_zero")
    value = int(digits)
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def check_host(host: str) -> str:
    """The host, upper-cased, if it fits QR alphanumeric mode; ValueError otherwise."""
    upper = host.upper()
    if not HOST_PATTERN.match(upper):
        raise ValueError(f"host {host!r} is not a plain DNS name (letters, digits, dots, hyphens)")
    return upper


def prefix(host: str) -> str:
    return f"HTTPS://{check_host(host)}/V"


def qr_text(host: str, payload: bytes) -> str:
    return f"{prefix(host)}#{payload_to_digits(payload)}"


def parse_qr_text(text: str) -> tuple[str, bytes]:
    """(host, payload) from QR text; `Malformed` for anything else."""
    if len(text) > MAX_QR_TEXT:
        raise Malformed("QR text is longer than any QR code holds", code="too_large")
    if text.startswith("\ufeff"):
        raise Malformed("QR text starts with a byte-order mark", code="bad_prefix")
    head, separator, digits = text.partition(PATH)
    host = head[len(SCHEME) :]
    if not separator or not head.startswith(SCHEME) or not HOST_PATTERN.match(host):
        raise Malformed("QR text does not start with HTTPS://<HOST>/V#", code="bad_prefix")
    return host, digits_to_payload(digits)


@dataclass(frozen=True)
class QrSymbol:
    """A QR symbol: its modules (True = dark) and what it was made of."""

    version: int
    ecc: str
    matrix: tuple[tuple[bool, ...], ...]

    @property
    def size(self) -> int:
        return len(self.matrix)


def segments(text: str) -> list[tuple[str, int]]:
    """The three segments of a card's QR text: alphanumeric prefix, byte '#', numeric digits."""
    head, digits = text.split("#", 1)
    return [(head, ALPHANUMERIC), ("#", BYTE), (digits, NUMERIC)]


def make_symbol(text: str, *, ecc: str = ECC) -> QrSymbol:
    """The smallest regular QR symbol (never Micro QR) for `text` at `ecc`, no ECC boost."""
    qr = segno.make_qr(segments(text), error=ecc, boost_error=False)  # type: ignore[arg-type]
    matrix = tuple(tuple(bool(m) for m in row) for row in qr.matrix)
    return QrSymbol(version=int(qr.version), ecc=str(qr.error), matrix=matrix)


def segment_bits(text: str, version: int) -> int:
    """Bits the three segments take at `version` (ISO/IEC 18004 Table 3 count widths)."""
    head, digits = text.split("#", 1)
    band = 0 if version <= 9 else 1 if version <= 26 else 2
    numeric_count, alnum_count, byte_count = (
        (10, 12, 14)[band],
        (9, 11, 13)[band],
        (8, 16, 16)[band],
    )
    alnum = 4 + alnum_count + 11 * (len(head) // 2) + 6 * (len(head) % 2)
    byte = 4 + byte_count + 8
    numeric = 4 + numeric_count + 10 * (len(digits) // 3) + (0, 4, 7)[len(digits) % 3]
    return alnum + byte + numeric


# Data codewords at ECC M for versions 1..20 (ISO/IEC 18004 Table 7).
DATA_CODEWORDS_M = (
    16,
    28,
    44,
    64,
    86,
    108,
    124,
    154,
    182,
    216,
    254,
    290,
    334,
    365,
    415,
    453,
    507,
    563,
    627,
    669,
)


def minimum_version_m(text: str) -> int:
    """The smallest version at ECC M whose capacity holds the three segments."""
    for version, codewords in enumerate(DATA_CODEWORDS_M, start=1):
        if segment_bits(text, version) <= codewords * 8:
            return version
    raise ValueError("QR text needs a version above 20")
