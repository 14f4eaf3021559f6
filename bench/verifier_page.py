"""How heavy the verifier page is on a phone's first visit, and how fast it verifies.

Serves the real app on a loopback port, opens /V#<card> in Debian's Chromium with a fresh
profile and sums every response: the page's own first load (what the doctor waits for) and
everything the service worker keeps for offline use. Then times verifications inside the
page (WebCrypto and the vendored noble engine) against Python's verifier in the same run.

    .venv/bin/python bench/verifier_page.py [--runs 200]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import Response

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from kiosk import db
from kiosk.domain.cards import registry
from signing.verifier import Verifier
from tests.browsers import chromium, new_page
from tests.servers import free_port, serving

FIRST_LOAD_TARGET = 200_000
PROFILE = {
    "name": "أمينة ديالو",
    "birth_date": "1994-03-12",
    "sex": "female",
    "blood_group": "O+",
    "allergies": ["91936005", "293586001"],
    "medications": ["A10AE04", "C09AA05"],
    "conditions": ["E10", "I10"],
    "emergency_contact": {"name": "Moussa Diallo", "phone": "+33612345678"},
    "languages": ["ar", "fr"],
}
# Times the verification alone (lists already loaded), as when a doctor scans card after card.
TIMING = """async ([text, context, runs, engine]) => {
  const { verifyText } = await import("/static/verify/verifier.js");
  const { fromHex } = await import("/static/verify/envelope.js");
  const { loadTrustList, RevocationCache } = await import("/static/verify/lists.js");
  const trust = await loadTrustList(fromHex(context.trust), context.rootKeys.map(fromHex));
  const options = {
    trust, revocations: new RevocationCache(), engine, skewMs: 86400000, now: Date.now(),
    translit: (await (await fetch("/V/labels-en.json")).json()).icao9303,
  };
  const first = await verifyText(text, options);
  if (first.status !== "valid") throw new Error(first.reason);
  const start = performance.now();
  for (let i = 0; i < runs; i += 1) await verifyText(text, options);
  return (performance.now() - start) / runs;
}"""
# Everything the service worker keeps for offline use.
CACHED_BYTES = """async () => {
  let total = 0;
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      total += (await (await cache.match(request)).arrayBuffer()).byteLength;
    }
  }
  return total;
}"""


def _sizes(responses: list[Response]) -> tuple[int, int, int]:
    raw = gzipped = 0
    for response in responses:
        if 300 <= response.status < 400:
            continue  # redirects and 304s carry no body
        body = response.body()
        raw += len(body)
        gzipped += len(gzip.compress(body, 6))
    return len(responses), raw, gzipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    folder = Path(tempfile.mkdtemp(prefix="ehcard-bench-"))
    port = free_port()
    host = f"127.0.0.1:{port}"
    app = create_app({"instance": folder / "instance", "card_host": host})
    services = app.extensions["ehcard"]
    with db.session_scope(services.sessions) as session:
        issued = registry.issue_card(
            session, services.settings, services.keyring, PROFILE, today=datetime.now(UTC).date()
        )
    context_json = {
        "trust": services.keyring.trust_document.hex(),
        "rootKeys": [services.keyring.root_public_key.raw.hex()],
        "revocations": [],
        "now": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "skewHours": 24,
    }
    with (
        serving(app, port) as base,
        chromium() as browser,
        new_page(browser, viewport={"width": 390, "height": 844}, locale="fr-FR") as page,
    ):
        page_responses: list[Response] = []
        page.on("response", lambda response: page_responses.append(response))
        started = time.perf_counter()
        page.goto(f"{base}/V#{issued.qr_text.split('#', 1)[1]}")
        page.wait_for_selector("#verdict[data-status]")
        shown_ms = (time.perf_counter() - started) * 1000
        verdict = page.get_attribute("#verdict", "data-status")
        first_load = _sizes(list(page_responses))
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.wait_for_load_state("networkidle")
        offline_bytes = page.evaluate(CACHED_BYTES)
        timings = {
            engine: page.evaluate(TIMING, [issued.qr_text, context_json, runs, engine])
            for engine in ("webcrypto", "noble")
        }

    verifier = Verifier(trust_list=services.keyring.trust_list)
    start = time.perf_counter()
    for _ in range(runs):
        verifier.verify(issued.qr_text)
    python_ms = (time.perf_counter() - start) * 1000 / runs

    print(f"verifier page, card of {len(issued.payload)} payload bytes, verdict {verdict}")
    print(f"{'measure':44} {'value':>14} {'baseline / target':>20}")
    print(f"{'first load: responses':44} {first_load[0]:>14}")
    print(f"{'first load: bytes (uncompressed)':44} {first_load[1]:>14,} {FIRST_LOAD_TARGET:>20,}")
    print(f"{'first load: bytes (gzip -6, as a proxy sends)':44} {first_load[2]:>14,}")
    print(f"{'service worker cache (all 11 languages): bytes':44} {offline_bytes:>14,}")
    print(f"{'time to verdict on first load (ms)':44} {shown_ms:>14.0f}")
    for engine, ms in timings.items():
        print(f"{'in-browser verify, ' + engine + ' (ms/card)':44} {ms:>14.3f} {python_ms:>20.3f}")
    print(f"{'python Verifier.verify (ms/card, baseline)':44} {python_ms:>14.3f}")
    verdict_ok = "within" if first_load[1] <= FIRST_LOAD_TARGET else "ABOVE"
    print(f"first load is {verdict_ok} the {FIRST_LOAD_TARGET // 1000} kB target")


if __name__ == "__main__":
    main()
