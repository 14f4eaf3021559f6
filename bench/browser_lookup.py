"""Revocation filter lookups in the browser: the page's own lists.js and ribbon.js in Chromium.

`browser_lookup_us` loads a signed filter document as the verifier page does (signature,
then every layer) and times `filterLookup` (filter.js) over the given revocation ids, one after the
other as a page checks cards (each lookup hashes with WebCrypto's SHA-256: one to three
hashes a card, more for a revoked one's reason). bench/revocation_scale.py prints it
beside the Python lookup. The modules are served to the page from static/verify/ by
Playwright's request routing, at a loopback origin (a secure context, for WebCrypto).
"""

from __future__ import annotations

import mimetypes
import sys
from pathlib import Path

from playwright.sync_api import Browser, Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browsers import chromium, new_page

STATIC = Path(__file__).resolve().parent.parent / "static"
# Never contacted: every request to it is answered from STATIC by the route below.
ORIGIN = "http://127.0.0.1:9"
WARM_UP = 50
TIME_LOOKUPS = """async ([documentHex, publicKeyHex, ridsHex, cardIssued, warmUp]) => {
  const { keyId } = await import("/static/verify/lists.js");
  const { filterLookup, loadRevocationFilter } = await import("/static/verify/filter.js");
  const { fromHex, toHex } = await import("/static/verify/envelope.js");
  const publicKey = fromHex(publicKeyHex);
  const issuer = { publicKey, keyId: toHex(await keyId(publicKey)) };
  const filter = await loadRevocationFilter(fromHex(documentHex), issuer);
  const rids = ridsHex.map(fromHex);
  for (const rid of rids.slice(0, warmUp)) await filterLookup(filter, rid, cardIssued);
  const started = performance.now();
  for (const rid of rids) await filterLookup(filter, rid, cardIssued);
  return ((performance.now() - started) * 1000) / rids.length;
}"""


def _serve(route: Route) -> None:
    path = route.request.url.removeprefix(ORIGIN).split("?", 1)[0]
    if path == "/":
        route.fulfill(
            status=200, content_type="text/html", body="<!doctype html><title>bench</title>"
        )
        return
    file = (STATIC / path.removeprefix("/static/")).resolve()
    if not path.startswith("/static/") or STATIC not in file.parents or not file.is_file():
        route.fulfill(status=404, body="")
        return
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if file.suffix == ".js":
        kind = "text/javascript"
    route.fulfill(status=200, content_type=kind, body=file.read_bytes())


def browser_lookup_us(
    document: bytes,
    issuer_public_key: bytes,
    rids: list[bytes],
    card_issued_day: int,
    browser: Browser | None = None,
) -> float:
    """Mean µs of a filter lookup in Chromium over `rids` (8-byte revocation ids) of cards
    issued on `card_issued_day` (days since 1970-01-01, as the card format counts them);
    in `browser` when given (a test's), else in a Chromium of its own."""
    if not rids:
        raise ValueError("time at least one lookup")
    if browser is None:
        with chromium() as own:
            return browser_lookup_us(document, issuer_public_key, rids, card_issued_day, own)
    with new_page(browser) as page:
        page.route(f"{ORIGIN}/**", _serve)
        page.goto(f"{ORIGIN}/")
        arguments = [document.hex(), issuer_public_key.hex(), [r.hex() for r in rids]]
        mean: float = page.evaluate(TIME_LOOKUPS, [*arguments, card_issued_day, WARM_UP])
    return mean
