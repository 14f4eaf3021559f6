"""The in-page camera scanner, fed by Chromium's fake camera showing a printed card's QR code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PIL import Image
from playwright.sync_api import Playwright

from cards import qr
from cards.render.qr_png import qr_image
from kiosk import db
from kiosk.domain.cards import registry
from tests.browsers import launch
from tests.kiosk.verify.conftest import PHONE, Site

PROFILE = {"name": "Amina Diallo", "birth_date": "1994-03-12", "blood_group": "A-"}
FRAME = (640, 480)


def write_y4m(image: Image.Image, path: Path) -> None:
    """One grey frame in YUV4MPEG2 (4:2:0), the format Chromium's fake camera reads."""
    frame = Image.new("L", FRAME, 255)
    image = image.convert("L")
    image.thumbnail((FRAME[1] - 40, FRAME[1] - 40))
    frame.paste(image, ((FRAME[0] - image.width) // 2, (FRAME[1] - image.height) // 2))
    chroma = bytes([128]) * (FRAME[0] // 2 * FRAME[1] // 2)
    header = f"YUV4MPEG2 W{FRAME[0]} H{FRAME[1]} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + b"FRAME\n" + frame.tobytes() + chroma + chroma)


def test_camera_reads_the_card_and_shows_the_verdict(
    site: Site, tmp_path: Path, playwright: Playwright
) -> None:
    services = site.app.extensions["ehcard"]
    with db.session_scope(services.sessions) as session:
        text = registry.issue_card(
            session, services.settings, services.keyring, PROFILE, today=datetime.now(UTC).date()
        ).qr_text
    video = tmp_path / "card.y4m"
    write_y4m(qr_image(qr.make_symbol(text), module_pixels=6), video)
    # A Chromium of its own: the fake camera is a launch flag.
    browser = launch(
        playwright,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    )
    try:
        context = browser.new_context(viewport=PHONE, locale="en-GB")
        context.grant_permissions(["camera"], origin=site.base)
        page = context.new_page()
        page.goto(f"{site.base}/V")
        page.wait_for_selector("html[data-ready=true]")
        page.click("#camera")
        page.wait_for_selector('#verdict[data-status="valid"]', timeout=20_000)
        assert page.is_hidden("#viewfinder")  # the camera is released once a code is read
        assert "A negative" in page.inner_text('dd[data-field="blood_group"]')
    finally:
        browser.close()
