"""A doctor's phone on the verifier page, in any engine: the cards it is shown, how it opens
them, and how to read what it draws."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Page

from cards.model import ClinicalField, Provenance
from kiosk import db
from kiosk.domain.cards import registry
from signing.revocation import Reason
from signing.verifier import Verifier
from tests.engines import ChromiumPage, EnginePage
from tests.gate import Gate
from tests.kiosk.verify.conftest import Site

AMINA = {
    "name": "أمينة ديالو",
    "birth_date": "1994-03-12",
    "sex": "female",
    "blood_group": "O+",
    "allergies": ["91936005"],
    "medications": ["A10AE04"],
    "conditions": ["E10"],
    "emergency_contact": {"name": "Moussa Diallo", "phone": "+33612345678"},
    "languages": ["ar", "fr"],
}
# What a clinician signed in at the kiosk confirms on the cards `issue` makes.
CONFIRMED = Provenance(
    confirmed=frozenset({ClinicalField.ALLERGIES, ClinicalField.BLOOD_GROUP}), confirmed_by=7
)
CENTRE = "Centre d'accueil (Lampedusa)"
NIKO = {"name": "Niko Beridze", "birth_date": "1980", "allergies": [], "languages": ["ka"]}


def network(site: Site) -> Gate:
    assert site.network is not None
    return site.network


def issue(site: Site, profile: dict[str, Any]) -> str:
    """Issue a card on the site, as the kiosk does; returns its QR text."""
    services = site.app.extensions["ehcard"]
    with db.session_scope(services.sessions) as session:
        return registry.issue_card(
            session, services.settings, services.keyring, profile,
            today=datetime.now(UTC).date(), provenance=CONFIRMED,
        ).qr_text  # fmt: skip


def revoke(site: Site, qr_text: str) -> None:
    services = site.app.extensions["ehcard"]
    code = Verifier(trust_list=services.keyring.trust_list).verify(qr_text).card.card_code
    with db.session_scope(services.sessions) as session:
        row = registry.find_card(session, code)
        registry.revoke_card(session, row, Reason.STOLEN, today=datetime.now(UTC).date())


def fragment(qr_text: str) -> str:
    return qr_text.split("#", 1)[1]


def show(page: EnginePage, site: Site, qr_text: str) -> str:
    """Open a card's link as the phone camera would; the verdict shown."""
    page.goto("about:blank")
    page.goto(f"{site.base}/V#{fragment(qr_text)}")
    page.wait_for_selector("html[data-ready=true]")
    page.wait_for_selector("#verdict[data-status]")
    return str(page.attribute("#verdict", "data-status"))


def enter(page: EnginePage, selector: str, value: str, then: str) -> None:
    """Put `value` in a field and send what the page listens for: an event by name, or
    "Enter" for the key."""
    page.evaluate(
        """([selector, value, then]) => {
          const field = document.querySelector(selector);
          field.value = value;
          field.dispatchEvent(then === "Enter"
            ? new KeyboardEvent("keydown", { key: "Enter", bubbles: true })
            : new Event(then, { bubbles: true }));
        }""",
        [selector, value, then],
    )


def playwright_page(page: EnginePage) -> Page:
    assert isinstance(page, ChromiumPage)
    return page.page


def choose_language(page: EnginePage, language: str) -> None:
    enter(page, "#language", language, "change")
    page.wait_for("(l) => document.documentElement.lang === l", language)


# Where each character of `needle` inside the element is drawn: [character, left, top].
GLYPHS = """([selector, needle]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const chars = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i += 1) chars.push([node, i]);
  }
  const start = chars.map(([node, i]) => node.data[i]).join("").indexOf(needle);
  if (start < 0) return null;
  return chars.slice(start, start + needle.length).map(([node, i]) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const box = range.getBoundingClientRect();
    return [node.data[i], box.left, box.top];
  });
}"""


def reads_left_to_right(page: EnginePage, selector: str, needle: str) -> bool:
    """Whether `needle` is drawn in its own order from left to right, line after line."""
    glyphs = page.evaluate(GLYPHS, [selector, needle])
    assert glyphs is not None, f"{needle!r} is not in {selector}"
    drawn = [(left, top) for char, left, top in glyphs if not char.isspace()]
    return all(
        top > top_before + 4 or (abs(top - top_before) <= 4 and left > left_before)
        for (left_before, top_before), (left, top) in itertools.pairwise(drawn)
    )
