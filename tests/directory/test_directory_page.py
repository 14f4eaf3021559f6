"""The verifier page against the national directory of three centres (see conftest.py), in
Chromium: a centre's page checks every centre's cards against that centre's revocations,
fetched from the directory the trust list names; a revocation at another centre reaches an
open page without a reload; with the directory stopped the page verifies from what it kept
and says how old that is; a tampered or rolled-back directory is refused, the kept lists
stay in use."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page

from signing.keys import load_public_key
from signing.revocation import Reason, Revocation, RevocationList, sign_revocation_list
from tests.browsers import phone_page
from tests.directory.conftest import Card, Country, run_ehcard

READY_MS = 20_000


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    with phone_page(browser) as page:
        yield page


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-ready=true]", timeout=READY_MS)


def verdict(page: Page, card: Card) -> tuple[str, str]:
    """Paste the card's QR text; its status and the sentence under it."""
    page.evaluate("document.getElementById('verdict').removeAttribute('data-status')")
    page.fill("#paste", card.qr_text)
    page.click("#paste-form button[type=submit]")
    page.wait_for_selector("#verdict[data-status]")
    return page.get_attribute("#verdict", "data-status") or "", page.inner_text("#verdict-help")


def refresh(page: Page) -> None:
    """The page's own refresh (issue 13's timer calls the same), without a reload."""
    page.evaluate("window.ehcardRefresh()")


def wait_until(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def lists_line(page: Page) -> str:
    return page.inner_text("#lists")


def kid_of(country: Country, centre: str) -> str:
    index = json.loads((country.out / "index.json").read_text("utf-8"))
    kids = [kid for kid, entry in index["issuers"].items() if entry["centre"] == f"Centre {centre}"]
    assert len(kids) == 1, index["issuers"]
    return kids[0]


def test_every_centres_cards_on_centre_a_page_get_their_centres_revocations(
    country: Country, phone: Page
) -> None:
    open_page(phone, f"{country.centres['A'].url}/V")
    assert lists_line(phone) == "Trust and revocation lists updated 0 min ago"
    seen_undated = seen_dated = False
    for card in country.cards:
        status, help_text = verdict(phone, card)
        if card.revoked is None:
            assert status == "valid", (card, help_text)
            continue
        assert status == "revoked", card
        assert phone.inner_text("#verdict-reason") == f"Reason: {card.revoked.label}"
        # Cards the filter covers are revoked without a day; later ones by an explicit entry.
        assert re.fullmatch(
            r"This card was revoked \([^,]+(, \d{4}-\d\d-\d\d)?\): do not rely on it\.", help_text
        ), help_text
        if re.search(r"\d{4}-\d\d-\d\d", help_text):
            seen_dated = True
        else:
            seen_undated = True
    assert seen_undated and seen_dated
    # The lists came from the directory, cross-origin, not from centre A's own server.
    log = (country.server.folder / "access.log").read_text("utf-8")
    assert "GET /index.json" in log
    assert "GET /revocations/" in log


def test_the_page_may_fetch_from_the_directory_its_trust_list_names(country: Country) -> None:
    response = requests.get(f"{country.centres['B'].url}/V", timeout=10)
    origin = country.directory_url.rstrip("/")
    assert response.headers["Content-Security-Policy"].endswith(f"; connect-src 'self' {origin}")


@pytest.fixture(scope="module")
def directory_page(country: Country) -> str:
    """`ehcard directory page` into the directory nginx serves; the page's URL."""
    result = run_ehcard(
        "--instance", str(country.folder / "directory-host"), "directory", "page",
        "--out", str(country.out), "--root-key", str(country.root_public),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return f"{country.directory_url}V"


def test_the_directorys_own_page_checks_every_centres_cards(
    country: Country, directory_page: str, phone: Page
) -> None:
    response = requests.get(directory_page, timeout=10)
    assert "script-src 'self' 'wasm-unsafe-eval'" in response.headers["Content-Security-Policy"]
    assert 'data-directory-url="../"' in response.text
    assert f'data-root-keys="{load_public_key(country.root_public).raw.hex()}"' in response.text
    worker = requests.get(f"{directory_page}/sw.js", timeout=10)
    assert worker.headers["Service-Worker-Allowed"] == "/V"
    open_page(phone, directory_page)
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=READY_MS)
    assert lists_line(phone) == "Trust and revocation lists updated 0 min ago"
    for card in country.cards:
        status, _ = verdict(phone, card)
        assert status == ("valid" if card.revoked is None else "revoked"), card


def test_a_revocation_at_centre_b_reaches_an_open_page_of_centre_a_without_reload(
    country: Country, phone: Page, tmp_path: Path
) -> None:
    centre_b = country.centres["B"]
    card = centre_b.valid[0]
    before = tmp_path / "directory-before"
    shutil.copytree(country.out, before)
    open_page(phone, f"{country.centres['A'].url}/V")
    assert verdict(phone, card)[0] == "valid"
    phone.evaluate("window.sameDocument = true")
    country.revoke_and_publish("B", card, Reason.LOST)
    refresh(phone)
    phone.wait_for_selector('#verdict[data-status="revoked"]', timeout=READY_MS)
    assert phone.evaluate("window.sameDocument") is True
    assert phone.inner_text("#revoked-notice").startswith("Revoked while this card was shown")
    assert lists_line(phone) == "Trust and revocation lists updated 0 min ago"

    # The directory served as it was before: B's lists go back a counter, and are refused.
    with country.serving_instead(before):
        refresh(phone)
        phone.wait_for_function(
            "() => document.getElementById('lists').textContent.includes('Refused: Centre B.')"
        )
        assert verdict(phone, card)[0] == "revoked"
    assert "older than the cached" in " ".join(phone.evaluate("window.ehcardProblems()"))


def _tampered(country: Country, folder: Path) -> Path:
    """The directory with newer files for B and C that must be refused: B's bytes differ
    from the hash the index gives, C's hash is right but its signature is broken."""
    shutil.copytree(country.out, folder)
    index = json.loads((folder / "index.json").read_text("utf-8"))
    for centre in ("B", "C"):
        entry = index["issuers"][kid_of(country, centre)]
        listed = entry["filter"]
        original = (folder / listed["path"]).read_bytes()
        tampered = bytearray(original)
        tampered[len(tampered) // 2] ^= 0x01
        path = f"{listed['path'].rsplit('/', 1)[0]}/filter-{listed['counter'] + 5}-tampered.cbor"
        (folder / path).write_bytes(bytes(tampered))
        digest = hashlib.sha256(original if centre == "B" else bytes(tampered)).hexdigest()
        entry["filter"] = {
            **listed,
            "path": path,
            "counter": listed["counter"] + 5,
            "size": len(tampered),
            "sha256": digest,
        }
        entry["delta"] = None
    (folder / "index.json").write_text(json.dumps(index), "utf-8")
    return folder


def test_a_tampered_directory_is_refused_and_the_kept_lists_stay_in_use(
    country: Country, phone: Page, tmp_path: Path
) -> None:
    open_page(phone, f"{country.centres['A'].url}/V")
    revoked = {name: country.centres[name].revoked[0] for name in ("B", "C")}
    with country.serving_instead(_tampered(country, tmp_path / "tampered")):
        refresh(phone)
        phone.wait_for_function(
            "() => document.getElementById('lists').textContent"
            ".includes('Refused: Centre B, Centre C.')"
        )
        problems = " ".join(phone.evaluate("window.ehcardProblems()"))
        assert "does not match the directory's index" in problems
        assert "not signed by the expected key" in problems
        for card in revoked.values():
            assert verdict(phone, card)[0] == "revoked"
    refresh(phone)
    phone.wait_for_function(
        "() => !document.getElementById('lists').textContent.includes('Refused')"
    )


@pytest.mark.parametrize(
    "index",
    [
        "<html>502 Bad Gateway</html>",
        json.dumps({"format": "ehcard-directory/2"}),
        "filter-path",  # an issuer's filter path that is a number: replaced below
        "delta-gap",  # a delta that does not start at its filter's counter: below
    ],
    ids=["not-json", "another-format", "malformed-entry", "delta-gap"],
)
def test_a_malformed_index_is_refused_and_the_kept_lists_stay_in_use(
    country: Country, phone: Page, tmp_path: Path, index: str
) -> None:
    folder = tmp_path / "mirror"
    shutil.copytree(country.out, folder)
    listed = json.loads((folder / "index.json").read_text("utf-8"))
    entry = listed["issuers"][kid_of(country, "C")]
    if index == "filter-path":
        entry["filter"]["path"] = 7
        index = json.dumps(listed)
    elif index == "delta-gap":
        counter = entry["filter"]["counter"]
        entry["delta"] = {**entry["filter"], "since": counter + 1, "counter": counter + 2}
        index = json.dumps(listed)
    (folder / "index.json").write_text(index, "utf-8")
    open_page(phone, f"{country.centres['A'].url}/V")
    card = country.centres["C"].revoked[0]
    host = country.directory_url.removeprefix("http://").rstrip("/")
    with country.serving_instead(folder):
        refresh(phone)
        phone.wait_for_function(
            "(host) => document.getElementById('lists').textContent.includes(`Refused: ${host}.`)",
            arg=host,
        )
        assert verdict(phone, card)[0] == "revoked"


def test_with_the_directory_stopped_the_page_verifies_from_what_it_kept(
    country: Country, phone: Page
) -> None:
    card = country.centres["C"].revoked[0]
    valid = country.centres["B"].valid[-1]
    phone.clock.install()
    open_page(phone, f"{country.centres['A'].url}/V")
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=READY_MS)
    assert verdict(phone, card)[0] == "revoked"
    country.stop_directory()
    try:
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{country.directory_url}index.json", timeout=2)
        phone.clock.fast_forward("17:00")  # the page's refreshes find no directory
        phone.wait_for_function(
            "() => document.getElementById('lists').textContent"
            " === 'Trust and revocation lists updated 17 min ago'"
        )
        # A new visit with no network at all: the page and its lists come from the phone.
        phone.context.set_offline(True)
        open_page(phone, f"{country.centres['A'].url}/V")
        assert verdict(phone, card)[0] == "revoked"
        assert verdict(phone, valid)[0] == "valid"
        assert lists_line(phone).startswith("Offline: using the lists kept on this device")
    finally:
        phone.context.set_offline(False)
        country.start_directory()


def test_a_full_browser_storage_is_said_and_the_lists_still_serve(
    country: Country, phone: Page
) -> None:
    open_page(phone, f"{country.centres['A'].url}/V")
    card = country.centres["B"].revoked[0]
    # A phone whose storage is full: the browser refuses to keep anything more.
    phone.evaluate(
        """() => {
          Storage.prototype.setItem = () => {
            throw new DOMException("storage full", "QuotaExceededError");
          };
        }"""
    )
    refresh(phone)
    full = "This browser's storage is full: the lists are kept only until the page is closed."
    phone.wait_for_function(
        "(full) => document.getElementById('lists').textContent.endsWith(full)", arg=full
    )
    assert verdict(phone, card)[0] == "revoked"


def test_the_next_days_filter_replaces_the_kept_one_and_what_is_kept_loads_again(
    country: Country, phone: Page
) -> None:
    centre_b = country.centres["B"]
    card = centre_b.valid[-1]
    open_page(phone, f"{country.centres['A'].url}/V")
    assert verdict(phone, card)[0] == "valid"
    # Tomorrow's publication: a new filter at the same counter (it covers today's cards).
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    centre_b.publish(at=tomorrow)
    assert country.build().exit_code == 0
    kid = kid_of(country, "B")
    index = json.loads((country.out / "index.json").read_text("utf-8"))
    assert index["issuers"][kid]["delta"] is None
    refresh(phone)
    filter_path = index["issuers"][kid]["filter"]["path"]
    log = country.server.folder / "access.log"
    wait_until(lambda: f"GET /{filter_path}" in log.read_text("utf-8"))
    # Then a revocation: a delta after tomorrow's filter.
    centre_b.revoke(card, Reason.STOLEN)
    centre_b.publish(at=tomorrow)
    assert country.build().exit_code == 0
    refresh(phone)
    phone.wait_for_selector('#verdict[data-status="revoked"]', timeout=READY_MS)
    # What the page kept (tomorrow's filter and its delta) loads again on a new visit.
    open_page(phone, f"{country.centres['A'].url}/V")
    assert phone.evaluate("window.ehcardProblems()") == []
    assert verdict(phone, card)[0] == "revoked"
    assert "Refused" not in lists_line(phone)


def test_lists_kept_from_the_centres_own_server_give_way_to_the_directorys(
    country: Country, phone: Page
) -> None:
    """A phone that kept centre B's lists from B's own /V/lists/ (before the national trust
    list named the directory) takes the directory's filter instead."""
    centre_b = country.centres["B"]
    card = centre_b.valid[0] if centre_b.valid else centre_b.cards[0]
    assert card.revoked is None
    key = centre_b.app.extensions["ehcard"].keyring.issuer_key
    today = datetime.now(UTC).date()
    own_list = sign_revocation_list(
        RevocationList(key.kid, 1, today, (Revocation.of_card(card.card_id, Reason.LOST, today),)),
        key,
    )
    open_page(phone, f"{country.centres['A'].url}/V")
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=READY_MS)
    kept = {
        "trust": {"document": country.trust_file.read_bytes().hex(), "fetchedAt": 0},
        "revocations": {key.kid.hex(): {"documents": [own_list.hex()], "fetchedAt": 0}},
    }
    phone.evaluate(
        "(kept) => localStorage.setItem('ehcard.verifier.lists.v1', JSON.stringify(kept))", kept
    )
    phone.context.set_offline(True)  # the kept lists alone, as the phone had them
    open_page(phone, f"{country.centres['A'].url}/V")
    assert verdict(phone, card)[0] == "revoked"
    phone.context.set_offline(False)
    refresh(phone)
    phone.wait_for_function("() => window.ehcardProblems().length === 0")
    wait_until(lambda: verdict(phone, card)[0] == "valid")
    assert "Refused" not in lists_line(phone)
