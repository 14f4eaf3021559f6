"""In Chromium: sign in, find a card, revoke it, reissue it; then verify the old card and the
new one (as queued for the printer) the way verifiers do, from the published lists, with
`ehcard verify` and with the Python verifier."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from cards.errors import Revoked
from kiosk.domain.keys.keyring import paths
from signing.keys import load_public_key
from signing.trust import load_trust_list
from signing.verifier import Verifier
from tests.browsers import new_page
from tests.kiosk.staff.support import (
    PASSWORD,
    add_accounts,
    issue,
    printed_qr_text,
    services_of,
)

# SQLite only: the console's pages are the same on both databases, and test_console.py
# revokes and reissues over HTTP on PostgreSQL too (the published lists in tests/kiosk/api).
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def staff_revokes_and_reissues(page: Page, base_url: str, code: str, qr_text: str) -> str:
    """What a person does at the console; returns the new card's code."""
    page.goto(f"{base_url}/staff/")
    expect(page).to_have_url(re.compile(r"/staff/login\?next="))
    page.get_by_label("User name").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Find a card")).to_be_visible()
    find = page.get_by_role("button", name="Find")
    # Styled as every console button, not the browser's default grey.
    assert find.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    assert find.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 255)"

    page.get_by_label("Card code").fill(code.lower().replace("-", ""))
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", name=f"Card {code}")).to_be_visible()

    page.get_by_label("Reason").select_option("lost")
    page.get_by_role("button", name="Revoke…").click()
    expect(page.get_by_text("This cannot be undone.")).to_be_visible()
    page.get_by_role("button", name="Yes, revoke this card").click()
    expect(page.get_by_role("status").filter(has_text=f"Card {code} is revoked.")).to_be_visible()

    page.get_by_role("link", name="Reissue…").click()
    page.get_by_label("Text of the old card's QR code").fill(qr_text)
    page.get_by_role("button", name="Reissue").click()
    done = page.get_by_role("status").filter(has_text=f"replaces {code} and is printing.")
    expect(done).to_be_visible()
    return page.url.rsplit("/", 1)[1]


def ehcard_verify(qr_text: str, folder: Path, kid: str, root_pub: Path) -> tuple[int, Any]:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("ehcard")), "--instance", str(folder / "verifier"),
         "verify", "--text", qr_text, "--trust", str(folder / "trust.cbor"),
         "--root-key", str(root_pub), "--revocations", str(folder / f"{kid}.cbor"), "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return result.returncode, json.loads(result.stdout)


def test_revoke_then_reissue_in_the_browser_and_verify_with_the_published_lists(
    app: Flask, live_server: str, browser: Browser, tmp_path: Path
) -> None:
    add_accounts(app)
    old = issue(app)
    with new_page(browser) as page:
        new_code = staff_revokes_and_reissues(page, live_server, old.card.card_code, old.qr_text)
        # The console names the staff member, never "user:N", and links every card it lists.
        page.goto(f"{live_server}/staff/cards/{old.card.card_code}")
        history = page.locator("table").last
        expect(history).to_contain_text("Sam")
        expect(history).not_to_contain_text("user:")
        page.goto(f"{live_server}/staff/")
        recent = page.locator("table.events")
        expect(recent).not_to_contain_text("user:")
        expect(recent.get_by_role("link", name=new_code)).to_have_count(1)
        expect(recent.get_by_role("link", name=old.card.card_code).first).to_be_visible()
    new_text = printed_qr_text(app, new_code)

    kid = services_of(app).keyring.issuer_key.kid.hex()
    root_pub = paths(services_of(app).settings)["root_public"]
    trust = requests.get(f"{live_server}/api/trust", timeout=30).content
    revocations = requests.get(f"{live_server}/api/revocations/{kid}", timeout=30).content
    (tmp_path / "trust.cbor").write_bytes(trust)
    (tmp_path / f"{kid}.cbor").write_bytes(revocations)

    code, report = ehcard_verify(old.qr_text, tmp_path, kid, root_pub)
    assert (code, report["status"], report["reason"]) == (1, "revoked", "lost")
    assert "(lost)" in report["message"]
    code, report = ehcard_verify(new_text, tmp_path, kid, root_pub)
    assert (code, report["status"]) == (0, "valid")
    assert report["card"]["name"] == old.card.holder.name

    verifier = Verifier(trust_list=load_trust_list(trust, [load_public_key(root_pub)]))
    verifier.add_revocation_list(revocations)
    with pytest.raises(Revoked) as caught:
        verifier.verify(old.qr_text)
    assert caught.value.reason == "lost"
    renewed = verifier.verify(new_text).card
    assert renewed.emergency == old.card.emergency and renewed.card_id != old.card.card_id
