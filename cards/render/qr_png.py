"""A QR symbol as a black-and-white PNG: whole pixels per module, 4-module quiet zone."""

from __future__ import annotations

import io

from PIL import Image

from cards.qr import QUIET_ZONE, QrSymbol


def qr_image(
    symbol: QrSymbol, *, module_pixels: int = 8, quiet_zone: int = QUIET_ZONE
) -> Image.Image:
    if module_pixels < 1 or quiet_zone < QUIET_ZONE:
        raise ValueError("a module is at least 1 pixel and the quiet zone at least 4 modules")
    modules = symbol.size + 2 * quiet_zone
    small = Image.new("1", (modules, modules), 1)
    for y, row in enumerate(symbol.matrix):
        for x, dark in enumerate(row):
            if dark:
                small.putpixel((x + quiet_zone, y + quiet_zone), 0)
    size = modules * module_pixels
    return small.resize((size, size), Image.Resampling.NEAREST)


def qr_png(symbol: QrSymbol, *, module_pixels: int = 8) -> bytes:
    buffer = io.BytesIO()
    qr_image(symbol, module_pixels=module_pixels).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
