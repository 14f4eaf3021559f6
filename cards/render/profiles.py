"""What a card is rendered for: a thermal printer's head, or a CR80 card at 300 dpi.

A side of the card is a raster `dots_wide` dots wide. Nothing is drawn within
`margin_dots` of the left and right edges (many heads do not print their
outermost dots reliably, and a paper guide can shift the roll by a
millimetre), nor within `margin_dots` of the top and bottom of a side.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

MM_PER_INCH = 25.4
CR80_WIDTH_MM = 85.6
CR80_HEIGHT_MM = 54.0


class Orientation(Enum):
    """Landscape: text left, QR right. Portrait: QR on top, text below."""

    LANDSCAPE = "landscape"
    PORTRAIT = "portrait"


@dataclass(frozen=True)
class Legibility:
    """Floors under a font family's size and line spacing, for a printer whose small
    print is hard to read (a 58 mm roll prints a card at 80% of its text size)."""

    size_dots: tuple[tuple[str, int], ...] = ()  # family -> smallest font size, in dots
    leading: tuple[tuple[str, float], ...] = ()  # family -> space under a line, x font size


@dataclass(frozen=True)
class PrinterProfile:
    name: str
    dots_wide: int
    side_height_dots: int
    dpi: int = 203
    margin_dots: int = 8
    orientation: Orientation = Orientation.LANDSCAPE
    # The QR square (quiet zone included) the code fills: the larger size when the
    # text fits at full size beside it, else the smaller (30 mm: 97% of worn prints
    # decode), down to the narrowest readable modules only before lists are summarised.
    qr_max_mm: float = 34.0
    qr_min_mm: float = 30.0
    legibility: Legibility = Legibility()

    def __post_init__(self) -> None:
        if not 0 <= self.margin_dots * 4 < self.dots_wide:
            raise ValueError("margins leave no printable width")
        if not 0 < self.qr_min_mm <= self.qr_max_mm:
            raise ValueError("the QR square's smaller size must be positive and not the larger")

    @property
    def printable_dots(self) -> int:
        return self.dots_wide - 2 * self.margin_dots

    def dots(self, millimetres: float) -> int:
        return round(millimetres * self.dpi / MM_PER_INCH)

    def points(self, size_pt: float) -> int:
        """A font size in points as pixels at this profile's resolution."""
        return max(1, round(size_pt * self.dpi / 72))


def _mm(millimetres: float, dpi: int) -> int:
    return round(millimetres * dpi / MM_PER_INCH)


# 58 mm roll, 48 mm head: a CR80 card does not fit across it, so each side is
# printed upright, as long as a card (a card sleeve takes it, 54 x 86 mm).
THERMAL_58MM = PrinterProfile(
    name="58mm",
    dots_wide=384,
    side_height_dots=_mm(CR80_WIDTH_MM, 203),
    orientation=Orientation.PORTRAIT,
    # As wide as leaves the card code and expiry their column beside it.
    qr_max_mm=28.0,
    qr_min_mm=28.0,
    legibility=Legibility(
        # A pictogram (💊, 🫁, 🥜) needs strokes two dots wide to survive a thermal head:
        # at least 3 mm (24 dots) of ink, which Symbola draws from a 30-dot font.
        size_dots=(("symbols", 30), ("ethiopic", 20)),
        # Ethiopic vowels are marks a dot or two wide on the consonant: a font of at least
        # 20 dots (7 pt, the card's value size at full scale) and more space between lines.
        leading=(("ethiopic", 0.3),),
    ),
)
# 80 mm roll, 72 mm head: each side is printed across the roll, as tall as a card.
THERMAL_80MM = PrinterProfile(
    name="80mm",
    dots_wide=576,
    side_height_dots=_mm(CR80_HEIGHT_MM, 203),
)
# A CR80 card for PDF and PNG: 1011 x 638 pixels at 300 dpi, 3 mm safe margin.
CR80_300DPI = PrinterProfile(
    name="cr80",
    dots_wide=_mm(CR80_WIDTH_MM, 300),
    side_height_dots=_mm(CR80_HEIGHT_MM, 300),
    dpi=300,
    margin_dots=_mm(3.0, 300),
)

PROFILES: dict[str, PrinterProfile] = {p.name: p for p in (THERMAL_58MM, THERMAL_80MM, CR80_300DPI)}
THERMAL_PROFILES = ("58mm", "80mm")


def printer_profile(name: str) -> PrinterProfile:
    """The profile called `name`; ValueError naming the known ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown printer profile {name!r} (known: {known})") from None
