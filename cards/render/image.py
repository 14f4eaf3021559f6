"""A laid-out card as Pillow images: each side, and the strip a thermal printer prints.

Text is drawn anti-aliased in mode "L" for PNG and PDF; thermal printers get
mode "1", thresholded (not dithered: dithered text and QR edges smear on a
thermal head). QR modules are drawn as whole blocks of dots, never resampled; a
code fills its square, some modules a dot wider than others (`module_edges`).
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from cards.render.flow import QrItem, RuleItem, TextItem
from cards.render.fonts import FontSet
from cards.render.layout import CardLayout, Side

WHITE, BLACK, FRAME = 255, 0, 180
# Between front and back on a thermal strip: a dashed fold line with this much paper each side.
FOLD_GAP_MM = 3.0


def render_side(side: Side, fonts: FontSet) -> Image.Image:
    """One side of the card as a greyscale image (mode "L"), `side.width` dots wide."""
    image = Image.new("L", (side.width, side.height), WHITE)
    canvas = ImageDraw.Draw(image)
    for item in side.items:
        if isinstance(item, QrItem):
            draw_qr(canvas, item)
        elif isinstance(item, RuleItem):
            canvas.rectangle(
                (item.x, item.y, item.x + item.width - 1, item.y + item.height - 1), fill=BLACK
            )
        else:
            _draw_text(image, item, fonts)
    return image


def draw_qr(canvas: ImageDraw.ImageDraw, qr: QrItem) -> None:
    """The symbol's dark modules as filled blocks of whole dots, quiet zone white."""
    box = qr.box_dots
    canvas.rectangle((qr.x, qr.y, qr.x + box - 1, qr.y + box - 1), fill=WHITE)
    edges = qr.edges[qr.quiet_zone :]
    for row, modules in enumerate(qr.matrix):
        top, bottom = qr.y + edges[row], qr.y + edges[row + 1] - 1
        for column, dark in enumerate(modules):
            if dark:
                left, right = qr.x + edges[column], qr.x + edges[column + 1] - 1
                canvas.rectangle((left, top, right, bottom), fill=BLACK)


def _draw_text(image: Image.Image, item: TextItem, fonts: FontSet) -> None:
    width = fonts.extent(item.text, item.size, bold=item.bold, rtl=item.rtl).width
    if item.align == "left":
        x = item.x
    elif item.align == "right":
        x = item.x + item.width - width
    else:
        x = item.x + (item.width - width) // 2
    fonts.draw(
        image,
        (x, item.y),
        item.text,
        item.size,
        bold=item.bold,
        rtl=item.rtl,
        language=item.language,
    )


def render_card(layout: CardLayout, fonts: FontSet) -> tuple[Image.Image, Image.Image]:
    """(front, back) as greyscale images."""
    return render_side(layout.front, fonts), render_side(layout.back, fonts)


def card_image(layout: CardLayout, fonts: FontSet) -> Image.Image:
    """Front above back in one greyscale image, each side framed by a thin grey line."""
    front, back = render_card(layout, fonts)
    gap = layout.profile.dots(FOLD_GAP_MM)
    image = Image.new("L", (front.width + 2, front.height + back.height + gap + 4), WHITE)
    canvas = ImageDraw.Draw(image)
    y = 0
    for side in (front, back):
        canvas.rectangle((0, y, side.width + 1, y + side.height + 1), outline=FRAME)
        image.paste(side, (1, y + 1))
        y += side.height + 2 + gap
    return image


def thermal_strip(layout: CardLayout, fonts: FontSet) -> Image.Image:
    """Front, a dashed fold line, then back, as one 1-bit image for a thermal printer."""
    front, back = render_card(layout, fonts)
    return stack_for_thermal([front, back], fold_gap=layout.profile.dots(FOLD_GAP_MM))


def stack_for_thermal(sides: list[Image.Image], *, fold_gap: int) -> Image.Image:
    """Sides one under the other, dashed fold lines between, thresholded to mode "1"."""
    width = max(side.width for side in sides)
    height = sum(side.height for side in sides) + fold_gap * 2 * (len(sides) - 1)
    strip = Image.new("L", (width, height), WHITE)
    canvas = ImageDraw.Draw(strip)
    y = 0
    for index, side in enumerate(sides):
        if index:
            y += fold_gap
            dash = max(4, fold_gap // 2)
            for x in range(0, width, dash * 2):
                canvas.rectangle((x, y - 1, x + dash - 1, y), fill=BLACK)
            y += fold_gap
        strip.paste(side, (0, y))
        y += side.height
    return to_thermal(strip)


def to_thermal(image: Image.Image) -> Image.Image:
    """Mode "1" by threshold at mid-grey."""
    return image.convert("L").convert("1", dither=Image.Dither.NONE)
