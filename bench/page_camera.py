"""The verifier page's camera loop, for `page_decoder.py`: Chromium's fake camera filming a
printed card, the loop's decodes a second and its camera frame to verdict, without and with
the DevTools protocol's CPU throttling."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import wear
import zxingcpp
from PIL import Image, ImageFilter
from playwright.sync_api import Browser, Page

from cards.render.image import card_image
from kiosk.config import Settings
from kiosk.domain.cards.card_files import card_fonts, cr80_layout
from signing.issuance import IssuedCard
from tests.browsers import chromium, new_page

THROTTLE = 4
FRAME = (1280, 720)
FRAMES_A_SECOND = 30
PHONE_DISTANCE_MM = 100.0
CARD_DPI = 300
NO_DETECTOR = "delete window.BarcodeDetector;"
# Times every frame handed to the decoder worker, every answer, and every verdict shown.
PROBE = """(() => {
  window.probe = { sent: [], answered: [], verdicts: [] };
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => probe.answered.push(performance.now()));
    }
    postMessage(...args) {
      probe.sent.push(performance.now());
      super.postMessage(...args);
    }
  };
  window.addEventListener("DOMContentLoaded", () => {
    new MutationObserver(() => probe.verdicts.push(performance.now())).observe(
      document.getElementById("verdict"), { attributes: true, attributeFilter: ["data-status"] });
  });
})();"""
BUSY = "for (let i = 0, x = 0; i < 2e7; i += 1) x += i;"
BUSY_MAIN = f"() => {{ const t = performance.now(); {BUSY} return performance.now() - t; }}"
BUSY_WORKER = f"""() => new Promise((resolve) => {{
  const source = "onmessage = () => {{ const t = performance.now(); {BUSY} "
    + "postMessage(performance.now() - t); }};";
  const worker = new Worker(URL.createObjectURL(new Blob([source], {{ type: "text/javascript" }})));
  worker.onmessage = ({{ data }}) => {{ worker.terminate(); resolve(data); }};
  worker.postMessage(0);
}})"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def camera_frame(issued: IssuedCard, settings: Settings, *, sharp: bool) -> Image.Image:
    """The printed card as a phone 10 cm away frames it: its code in the middle of a 1280x720
    frame at the pixels a millimetre `wear.py` gives that distance; out of focus unless sharp."""
    card = card_image(cr80_layout(issued, settings, holder_language="en"), card_fonts(settings))
    found = zxingcpp.read_barcodes(card, formats=zxingcpp.BarcodeFormat.QRCode)
    if [code.text for code in found] != [issued.qr_text]:
        raise RuntimeError("the printed card's code does not read")
    scale = wear.pixels_per_mm(PHONE_DISTANCE_MM) / (CARD_DPI / 25.4)
    card = card.convert("L").resize((round(card.width * scale), round(card.height * scale)))
    corners = found[0].position
    centre_x = (corners.top_left.x + corners.bottom_right.x) / 2 * scale
    centre_y = (corners.top_left.y + corners.bottom_right.y) / 2 * scale
    frame = Image.new("L", FRAME, 90)  # a table under the card
    frame.paste(card, (round(FRAME[0] / 2 - centre_x), round(FRAME[1] / 2 - centre_y)))
    if not sharp:
        frame = frame.filter(ImageFilter.GaussianBlur(5))
        if zxingcpp.read_barcodes(frame):
            raise RuntimeError("the blurred frame must not decode")
    return frame


def write_y4m(path: Path, frame: Image.Image) -> None:
    """One second of `frame` in YUV4MPEG2 (grey, 4:2:0), which Chromium's fake camera loops."""
    chroma = bytes([128]) * (FRAME[0] // 2 * FRAME[1] // 2)
    header = f"YUV4MPEG2 W{FRAME[0]} H{FRAME[1]} F{FRAMES_A_SECOND}:1 Ip A1:1 C420jpeg\n"
    one = b"FRAME\n" + frame.tobytes() + chroma + chroma
    path.write_bytes(header.encode() + one * FRAMES_A_SECOND)


@contextmanager
def camera_page(browser: Browser, base: str, throttle: int) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    context.grant_permissions(["camera"], origin=base)
    context.add_init_script(NO_DETECTOR)
    context.add_init_script(PROBE)
    page = context.new_page()
    try:
        page.goto(f"{base}/V")
        page.wait_for_selector("html[data-ready=true]")
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        yield page
    finally:
        context.close()


@dataclass
class CameraFigures:
    """The camera loop at one CPU speed."""

    fps: float = 0.0  # decodes a second while no code is readable
    trip_ms: float = 0.0  # frame handed to the worker to its answer, median
    latencies: list[float] = field(default_factory=list)  # frame to verdict, a scan each
    decoding: list[float] = field(default_factory=list)  # of which decoding, a scan each
    busy_main_ms: float = 0.0
    busy_worker_ms: float = 0.0


def steady_rate(
    browser: Browser, base: str, throttle: int, seconds: float, figures: CameraFigures
) -> None:
    """Decodes a second, and decode round trips, while the camera films an unreadable code."""
    with camera_page(browser, base, throttle) as page:
        page.click("#camera")
        page.wait_for_function("() => probe.answered.length >= 3", timeout=60_000)
        first = page.evaluate("probe.answered.length")
        start = time.perf_counter()
        page.wait_for_timeout(seconds * 1000)
        elapsed = time.perf_counter() - start
        sent, answered = page.evaluate("[probe.sent, probe.answered]")
        page.click("#camera")  # stop
    figures.fps = (len(answered) - first) / elapsed
    trips = [done - out for out, done in zip(sent[first:], answered[first:], strict=False)]
    figures.trip_ms = statistics.median(trips)


def busy_loops(browser: Browser, throttle: int, figures: CameraFigures) -> None:
    """The same loop on a page and in a worker, under `throttle`: what the throttle reaches.
    On a blank page: the verifier's policy (rightly) allows no worker made from a blob."""
    with new_page(browser) as page:
        page.context.new_cdp_session(page).send(
            "Emulation.setCPUThrottlingRate", {"rate": throttle}
        )
        figures.busy_main_ms = statistics.median(page.evaluate(BUSY_MAIN) for _ in range(3))
        figures.busy_worker_ms = statistics.median(page.evaluate(BUSY_WORKER) for _ in range(3))


def frame_to_verdict(
    browser: Browser, base: str, throttle: int, scans: int, figures: CameraFigures
) -> None:
    """Milliseconds from the frame handed to the decoder to the verdict shown, and of them the
    decoding (to the worker's answer), a scan each; the first scan also starts the worker and
    compiles the WebAssembly."""
    with camera_page(browser, base, throttle) as page:
        for _ in range(scans):
            before = page.evaluate("probe.verdicts.length")
            page.click("#camera")
            page.wait_for_function(f"() => probe.verdicts.length > {before}", timeout=60_000)
            page.wait_for_selector("#viewfinder", state="hidden")
            if page.get_attribute("#verdict", "data-status") != "valid":
                raise RuntimeError("the scanned card is not shown VALID")
            sent, answered, verdicts = page.evaluate("[probe.sent, probe.answered, probe.verdicts]")
            frame = max(t for t in sent if t <= verdicts[before])
            figures.latencies.append(verdicts[before] - frame)
            figures.decoding.append(min(t for t in answered if t >= frame) - frame)


def camera_loop(base: str, films: dict[bool, Path], seconds: float, scans: int) -> None:
    """Print the camera loop's figures, unthrottled (the baseline) and throttled."""
    camera = {throttle: CameraFigures() for throttle in (1, THROTTLE)}
    for sharp, film in films.items():
        flags = (
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={film}",
        )
        with chromium(*flags) as browser:
            for throttle, figures in camera.items():
                if sharp:
                    frame_to_verdict(browser, base, throttle, scans, figures)
                else:
                    steady_rate(browser, base, throttle, seconds, figures)
                    busy_loops(browser, throttle, figures)

    print(f"\n## The camera loop ({FRAME[0]}x{FRAME[1]} at {FRAMES_A_SECOND} frames a second)\n")
    print(
        "| CPU | decodes a second | decode round trip | frame to verdict p95 | median "
        "| of which decoding | first scan | busy loop: page | busy loop: worker |"
    )
    print("|-----|------:|------:|------:|------:|------:|------:|------:|------:|")
    for throttle, figures in camera.items():
        warm = figures.latencies[1:] or figures.latencies
        decoding = figures.decoding[1:] or figures.decoding
        label = "unthrottled (baseline)" if throttle == 1 else f"{throttle}x throttled"
        print(
            f"| {label} | {figures.fps:.1f} | {figures.trip_ms:.0f} ms "
            f"| {percentile(warm, 0.95):.0f} ms | {statistics.median(warm):.0f} ms "
            f"| {statistics.median(decoding):.0f} ms | {figures.latencies[0]:.0f} ms "
            f"| {figures.busy_main_ms:.0f} ms | {figures.busy_worker_ms:.0f} ms |"
        )
