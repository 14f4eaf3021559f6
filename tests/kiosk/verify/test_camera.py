"""The in-page camera scanner, fed by Chromium's fake camera filming a printed card.

The browser has no usable BarcodeDetector here (removed, broken or without QR codes), so every
frame goes to zxing-cpp's WebAssembly build in the page's decoder worker. The film shows a
code too damaged to read for a second, then the printed card, over and over."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, Playwright

from cards import qr
from cards.render.image import card_image
from cards.render.qr_png import qr_image
from kiosk import db
from kiosk.domain.cards import registry
from kiosk.domain.cards.card_files import card_fonts, cr80_layout
from signing.issuance import IssuedCard
from tests.browsers import launch
from tests.kiosk.verify.conftest import PHONE, Site

# One database is enough: these tests are about the page's decoder, not the lists.
pytestmark = pytest.mark.parametrize("site", ["sqlite"], indirect=True)

PROFILE = {"name": "Amina Diallo", "birth_date": "1994-03-12", "blood_group": "A-"}
FRAME = (640, 480)
FRAMES_A_SECOND = 5
SECONDS_EACH = 1
WORKER = "/V/decode-worker.js"
VENDORED_WASM = "zxing-wasm-3.1.8/dist/reader/zxing_reader.wasm"
UNREADABLE = "QR code seen but not readable"
# Each browser the page can meet where the wasm decoder must take over.
DETECTORS = {
    "absent": "delete window.BarcodeDetector;",
    "throws": """window.BarcodeDetector = class {
        static async getSupportedFormats() { return ["qr_code"]; }
        async detect() { throw new DOMException("detector crashed", "NotSupportedError"); }
    };""",
    "no_qr_code": """window.BarcodeDetector = class {
        static async getSupportedFormats() { return ["ean_13", "code_128"]; }
        async detect() { throw new Error("asked for a format it said it lacks"); }
    };""",
}
# Every text the scan status shows, in order, for the test to read afterwards.
RECORD_STATUS = """window.addEventListener("DOMContentLoaded", () => {
    window.statusHistory = [];
    const status = document.getElementById("scan-status");
    new MutationObserver(() => window.statusHistory.push(status.textContent))
        .observe(status, { childList: true, characterData: true, subtree: true });
});"""


def printed_card(site: Site, issued: IssuedCard) -> Image.Image:
    """The card as the kiosk prints it (CR80, 300 dpi), cropped around its code as a phone
    held close to it frames it."""
    settings = site.app.extensions["ehcard"].settings
    card = card_image(cr80_layout(issued, settings, holder_language="en"), card_fonts(settings))
    found = zxingcpp.read_barcodes(card, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [code.text for code in found] == [issued.qr_text]
    corners = found[0].position
    points = (corners.top_left, corners.top_right, corners.bottom_left, corners.bottom_right)
    left, right = min(p.x for p in points), max(p.x for p in points)
    top, bottom = min(p.y for p in points), max(p.y for p in points)
    margin = (right - left) // 3
    return card.crop(
        (max(left - margin, 0), max(top - margin, 0),
         min(right + margin, card.width), min(bottom + margin, card.height))
    )  # fmt: skip


def damaged(symbol: qr.QrSymbol) -> Image.Image:
    """The code with a quarter of its data modules flipped: its finder patterns, timing and
    format information intact (a decoder sees a QR code), far past what ECC M repairs."""
    rng = random.Random(13)
    size = symbol.size
    kept = {(y, x) for y in range(size) for x in range(size) if _function_module(y, x, size)}
    matrix = tuple(
        tuple(dark ^ ((y, x) not in kept and rng.random() < 0.25) for x, dark in enumerate(row))
        for y, row in enumerate(symbol.matrix)
    )
    return qr_image(replace(symbol, matrix=matrix), module_pixels=6)


def _function_module(y: int, x: int, size: int) -> bool:
    corner = 9
    near_top, near_left = y < corner, x < corner
    near_bottom, near_right = y >= size - corner, x >= size - corner
    finders = (near_top and (near_left or near_right)) or (near_bottom and near_left)
    return finders or y == 6 or x == 6


def y4m_frame(image: Image.Image) -> bytes:
    """One grey frame (4:2:0) with `image` centred, as Chromium's fake camera reads them."""
    frame = Image.new("L", FRAME, 255)
    image = image.convert("L")
    image.thumbnail((FRAME[1] - 40, FRAME[1] - 40))
    frame.paste(image, ((FRAME[0] - image.width) // 2, (FRAME[1] - image.height) // 2))
    chroma = bytes([128]) * (FRAME[0] // 2 * FRAME[1] // 2)
    return b"FRAME\n" + frame.tobytes() + chroma + chroma


def write_y4m(path: Path, *images: Image.Image) -> None:
    """A film of `images`, each shown for SECONDS_EACH, in YUV4MPEG2."""
    header = f"YUV4MPEG2 W{FRAME[0]} H{FRAME[1]} F{FRAMES_A_SECOND}:1 Ip A1:1 C420jpeg\n"
    frames = [y4m_frame(image) for image in images]
    path.write_bytes(
        header.encode() + b"".join(f for f in frames for _ in range(FRAMES_A_SECOND * SECONDS_EACH))
    )


@pytest.fixture(scope="module")
def issued(site: Site) -> IssuedCard:
    services = site.app.extensions["ehcard"]
    with db.session_scope(services.sessions) as session:
        return registry.issue_card(
            session, services.settings, services.keyring, PROFILE, today=datetime.now(UTC).date()
        )


@pytest.fixture(scope="module")
def camera(
    site: Site, issued: IssuedCard, playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    """A Chromium of its own (the fake camera is a launch flag), filming the damaged code,
    then the printed card, in a loop."""
    unreadable = damaged(qr.make_symbol(issued.qr_text))
    found = zxingcpp.read_barcodes(unreadable, return_errors=True)
    assert found and not any(code.valid for code in found)  # seen, but not readable
    video = tmp_path_factory.mktemp("camera") / "card.y4m"
    write_y4m(video, unreadable, printed_card(site, issued))
    browser = launch(
        playwright,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    )
    yield browser
    browser.close()


def open_page(camera: Browser, site: Site, detector: str = "absent") -> Page:
    context = camera.new_context(viewport=PHONE, locale="en-GB")
    context.grant_permissions(["camera"], origin=site.base)
    context.add_init_script(DETECTORS[detector])
    context.add_init_script(RECORD_STATUS)
    page = context.new_page()
    page.goto(f"{site.base}/V")
    page.wait_for_selector("html[data-ready=true]")
    return page


def scan(page: Page) -> None:
    page.click("#camera")
    page.wait_for_selector('#verdict[data-status="valid"]', timeout=30_000)
    assert page.is_hidden("#viewfinder")  # the camera is released once a code is read
    assert "A negative" in page.inner_text('dd[data-field="blood_group"]')
    assert [urlsplit(worker.url).path for worker in page.workers] == [WORKER]


@pytest.mark.parametrize("detector", sorted(DETECTORS))
def test_wasm_decoder_reads_the_printed_card_where_the_browser_cannot(
    camera: Browser, site: Site, detector: str
) -> None:
    """The film starts with the unreadable code: the page says so, keeps scanning, and reads
    the card when it comes."""
    page = open_page(camera, site, detector)
    try:
        scan(page)
        history: list[str] = page.evaluate("window.statusHistory")
        assert any(text.startswith(UNREADABLE) for text in history), history
        assert history[-1] == ""  # cleared once the card was read, after the message
    finally:
        page.context.close()


def test_wasm_decoder_reads_the_card_offline(camera: Browser, site: Site) -> None:
    page = open_page(camera, site)
    try:
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.context.set_offline(True)
        page.reload()  # a new page, with nothing of the decoder loaded yet
        page.wait_for_selector("html[data-ready=true]")
        scan(page)
    finally:
        page.context.close()


def test_the_page_requests_nothing_outside_its_own_origin(camera: Browser, site: Site) -> None:
    context = camera.new_context(viewport=PHONE, locale="en-GB")
    context.grant_permissions(["camera"], origin=site.base)
    context.add_init_script(DETECTORS["absent"])
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    try:
        page = context.new_page()
        page.goto(f"{site.base}/V")
        page.wait_for_selector("html[data-ready=true]")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        try:
            scan(page)
        finally:  # a request elsewhere (a CDN for the .wasm) is what to report first
            outside = [url for url in requested if not url.startswith(f"{site.base}/")]
            assert outside == []
        paths = {urlsplit(url).path for url in requested}
        assert {WORKER, f"/static/verify/vendor/{VENDORED_WASM}"} <= paths
    finally:
        context.close()


def test_a_photo_of_an_unreadable_code_says_so(
    camera: Browser, site: Site, issued: IssuedCard
) -> None:
    page = open_page(camera, site)
    try:
        photo = io.BytesIO()
        damaged(qr.make_symbol(issued.qr_text)).save(photo, "PNG")
        page.set_input_files(
            "#photo",
            files=[{"name": "card.png", "mimeType": "image/png", "buffer": photo.getvalue()}],
        )
        page.wait_for_function(
            f"() => document.getElementById('scan-status').textContent.startsWith('{UNREADABLE}')"
        )
        assert page.is_hidden("#result")
    finally:
        page.context.close()


def test_a_file_that_is_no_picture_finds_no_code(camera: Browser, site: Site) -> None:
    page = open_page(camera, site)
    try:
        page.set_input_files(
            "#photo", files=[{"name": "card.png", "mimeType": "image/png", "buffer": b"%PDF-1.7"}]
        )
        page.wait_for_function(
            "() => document.getElementById('scan-status').textContent.startsWith('No QR code')"
        )
    finally:
        page.context.close()


@pytest.mark.parametrize(
    ("missing", "source"),
    [(WORKER, "camera"), (f"/static/verify/vendor/{VENDORED_WASM}", "photo")],
)
def test_a_decoder_that_cannot_start_is_said(
    camera: Browser, site: Site, issued: IssuedCard, missing: str, source: str
) -> None:
    # No service worker here, so the browser's own network layer can lose the file.
    context = camera.new_context(viewport=PHONE, locale="en-GB", service_workers="block")
    context.grant_permissions(["camera"], origin=site.base)
    context.add_init_script(DETECTORS["absent"])
    context.route(f"{site.base}{missing}", lambda route: route.fulfill(status=404, body=""))
    try:
        page = context.new_page()
        page.goto(f"{site.base}/V")
        page.wait_for_selector("html[data-ready=true]")
        if source == "camera":
            page.click("#camera")
        else:
            photo = io.BytesIO()
            qr_image(qr.make_symbol(issued.qr_text)).save(photo, "PNG")
            page.set_input_files(
                "#photo",
                files=[{"name": "card.png", "mimeType": "image/png", "buffer": photo.getvalue()}],
            )
        page.wait_for_function(
            "() => document.getElementById('scan-status').textContent"
            ".startsWith('QR reader unavailable')"
        )
        assert page.is_hidden("#result")
        # Let every module finish arriving: a connection cut mid-file leaves the dev server's
        # file open, which the warnings-as-errors suite reports.
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
