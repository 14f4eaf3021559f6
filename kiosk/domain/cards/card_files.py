"""A signed card written as files: PNG (front above back), CR80 PDF, A4 sheet PDF."""

from __future__ import annotations

from pathlib import Path

from cards.render.fonts import DEFAULT_FONT_DIRS, FontSet, load_fonts
from cards.render.image import card_image, render_card
from cards.render.layout import CardLayout, layout_card
from cards.render.pdf import card_pdf, sheet_pdf
from cards.render.profiles import CR80_300DPI
from kiosk.config import Settings
from signing.issuance import IssuedCard


def card_fonts(settings: Settings) -> FontSet:
    return load_fonts((settings.font_dir,) if settings.font_dir else DEFAULT_FONT_DIRS)


def cr80_layout(issued: IssuedCard, settings: Settings, *, holder_language: str) -> CardLayout:
    """`issued` laid out as a CR80 card at 300 dpi, in the holder's and the card language."""
    return layout_card(
        issued.card,
        issued.symbol,
        holder_language=holder_language,
        receiving_language=settings.card_language,
        centre=settings.centre_name,
        profile=CR80_300DPI,
        measure=card_fonts(settings),
    )


def write_card_files(
    issued: IssuedCard,
    settings: Settings,
    *,
    holder_language: str,
    png: Path | None = None,
    pdf: Path | None = None,
    a4: Path | None = None,
) -> None:
    """Write each file asked for; the layout is made once for all of them."""
    if png is None and pdf is None and a4 is None:
        return
    layout = cr80_layout(issued, settings, holder_language=holder_language)
    fonts = card_fonts(settings)
    if png is not None:
        card_image(layout, fonts).save(png, format="PNG", dpi=(CR80_300DPI.dpi,) * 2)
    if pdf is not None or a4 is not None:
        front, back = render_card(layout, fonts)
        if pdf is not None:
            pdf.write_bytes(card_pdf(front, back))
        if a4 is not None:
            a4.write_bytes(sheet_pdf(front, back))
