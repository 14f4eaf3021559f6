"""Fonts for every script a card prints: files, glyph coverage, shaping and measuring.

Each character goes to the first font of its script's chain that has a glyph
for it (read from the font's cmap with fontTools); a character no font has is
an error, never a missing-glyph box on a card. Text is shaped by libraqm
through Pillow, right-to-left runs with direction "rtl".
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont, features

from cards.errors import CardError
from cards.render.profiles import Legibility
from cards.render.scripts import Run, Script, script_of, visual_order

DEFAULT_FONT_DIRS = (Path("/usr/share/fonts"),)
# family -> (regular file, bold file, Debian package)
FONT_FILES: dict[str, tuple[str, str, str]] = {
    "sans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "fonts-noto-core"),
    "naskh": ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", "fonts-noto-core"),
    "hebrew": ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf", "fonts-noto-core"),
    "ethiopic": ("NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf", "fonts-noto-core"),
    "georgian": ("NotoSansGeorgian-Regular.ttf", "NotoSansGeorgian-Bold.ttf", "fonts-noto-core"),
    "armenian": ("NotoSansArmenian-Regular.ttf", "NotoSansArmenian-Bold.ttf", "fonts-noto-core"),
    "devanagari": (
        "NotoSansDevanagari-Regular.ttf",
        "NotoSansDevanagari-Bold.ttf",
        "fonts-noto-core",
    ),
    "bengali": ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf", "fonts-noto-core"),
    "gurmukhi": ("NotoSansGurmukhi-Regular.ttf", "NotoSansGurmukhi-Bold.ttf", "fonts-noto-core"),
    "tamil": ("NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf", "fonts-noto-core"),
    "sinhala": ("NotoSansSinhala-Regular.ttf", "NotoSansSinhala-Bold.ttf", "fonts-noto-core"),
    # Noto CJK is 100 MB; the card prints a few Han words (language names) at most.
    "cjk": ("DroidSansFallbackFull.ttf", "DroidSansFallbackFull.ttf", "fonts-droid-fallback"),
    "symbols": ("Symbola_hint.ttf", "Symbola_hint.ttf", "fonts-symbola"),
}
CHAINS: dict[Script | None, tuple[str, ...]] = {
    **{script: (script.value,) for script in Script},
    Script.LATIN: ("sans",),
    Script.ARABIC: ("naskh",),
    Script.SYMBOL: ("symbols", "sans"),
    None: ("sans", "naskh", "ethiopic", "georgian", "cjk", "symbols"),
}
# Naskh draws its letters small for its em; this evens the reading size across scripts.
SIZE_FACTOR = {"naskh": 1.1}
# Tallest and deepest letters of each family: a line is as tall as its fonts' ink
# (plus LEADING), not as tall as their declared metrics, which for Naskh are loose.
REFERENCE_TEXT = {
    "sans": "HÉgjÅy",
    "naskh": "ألإكجيٍّ",
    "hebrew": "עברית",
    "ethiopic": "ሰላምጬ፡",
    "georgian": "ქართულიბ",
    "armenian": "Հայերենք",
    "devanagari": "हिन्दी नेपाली",
    "bengali": "বাংলা",
    "gurmukhi": "ਪੰਜਾਬੀ",
    "tamil": "தமிழ்",
    "sinhala": "සිංහල",
    "cjk": "中文",
    "symbols": "✚⚠",
}
LEADING = 0.15
RTL_FAMILIES = frozenset({"naskh", "hebrew"})
INVISIBLE = frozenset("\u200c\u200d\u200e\u200f")  # ZWNJ, ZWJ, LRM, RLM: shaping only


class FontError(CardError):
    """A font is missing, or a character has no glyph in any font a card uses."""

    code = "font"


@dataclass(frozen=True)
class LineExtent:
    width: int
    ascent: int
    descent: int

    @property
    def height(self) -> int:
        return self.ascent + self.descent


@dataclass(frozen=True)
class FontFiles:
    """Where each family's regular and bold files are."""

    paths: tuple[tuple[str, Path, Path], ...]

    def path(self, family: str, bold: bool) -> Path:
        for name, regular, heavy in self.paths:
            if name == family:
                return heavy if bold else regular
        raise FontError(f"no font family {family!r}")


def find_fonts(directories: Sequence[Path] = DEFAULT_FONT_DIRS) -> FontFiles:
    """Find every font file a card needs under `directories` (searched recursively)."""
    wanted = {name for regular, bold, _ in FONT_FILES.values() for name in (regular, bold)}
    found: dict[str, Path] = {}
    for directory in directories:
        for root, _dirs, files in os.walk(directory):
            for name in sorted(wanted.intersection(files)):
                found.setdefault(name, Path(root) / name)
    missing = sorted(wanted - set(found))
    if missing:
        packages = sorted({p for r, b, p in FONT_FILES.values() if r in missing or b in missing})
        raise FontError(
            f"font files {', '.join(missing)} not found under "
            f"{', '.join(str(d) for d in directories)}: install {' '.join(packages)}",
            code="font_missing",
        )
    return FontFiles(
        tuple((family, found[r], found[b]) for family, (r, b, _) in FONT_FILES.items())
    )


@cache
def _cmap(path: Path) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(text: str, font_path: Path) -> set[str]:
    """The characters of `text` that the font at `font_path` has no glyph for."""
    cmap = _cmap(font_path)
    return {c for c in text if ord(c) not in cmap and not c.isspace() and c not in INVISIBLE}


class FontSet:
    """The card's fonts, loaded once: splits text into runs, measures and draws them."""

    def __init__(self, files: FontFiles, floors: Legibility | None = None) -> None:
        if not features.check("raqm"):
            raise FontError(
                "Pillow has no libraqm: Arabic would print unshaped; install libraqm0",
                code="no_raqm",
            )
        self.files = files
        self.floors = floors or Legibility()
        self._cmaps = {family: _cmap(files.path(family, False)) for family in FONT_FILES}
        self._variants: dict[Legibility, FontSet] = {}

    def with_floors(self, floors: Legibility) -> FontSet:
        """These fonts with `floors` (a printer profile's): measure and draw with the same."""
        if floors == self.floors:
            return self
        if floors not in self._variants:
            self._variants[floors] = FontSet(self.files, floors)
        return self._variants[floors]

    def leading(self, family: str) -> float:
        return max(LEADING, dict(self.floors.leading).get(family, 0.0))

    def has_glyph(self, family: str, char: str) -> bool:
        return char.isspace() or char in INVISIBLE or ord(char) in self._cmaps[family]

    def runs(self, text: str) -> list[Run]:
        """`text` cut into runs of one font each, in logical order; FontError if uncoverable.

        Neutral characters (spaces, digits, punctuation) stay in the run they follow
        when its font has them, except at a change of direction, where they become
        a run of their own for `visual_order` to place (in "العربية, English" the
        comma belongs to neither word); those before the first letter join the
        first run. A number after right-to-left text is a run of its own, its
        separators included, so that it reads left to right as a whole (a date
        "2028-11-26" after an Arabic label; the Arabic font has no hyphen).
        Pictograms are neutral too: they face the way the text around them reads.
        """
        runs: list[Run] = []
        pending = ""
        missing: list[str] = []
        index = 0
        while index < len(text):
            char = text[index]
            index += 1
            number = _NUMBER.match(text, index - 1) if runs and runs[-1].strong else None
            if number:
                index = number.end()
                runs.extend(self._number_runs(number.group(), runs[-1].font, missing))
                continue
            script = script_of(char)
            if script is None and not runs:
                pending += char
                continue
            if script is None and self.has_glyph(runs[-1].font, char):
                runs[-1] = Run(runs[-1].text + char, runs[-1].font, runs[-1].strong)
                continue
            family = next((f for f in CHAINS[script] if self.has_glyph(f, char)), None)
            if family is None:
                missing.append(char)
                continue
            strong = None if script in (None, Script.SYMBOL) else family in RTL_FAMILIES
            last = runs[-1] if runs else None
            if last and last.font == family and strong in (None, last.strong):
                runs[-1] = Run(last.text + char, family, last.strong)
            elif last and last.font == family and last.strong is None and not _is_number(last):
                runs[-1] = Run(last.text + char, family, strong)
            else:
                if last and None not in (last.strong, strong) and last.strong != strong:
                    runs[-1:] = _split_trailing_neutrals(last)
                if pending and all(self.has_glyph(family, c) for c in pending):
                    char, pending = pending + char, ""
                runs.extend(self._neutral_runs(pending, missing))
                pending = ""
                runs.append(Run(char, family, strong))
        runs.extend(self._neutral_runs(pending, missing))
        if missing:
            listed = ", ".join(f"U+{ord(c):04X} {c!r}" for c in missing)
            raise FontError(f"no font has a glyph for {listed} in {text!r}", code="missing_glyph")
        return runs

    def _number_runs(self, number: str, preferred: str, missing: list[str]) -> list[Run]:
        """A number as a neutral run, in `preferred` when it has every glyph of it."""
        for family in (preferred, *CHAINS[None]):
            if all(self.has_glyph(family, c) for c in number):
                return [Run(number, family, None)]
        return self._neutral_runs(number, missing)

    def _neutral_runs(self, text: str, missing: list[str]) -> list[Run]:
        runs: list[Run] = []
        for char in text:
            family = next((f for f in CHAINS[None] if self.has_glyph(f, char)), None)
            if family is None:
                missing.append(char)
            elif runs and runs[-1].font == family:
                runs[-1] = Run(runs[-1].text + char, family, None)
            else:
                runs.append(Run(char, family, None))
        return runs

    def font(self, family: str, size: int, bold: bool) -> ImageFont.FreeTypeFont:
        floor = dict(self.floors.size_dots).get(family, 1)
        scaled = max(floor, round(size * SIZE_FACTOR.get(family, 1.0)))
        return _load(self.files.path(family, bold), scaled)

    def extent(self, text: str, size: int, *, bold: bool = False, rtl: bool = False) -> LineExtent:
        """Width and height in pixels of `text` drawn on one line at `size` pixels."""
        return _extent(self, text, size, bold, rtl)

    def draw(
        self,
        image: Image.Image,
        origin: tuple[int, int],
        text: str,
        size: int,
        *,
        bold: bool = False,
        rtl: bool = False,
        language: str | None = None,
    ) -> LineExtent:
        """Draw `text` in black on `image` with its top-left at `origin`; return its extent.

        Lines are shaped and rasterised once and kept: most of a card's words (its
        labels) are the same on every card, and pasting a mask is cheap.
        """
        mask, pad = _ink_mask(self, text, size, bold, rtl, language)
        x, top = origin
        image.paste(0, (x - pad, top), mask)
        return _extent(self, text, size, bold, rtl)


Placed = tuple[tuple[Run, int, ImageFont.FreeTypeFont], ...]


_NUMBER = re.compile(r"\d+(?:[-./:]\d+)*")


def _is_number(run: Run) -> bool:
    return run.strong is None and any(c.isdigit() for c in run.text)


def _split_trailing_neutrals(run: Run) -> list[Run]:
    """A strong run, and the spaces, digits and punctuation it ends with as a neutral run."""
    end = len(run.text)
    while end and script_of(run.text[end - 1]) is None:
        end -= 1
    if end in (0, len(run.text)):
        return [run]
    return [Run(run.text[:end], run.font, run.strong), Run(run.text[end:], run.font, None)]


@lru_cache(maxsize=8192)
def _runs(fonts: FontSet, text: str) -> tuple[Run, ...]:
    return tuple(fonts.runs(text))


@lru_cache(maxsize=8192)
def _placed(fonts: FontSet, text: str, size: int, bold: bool, rtl: bool) -> Placed:
    """The runs of a line left to right as drawn, each with its advance width and font."""
    placed = []
    for run in visual_order(list(_runs(fonts, text)), paragraph_rtl=rtl):
        font = fonts.font(run.font, size, bold)
        width = round(font.getlength(run.text, direction="rtl" if run.rtl else "ltr"))
        placed.append((run, width, font))
    return tuple(placed)


@lru_cache(maxsize=256)
def _load(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


@lru_cache(maxsize=4096)
def _ink_mask(
    fonts: FontSet, text: str, size: int, bold: bool, rtl: bool, language: str | None
) -> tuple[Image.Image, int]:
    """The line's ink as a mask (255 = black), with `pad` dots of room left and right."""
    extent = _extent(fonts, text, size, bold, rtl)
    pad = size // 2  # for glyphs that reach past their advance (swashes, marks)
    mask = Image.new("L", (extent.width + 2 * pad, extent.height), 0)
    canvas = ImageDraw.Draw(mask)
    canvas.fontmode = "L"
    x = pad
    for run, width, font in _placed(fonts, text, size, bold, rtl):
        canvas.text(
            (x, extent.ascent),
            run.text,
            font=font,
            fill=255,
            anchor="ls",
            direction="rtl" if run.rtl else "ltr",
            language=None if run.font == "symbols" else language,
        )
        x += width
    return mask, pad


@lru_cache(maxsize=8192)
def _extent(fonts: FontSet, text: str, size: int, bold: bool, rtl: bool) -> LineExtent:
    placed = _placed(fonts, text, size, bold, rtl)
    families = {run.font for run, _, _ in placed} or {"sans"}
    metrics = [_ink(fonts.font(family, size, bold), family) for family in families]
    return LineExtent(
        width=sum(width for _, width, _ in placed),
        ascent=max(a for a, _ in metrics),
        descent=max(d for _, d in metrics)
        + max(round(fonts.leading(family) * size) for family in families),
    )


@lru_cache(maxsize=512)
def _ink(font: ImageFont.FreeTypeFont, family: str) -> tuple[int, int]:
    direction = "rtl" if family in RTL_FAMILIES else "ltr"
    _, top, _, bottom = font.getbbox(REFERENCE_TEXT[family], anchor="ls", direction=direction)
    return -int(top), int(bottom)


@cache
def load_fonts(directories: tuple[Path, ...] = DEFAULT_FONT_DIRS) -> FontSet:
    """The card fonts under `directories`, found and loaded once per process."""
    return FontSet(find_fonts(directories))


def check_coverage(texts: Iterable[str], fonts: FontSet) -> None:
    """Raise FontError if any of `texts` has a character no card font can draw."""
    for text in texts:
        fonts.runs(text)
