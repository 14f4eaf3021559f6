"""Issue latency: sign + lay out + render + ESC/POS encode, against signing alone.

Run: python bench/issue_latency.py

Over the reference holder profiles (tests/profiles/*.json; a few written here
when that folder is absent), in the holder's language beside French, for the
default 58 mm printer (and the 80 mm one and the CR80 PDF for comparison).
Every card is new (fresh card id and record key, so a new QR symbol and card
code); fonts are loaded once before timing, as in a running kiosk, and the
words every card shares stay rasterised between cards (one line measures a
card whose every word is new to the process: the text caches emptied first).

Times are process CPU time per card (a shared machine slows wall time, not the
work), with wall time beside them; baseline and full issue take turns card by
card so both meet the same machine.

Text is measured and rasterised once per process and kept (Pillow renders
glyph by glyph, ~0.5 ms a line): a kiosk prints the same labels on every card.
So three cases: a card whose words were all printed before (steady state), a
new holder's card in a process that printed every other reference holder's
(their name, dates, contact and rarer labels are new), and the first card of a
process.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cards.profile import parse_profile  # noqa: E402
from cards.render import fonts as fonts_module  # noqa: E402
from cards.render.escpos import escpos_job  # noqa: E402
from cards.render.fonts import load_fonts  # noqa: E402
from cards.render.image import render_card, thermal_strip  # noqa: E402
from cards.render.layout import CardLayout, layout_card  # noqa: E402
from cards.render.pdf import card_pdf  # noqa: E402
from cards.render.profiles import CR80_300DPI, PrinterProfile, printer_profile  # noqa: E402
from cards.valuesets import UI_LANGUAGES  # noqa: E402
from signing.issuance import IssuedCard, new_card, sign_and_encode  # noqa: E402
from signing.keys import PrivateKey  # noqa: E402

PROFILES = ROOT / "tests" / "profiles"
HOST = "EHC.EXAMPLE.ORG"
TODAY = date(2026, 11, 27)
ROUNDS = 10
TARGET_MEDIAN_MS = 50.0
FALLBACK_PROFILES: dict[str, dict[str, Any]] = {
    "arabic": {
        "name": "محمد عبد الله",
        "birth_date": "1988-05-02",
        "blood_group": "B+",
        "allergies": ["294505008"],
        "medications": ["A10AE04"],
        "conditions": ["E10"],
        "emergency_contact": {"name": "Fatima", "phone": "+33612345678"},
        "languages": ["ar", "fr"],
    },
    "tigrinya": {
        "name": "ሰላም ተስፋይ",
        "name_latin": "SELAM TESFAY",
        "birth_date": "1996",
        "blood_group": "unknown",
        "allergies": [],
        "medications": None,
        "conditions": ["E10"],
        "languages": ["ti"],
    },
    "ukrainian": {
        "name": "Олена Ґудзь",
        "birth_date": "1961-11-30",
        "blood_group": "A-",
        "allergies": ["294505008"],
        "medications": ["A10AE04"],
        "conditions": None,
        "emergency_contact": {"name": "Ігор", "phone": "+380501234567"},
        "languages": ["uk", "ru"],
    },
}


def holder_profiles() -> dict[str, dict[str, Any]]:
    files = sorted(PROFILES.glob("*.json"))
    if not files:
        return FALLBACK_PROFILES
    return {path.stem: json.loads(path.read_text("utf-8")) for path in files}


def holder_language(profile: dict[str, Any]) -> str:
    spoken = [code for code in profile.get("languages", []) if code in UI_LANGUAGES]
    return spoken[0] if spoken else "en"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def forget_words() -> None:
    """Empty the measured and rasterised text kept between cards, as in a fresh process."""
    for cached in (fonts_module._runs, fonts_module._placed, fonts_module._extent,
                   fonts_module._ink_mask):  # fmt: skip
        cached.cache_clear()


class Bench:
    def __init__(self) -> None:
        self.key = PrivateKey.generate()
        self.fonts = load_fonts()
        self.profiles = [
            (parse_profile(data, today=TODAY), holder_language(data))
            for data in holder_profiles().values()
        ]
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.wall: dict[str, list[float]] = defaultdict(list)

    def time(self, step: str, run: Callable[[], Any]) -> Any:
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        result = run()
        self.cpu[step].append((time.process_time() - start_cpu) * 1000)
        self.wall[step].append((time.perf_counter() - start_wall) * 1000)
        return result

    def sign(self, parsed: Any) -> IssuedCard:
        holder, data, provenance = parsed
        card = new_card(holder, data, provenance, issued=TODAY)
        return sign_and_encode(card, self.key, HOST)

    def lay_out(self, issued: IssuedCard, language: str, target: PrinterProfile) -> CardLayout:
        return layout_card(
            issued.card,
            issued.symbol,
            holder_language=language,
            receiving_language="fr",
            centre="Centre d'accueil de Paris 14e",
            profile=target,
            measure=self.fonts.with_floors(target.legibility),  # as the print worker does
        )

    def issue(self, parsed: Any, language: str, target: PrinterProfile) -> bytes:
        layout = self.lay_out(self.sign(parsed), language, target)
        if target is CR80_300DPI:
            return card_pdf(*render_card(layout, self.fonts))
        return escpos_job(thermal_strip(layout, self.fonts.with_floors(target.legibility)), target)

    def steps(self, parsed: Any, language: str) -> None:
        """Signing alone, then each step of a 58 mm print on its own, then whole issues."""
        default = printer_profile("58mm")
        self.time("sign only (baseline)", lambda: self.sign(parsed))
        issued = self.sign(parsed)
        layout = self.time("layout", lambda: self.lay_out(issued, language, default))
        fonts = self.fonts.with_floors(default.legibility)
        strip = self.time("render", lambda: thermal_strip(layout, fonts))
        self.time("ESC/POS encode", lambda: escpos_job(strip, default))
        for step, target in (
            (WARM_58, default),
            ("issue, 80 mm", printer_profile("80mm")),
            ("issue, CR80 PDF (front and back)", CR80_300DPI),
        ):
            self.time(step, lambda target=target: self.issue(parsed, language, target))

    def new_holder(self, index: int) -> None:
        """One holder's card in a process that has printed every other holder's, not theirs."""
        default = printer_profile("58mm")
        forget_words()
        for other, (parsed, language) in enumerate(self.profiles):
            if other != index:
                self.issue(parsed, language, default)
        parsed, language = self.profiles[index]
        self.time(NEW_HOLDER, lambda: self.issue(parsed, language, default))

    def fresh_process(self, index: int) -> None:
        parsed, language = self.profiles[index]
        forget_words()
        self.time(FRESH, lambda: self.issue(parsed, language, printer_profile("58mm")))

    def report(self) -> None:
        print(f"## Issue latency ({len(self.profiles)} reference profiles, {ROUNDS} rounds)\n")
        print("| step | median ms (CPU) | p95 ms (CPU) | median ms (wall) | cards |")
        print("|------|----------------:|-------------:|-----------------:|------:|")
        for step, samples in self.cpu.items():
            print(
                f"| {step} | {statistics.median(samples):.1f} | {percentile(samples, 0.95):.1f}"
                f" | {statistics.median(self.wall[step]):.1f} | {len(samples)} |"
            )
        baseline = statistics.median(self.cpu["sign only (baseline)"])
        print()
        for step in (WARM_58, NEW_HOLDER):
            median = statistics.median(self.cpu[step])
            verdict = "met" if median <= TARGET_MEDIAN_MS else "NOT met"
            print(
                f"- {step}: median {median:.1f} ms, {median - baseline:.1f} ms over signing "
                f"alone (target median <= {TARGET_MEDIAN_MS:.0f} ms: {verdict})."
            )


WARM_58 = "issue, 58 mm (sign + layout + render + ESC/POS)"
NEW_HOLDER = "issue, 58 mm, a new holder (their words never printed before)"
FRESH = "issue, 58 mm, first card of a process (no word printed before)"


def main() -> None:
    bench = Bench()
    for parsed, language in bench.profiles:  # warm up: fonts, code paths, shared words
        bench.issue(parsed, language, printer_profile("58mm"))
    for _ in range(ROUNDS):
        for parsed, language in bench.profiles:
            bench.steps(parsed, language)
    for index in range(len(bench.profiles)):
        bench.new_holder(index)
        bench.fresh_process(index)
    bench.report()


if __name__ == "__main__":
    main()
