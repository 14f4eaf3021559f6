"""QR images on disk: write a symbol as PNG, read QR text back from a photo or scan."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image, UnidentifiedImageError

from cards.errors import Malformed
from cards.qr import QrSymbol
from cards.render.qr_png import qr_png

MAX_IMAGE_PIXELS = 40_000_000


def write_qr_png(symbol: QrSymbol, path: Path) -> None:
    path.write_bytes(qr_png(symbol))


def decode_qr_image(path: Path) -> str:
    """The text of the one QR code in an image; `Malformed` if there is none."""
    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise Malformed(f"{path} is too large an image to scan", code="bad_image")
            image.load()
            results = zxingcpp.read_barcodes(
                image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
            )
    except (UnidentifiedImageError, OSError) as exc:
        raise Malformed(f"{path} is not a readable image: {exc}", code="bad_image") from exc
    if not results:
        raise Malformed(f"no QR code found in {path}", code="no_qr_code")
    if len(results) > 1:
        raise Malformed(
            f"{len(results)} QR codes in {path}: crop to one card", code="several_qr_codes"
        )
    return str(results[0].text)
