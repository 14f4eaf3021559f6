"""A rendered card or slip as an ESC/POS job: raster bit image, feed, cut.

python-escpos builds the bytes (its `Dummy` printer collects them), so the
raster follows its `GS v 0` encoding: one bit a dot, 1 = black, rows padded to
whole bytes, the image sent in bands of `BAND_ROWS` rows, which every printer
we know buffers whole.
"""

from __future__ import annotations

import copy

from escpos.capabilities import Profile
from escpos.printer import Dummy
from PIL import Image

from cards.render.profiles import PrinterProfile

INIT = b"\x1b@"  # ESC @: clear the buffer and modes left by an earlier, interrupted job
BAND_ROWS = 256
FEED_LINES = 6  # the cutter sits above the head: feed the last printed row past it


def _escpos_profile(profile: PrinterProfile) -> Profile:
    """python-escpos's generic profile, told how many dots wide this head is."""
    escpos_profile = Profile(features={"paperPartCut": True, "paperFullCut": True})
    data = copy.deepcopy(escpos_profile.profile_data)
    data["media"] = {"width": {"pixels": profile.dots_wide}, "dpi": profile.dpi}
    escpos_profile.profile_data = data
    return escpos_profile


def escpos_job(image: Image.Image, profile: PrinterProfile, *, cut: bool = True) -> bytes:
    """The ESC/POS bytes printing `image` (at most `profile.dots_wide` wide), then a cut."""
    if image.width > profile.dots_wide:
        raise ValueError(
            f"image is {image.width} dots wide; printer profile {profile.name} prints "
            f"{profile.dots_wide}"
        )
    printer = Dummy(profile=_escpos_profile(profile))
    printer._raw(INIT)
    printer.image(
        image.convert("1", dither=Image.Dither.NONE),
        impl="bitImageRaster",
        fragment_height=BAND_ROWS,
        center=False,
    )
    if cut:
        printer.cut(mode="PART")
    else:
        printer.print_and_feed(FEED_LINES)
    return bytes(printer.output)
