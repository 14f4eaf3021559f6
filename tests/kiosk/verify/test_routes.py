"""What the server gives the verifier page, over real HTTP: the page (no inline script), its
service worker, the labels bundles and the signed lists with ETag and `since` deltas."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from flask import Flask

from app import create_app
from kiosk import db
from kiosk.config import ConfigError, load_settings
from kiosk.domain.cards import registry
from signing.revocation import Reason, load_revocation_list
from signing.trust import load_trust_list
from tests.kiosk.verify.conftest import Site

PROFILE = {"name": "Amina Diallo", "birth_date": "1994-03-12", "allergies": ["91936005"]}


def _issue_and_revoke(app: Flask, count: int) -> None:
    services = app.extensions["ehcard"]
    today = datetime.now(UTC).date()
    with db.session_scope(services.sessions) as session:
        for _ in range(count):
            issued = registry.issue_card(
                session, services.settings, services.keyring, PROFILE, today=today
            )
            row = registry.find_card(session, issued.card.card_code)
            registry.revoke_card(session, row, Reason.LOST, today=today)


def test_page_has_no_inline_script_and_pins_the_root_key(site: Site) -> None:
    response = requests.get(f"{site.base}/V", timeout=10)
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", response.text, re.S)
    assert scripts == [""]  # one module script, loaded from its own file
    assert 'type="module" src="/static/verify/main.js?v=' in response.text
    assert " style=" not in response.text
    root = site.app.extensions["ehcard"].keyring.root_public_key
    assert f'data-root-keys="{root.raw.hex()}"' in response.text
    assert 'data-list-max-age-hours="72"' in response.text
    assert 'data-skew-hours="24"' in response.text


def test_list_age_limit_comes_from_the_configuration(tmp_path: Path) -> None:
    app = create_app({"instance": tmp_path / "instance", "list_max_age_hours": 12})
    page = app.test_client().get("/V").get_data(as_text=True)
    assert 'data-list-max-age-hours="12"' in page
    app.extensions["ehcard"].engine.dispose()


def test_a_configured_directory_is_given_to_the_page_and_allowed_by_its_policy(
    tmp_path: Path,
) -> None:
    directory = "https://directory.example.org/ehcard/"
    app = create_app({"instance": tmp_path / "instance", "directory_url": directory})
    response = app.test_client().get("/V")
    assert f'data-directory-url="{directory}"' in response.get_data(as_text=True)
    policy = response.headers["Content-Security-Policy"]
    assert policy.endswith("; connect-src 'self' https://directory.example.org")
    # Only the page fetches lists; its worker and every other response keep 'self' alone.
    worker = app.test_client().get("/V/decode-worker.js").headers["Content-Security-Policy"]
    assert "connect-src" not in worker
    app.extensions["ehcard"].engine.dispose()


def test_the_page_without_a_directory_fetches_only_from_its_own_server(site: Site) -> None:
    response = requests.get(f"{site.base}/V", timeout=10)
    assert 'data-directory-url=""' in response.text
    assert "connect-src" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url",
    ["http://directory.example.org/", "https://directory.example.org", "directory.example.org/"],
)
def test_a_directory_url_that_is_not_https_or_lacks_its_slash_is_refused(
    tmp_path: Path, url: str
) -> None:
    with pytest.raises(ConfigError, match="EHCARD_DIRECTORY_URL"):
        load_settings(tmp_path, {"directory_url": url})


def test_service_worker_controls_the_page_and_changes_with_each_release(site: Site) -> None:
    response = requests.get(f"{site.base}/V/sw.js", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert response.headers["Service-Worker-Allowed"] == "/V"
    assert response.headers["Cache-Control"] == "no-cache"
    version = re.match(r'const VERSION = "([0-9a-f]{16})";\n', response.text)
    assert version is not None
    page = requests.get(f"{site.base}/V", timeout=10).text
    assert f'data-version="{version.group(1)}"' in page


@pytest.mark.parametrize("language", ["fr", "en", "ar", "ka"])
def test_labels_bundle_carries_terms_value_sets_and_icao_tables(site: Site, language: str) -> None:
    response = requests.get(f"{site.base}/V/labels-{language}.json", timeout=10)
    assert response.status_code == 200
    bundle = response.json()
    assert bundle["language"] == language
    assert bundle["terms"]["status.valid"]["en"] == "VALID"
    assert bundle["value_sets"]["allergies"]["91936005"]["drug_classes"] == ["J01C"]
    assert bundle["value_sets"]["blood_groups"]["O+"]["snomed"] == "278147001"
    assert set(bundle["value_sets"]["medications"]["J01CA04"]["labels"]) <= {language, "en"}
    assert [lang["code"] for lang in bundle["ui_languages"]][:2] == ["fr", "en"]
    assert {"map", "final", "doubling"} <= set(bundle["icao9303"])
    cached = requests.get(
        f"{site.base}/V/labels-{language}.json",
        headers={"If-None-Match": response.headers["ETag"]},
        timeout=10,
    )
    assert cached.status_code == 304


def test_labels_for_an_unknown_language_are_not_found(site: Site) -> None:
    assert requests.get(f"{site.base}/V/labels-xx.json", timeout=10).status_code == 404


def test_trust_list_is_the_instance_document_with_an_etag(site: Site) -> None:
    response = requests.get(f"{site.base}/V/lists/trust.cbor", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/cbor"
    assert response.headers["Cache-Control"].startswith("public, max-age=300,")
    keyring = site.app.extensions["ehcard"].keyring
    assert response.content == keyring.trust_document
    load_trust_list(response.content, [keyring.root_public_key])
    again = requests.get(
        f"{site.base}/V/lists/trust.cbor",
        headers={"If-None-Match": response.headers["ETag"]},
        timeout=10,
    )
    assert (again.status_code, again.content) == (304, b"")


def test_revocation_list_is_full_then_a_delta_after_the_counter(site: Site) -> None:
    keyring = site.app.extensions["ehcard"].keyring
    kid = keyring.issuer_key.kid
    url = f"{site.base}/V/lists/revocations-{kid.hex()}.cbor"
    _issue_and_revoke(site.app, 2)
    full = requests.get(url, timeout=10)
    assert full.status_code == 200
    first = load_revocation_list(full.content, keyring.issuer_key.public)
    assert (len(first.entries), first.since) == (2, 0)
    _issue_and_revoke(site.app, 1)
    delta = requests.get(url, params={"since": first.counter}, timeout=10)
    second = load_revocation_list(delta.content, keyring.issuer_key.public)
    assert (len(second.entries), second.since) == (1, first.counter)
    assert second.counter > first.counter
    unchanged = requests.get(
        url,
        params={"since": first.counter},
        headers={"If-None-Match": delta.headers["ETag"]},
        timeout=10,
    )
    assert unchanged.status_code == 304


@pytest.mark.parametrize("since", ["-1", "abc", "1.5", "99999999999999999999"])
def test_revocation_list_refuses_a_counter_that_is_not_one(site: Site, since: str) -> None:
    kid = site.app.extensions["ehcard"].keyring.issuer_key.kid.hex()
    response = requests.get(
        f"{site.base}/V/lists/revocations-{kid}.cbor", params={"since": since}, timeout=10
    )
    assert response.status_code == 400
    assert "is not a list counter: a whole number from 0" in response.text


@pytest.mark.parametrize("kid", ["00" * 8, "zz" * 8, "abc", "00" * 9])
def test_revocation_list_of_an_issuer_this_server_does_not_hold_is_not_found(
    site: Site, kid: str
) -> None:
    response = requests.get(f"{site.base}/V/lists/revocations-{kid}.cbor", timeout=10)
    assert response.status_code == 404


ZXING_WASM = "/static/verify/vendor/zxing-wasm-3.1.8/dist/reader/zxing_reader.wasm"


def test_decoder_wasm_is_served_with_its_type_and_cache_headers(site: Site) -> None:
    response = requests.get(f"{site.base}{ZXING_WASM}", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/wasm"  # streaming compilation
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-cache"  # revalidated; the folder is versioned
    assert response.content[:4] == b"\0asm"
    again = requests.get(
        f"{site.base}{ZXING_WASM}", headers={"If-None-Match": response.headers["ETag"]}, timeout=10
    )
    assert again.status_code == 304


def test_decoder_worker_may_compile_webassembly_and_nothing_else_may(site: Site) -> None:
    worker = requests.get(f"{site.base}/V/decode-worker.js", timeout=10)
    assert worker.status_code == 200
    assert worker.headers["Content-Type"].startswith("text/javascript")
    assert worker.headers["Cache-Control"] == "no-cache"
    assert "/static/verify/vendor/zxing-wasm-" in worker.text
    for path in ("/V", "/V/decode-worker.js"):
        policy = requests.get(f"{site.base}{path}", timeout=10).headers["Content-Security-Policy"]
        assert "script-src 'self' 'wasm-unsafe-eval';" in policy
        assert "default-src 'self';" in policy and "frame-ancestors 'none'" in policy
    for path in ("/V/sw.js", "/static/verify/main.js", ZXING_WASM, "/kiosk/", "/staff/login"):
        policy = requests.get(f"{site.base}{path}", timeout=10).headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy, path
        assert "eval" not in policy, path
