"""A rendered card or slip as an ESC/POS job: raster bit image, feed, cut.

The job is framed by python-escpos (its `Dummy` printer collects the bytes:
initialise, feed and cut as its printer profiles know them). The raster
itself is encoded here, as `GS v 0` bands byte for byte like python-escpos's
"bitImageRaster" (a test holds the two equal): its image path converts each
band through RGBA and greyscale and costs ~20 ms a card, more than the rest of
issuing together, where packing the bits of a 1-bit image costs well under 1 ms.
"""

from __future__ import annotations

import copy

from escpos.capabilities import Profile
from escpos.printer import Dummy
from PIL import Image, ImageChops

from cards.render.profiles import PrinterProfile

INIT = b"\x1b@"  # ESC @: clear the buffer and modes left by an earlier, interrupted job
RASTER = b"\x1dv0\x00"  # GS v 0, normal density (one dot per bit both ways)
# Rows a band: python-escpos's default, which the printers it is used with buffer whole.
BAND_ROWS = 960
FEED_LINES = 6  # the cutter sits above the head: feed the last printed row past it


def _escpos_profile(profile: PrinterProfile) -> Profile:
    """python-escpos's generic profile, told how many dots wide this head is."""
    escpos_profile = Profile(features={"paperPartCut": True, "paperFullCut": True})
    data = copy.deepcopy(escpos_profile.profile_data)
    data["media"] = {"width": {"pixels": profile.dots_wide}, "dpi": profile.dpi}
    escpos_profile.profile_data = data
    return escpos_profile


def raster_bands(image: Image.Image, *, band_rows: int = BAND_ROWS) -> bytes:
    """`image` as GS v 0 raster bands: one bit a dot, 1 = black, rows padded to whole bytes."""
    bitmap = image.convert("1", dither=Image.Dither.NONE)
    width_bytes = (bitmap.width + 7) // 8
    if bitmap.width % 8:
        padded = Image.new("1", (width_bytes * 8, bitmap.height), 255)
        padded.paste(bitmap, (0, 0))
        bitmap = padded
    # Pillow's "1" stores white as 1; a printer prints a dot for 1.
    data = ImageChops.invert(bitmap).tobytes()
    bands = []
    for top in range(0, bitmap.height, band_rows):
        rows = min(band_rows, bitmap.height - top)
        header = RASTER + width_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little")
        bands.append(header + data[top * width_bytes : (top + rows) * width_bytes])
    return b"".join(bands)


def escpos_job(image: Image.Image, profile: PrinterProfile, *, cut: bool = True) -> bytes:
    """The ESC/POS bytes printing `image` (at most `profile.dots_wide` wide), then a cut."""
    if image.width > profile.dots_wide:
        raise ValueError(
            f"image is {image.width} dots wide; printer profile {profile.name} prints "
            f"{profile.dots_wide}"
        )
    printer = Dummy(profile=_escpos_profile(profile))
    printer._raw(INIT)
    printer._raw(raster_bands(image))
    if cut:
        printer.cut(mode="PART")
    else:
        printer.print_and_feed(FEED_LINES)
    return bytes(printer.output)
