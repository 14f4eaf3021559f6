"""Positioned items of a card side, and a column that stacks wrapped text into them.

Geometry is in printer dots (pixels). Text is measured through `TextMeasure`
(the fonts), so layout stays free of images; a column that runs out of room
says so (`fits`), and the caller shrinks the text or summarises lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from cards.qr import QUIET_ZONE
from cards.render.content import Pair, Phrase
from cards.render.profiles import PrinterProfile

Align = Literal["left", "right", "center"]


class Extent(Protocol):
    @property
    def width(self) -> int: ...

    @property
    def height(self) -> int: ...


class TextMeasure(Protocol):
    """Measures a line of text as the renderer will draw it."""

    def extent(self, text: str, size: int, *, bold: bool = False, rtl: bool = False) -> Extent: ...


@dataclass(frozen=True)
class TextItem:
    x: int
    y: int
    width: int  # of the box the line is aligned in
    height: int
    text: str
    size: int  # pixels
    bold: bool
    rtl: bool
    align: Align
    language: str


def module_edges(modules: int, dots: int) -> tuple[int, ...]:
    """Where each of `modules` modules starts across `dots` printer dots, and where the last ends.

    Edges fall on the nearest whole dot to an even division, so a code fills
    its area: when `dots` is not a whole multiple of `modules`, some modules
    are one dot wider than the others, never resampled or blurred.
    """
    return tuple((2 * i * dots + modules) // (2 * modules) for i in range(modules + 1))


@dataclass(frozen=True)
class QrItem:
    """A QR symbol filling the square of `box_dots` dots at (x, y), its quiet zone included."""

    x: int
    y: int
    box_dots: int
    matrix: tuple[tuple[bool, ...], ...]
    quiet_zone: int = QUIET_ZONE

    @property
    def modules(self) -> int:
        """Modules across the box, quiet zone included."""
        return len(self.matrix) + 2 * self.quiet_zone

    @property
    def edges(self) -> tuple[int, ...]:
        """Module edges in dots from the box's left (or top) side: see `module_edges`."""
        return module_edges(self.modules, self.box_dots)

    @property
    def narrowest_module_dots(self) -> int:
        return self.box_dots // self.modules


@dataclass(frozen=True)
class RuleItem:
    """A filled rectangle: a separator line or a frame side."""

    x: int
    y: int
    width: int
    height: int


Item = TextItem | QrItem | RuleItem


@dataclass(frozen=True)
class Style:
    size_pt: float
    bold: bool = False


@dataclass
class Column:
    """Stacks lines from `y` down in the box [x, x + width) until `bottom`."""

    measure: TextMeasure
    profile: PrinterProfile
    x: int
    y: int
    width: int
    bottom: int
    scale: float
    rtl: bool = False  # the column's reading direction: where "start" is
    break_words: bool = False  # last resort: split a word too long for the width
    items: list[Item] = field(default_factory=list)
    overflow: bool = False

    @property
    def fits(self) -> bool:
        return not self.overflow and self.y <= self.bottom

    def size(self, style: Style) -> int:
        return self.profile.points(style.size_pt * self.scale)

    def gap(self, size_pt: float) -> None:
        self.y += self.profile.points(size_pt * self.scale)

    def rule(self, thickness: int = 2) -> None:
        self.items.append(RuleItem(self.x, self.y, self.width, thickness))
        self.y += thickness

    def text(self, phrase: Phrase, style: Style, *, indent: int = 0) -> None:
        """`phrase` wrapped to the column width, aligned where its own script starts.

        The indent is on the column's starting side, as in a one-line pair, so text
        in the other direction stays flush with the lines above and below it.
        """
        size = self.size(style)
        rtl = phrase.rtl
        where: Align = "right" if rtl else "left"
        left = self.x if self.rtl else self.x + indent
        for line in self._wrap(phrase.text, size, style.bold, rtl, self.width - indent):
            height = self.measure.extent(line, size, bold=style.bold, rtl=rtl).height
            self.items.append(
                TextItem(
                    left,
                    self.y,
                    self.width - indent,
                    height,
                    line,
                    size,
                    style.bold,
                    rtl,
                    where,
                    phrase.language,
                )
            )
            self.y += height

    def pair(self, pair: Pair, style: Style, *, indent: int = 0) -> None:
        """Both phrases on one line (first at the start, second at the end) or stacked."""
        if pair.second is None:
            self.text(pair.first, style, indent=indent)
            return
        size = self.size(style)
        extents = [
            self.measure.extent(phrase.text, size, bold=style.bold, rtl=phrase.rtl)
            for phrase in pair.phrases
        ]
        spacing = self.profile.points(4 * self.scale)
        if sum(extent.width for extent in extents) + spacing > self.width - indent:
            for phrase in pair.phrases:
                self.text(phrase, style, indent=indent)
            return
        start: Align = "right" if self.rtl else "left"
        end: Align = "left" if self.rtl else "right"
        height = max(extent.height for extent in extents)
        for phrase, where, extent in zip(pair.phrases, (start, end), extents, strict=True):
            self.items.append(
                TextItem(
                    self.x + indent,
                    self.y + height - extent.height,
                    self.width - indent,
                    extent.height,
                    phrase.text,
                    size,
                    style.bold,
                    phrase.rtl,
                    where,
                    phrase.language,
                )
            )
        self.y += height

    def beside(self, label: Pair, label_style: Style, value: Phrase, value_style: Style) -> None:
        """A large value at the end of the line, its label's phrases stacked at the start."""
        size = self.size(value_style)
        extent = self.measure.extent(value.text, size, bold=value_style.bold, rtl=value.rtl)
        spacing = self.profile.points(4 * self.scale)
        labels = Column(
            self.measure,
            self.profile,
            self.x,
            self.y,
            self.width - extent.width - spacing,
            self.bottom,
            self.scale,
            self.rtl,
            self.break_words,
        )
        if self.rtl:
            labels.x += extent.width + spacing
        for phrase in label.phrases:
            labels.text(phrase, label_style)
        self.overflow = self.overflow or labels.overflow
        height = max(labels.y - self.y, extent.height)
        self.items.extend(labels.items)
        self.items.append(
            TextItem(
                self.x,
                self.y + (height - extent.height) // 2,
                self.width,
                extent.height,
                value.text,
                size,
                value_style.bold,
                value.rtl,
                "left" if self.rtl else "right",
                value.language,
            )
        )
        self.y += height

    def _wrap(self, text: str, size: int, bold: bool, rtl: bool, width: int) -> list[str]:
        def fits(candidate: str) -> bool:
            return self.measure.extent(candidate, size, bold=bold, rtl=rtl).width <= width

        lines: list[str] = []
        current = ""
        for word in text.split(" "):
            candidate = f"{current} {word}" if current else word
            if fits(candidate):
                current = candidate
                continue
            if current:
                lines.append(current)
            if fits(word):
                current = word
            elif self.break_words:
                pieces = self._break(word, fits)
                lines.extend(pieces[:-1])
                current = pieces[-1]
            else:
                self.overflow = True
                current = word
        lines.append(current)
        return lines

    @staticmethod
    def _break(word: str, fits: Callable[[str], bool]) -> list[str]:
        pieces: list[str] = []
        current = ""
        for char in word:
            if current and not fits(current + char):
                pieces.append(current)
                current = ""
            current += char
        pieces.append(current)
        return pieces
