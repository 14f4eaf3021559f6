"""The patient's answers never leave the page and are never stored: no request carries them,
and no storage the page can reach (cookies, localStorage, sessionStorage, IndexedDB, the
Cache Storage) changes while the board is used."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request

from tests.kiosk.verify.board_pages import (
    BOARD_MODULES,
    give_back,
    hand_over,
    issue,
    open_board,
    phone_with_worker,
    pick,
    show_card,
)
from tests.kiosk.verify.conftest import Site

pytestmark = pytest.mark.parametrize("site", ["sqlite"], indirect=True)

# Everything the page could have kept: storage areas, cookies, IndexedDB records, cached URLs.
SNAPSHOT = """async () => {
  const databases = {};
  for (const { name } of await indexedDB.databases()) {
    const db = await new Promise((ok, fail) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => ok(open.result);
      open.onerror = () => fail(open.error);
    });
    for (const store of db.objectStoreNames) {
      const records = await new Promise((ok) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => ok(request.result);
      });
      const bytes = (v) => Array.from(new Uint8Array(v.buffer || v));
      databases[`${name}/${store}`] = JSON.stringify(records, (k, v) =>
        v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? bytes(v) : v);
    }
    db.close();
  }
  const cached = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    cached[name] = (await cache.keys()).map((r) => r.url).sort();
  }
  return {
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    cookies: document.cookie,
    databases,
    cached,
  };
}"""


def test_answers_are_neither_sent_nor_stored(site: Site, browser: Browser) -> None:
    card = issue(site, ["ti", "en"])
    page: Page = phone_with_worker(browser, site, "fr-FR")
    # Offline, so that no background list refresh writes to storage during the check.
    page.context.set_offline(True)
    show_card(page, site, card)
    before: dict[str, Any] = page.evaluate(SNAPSHOT)
    requests: list[Request] = []
    page.context.on("request", lambda request: requests.append(request))

    open_board(page)
    pick(page, "pain", "pregnant", "call_contact")
    page.click('.board-language[data-language="en"]')
    page.wait_for_selector('.board-language[data-language="en"][aria-pressed="true"]')
    hand_over(page)
    page.click('svg[data-view="back"] [data-region="back_lower"]')
    page.click(".board-next")
    page.click('.board-score[data-score="9"]')
    page.click('.board-choice[data-answer="yes"]')
    page.click('.board-choice[data-answer="no"]')
    page.click('.board-request[data-request="call_family"]')
    give_back(page)
    assert page.inner_text('dd[data-board-answer="pain_score"]') == "9/10"

    after: dict[str, Any] = page.evaluate(SNAPSHOT)
    assert after == before
    assert page.context.cookies() == []
    # Only the board's modules (its two sides load on opening) and the patient's labels were
    # asked for, nothing in a query or a body (from the service worker: the phone is offline).
    asked = {(r.method, r.url.removeprefix(site.base), r.post_data) for r in requests}
    modules = {("GET", f"/static/verify/{module.name}", None) for module in BOARD_MODULES}
    labels = {("GET", f"/V/labels-{code}.json", None) for code in ("ti", "en")}
    assert asked <= modules | labels
    page.context.close()
