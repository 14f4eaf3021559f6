"""Findings 3, 6 and 11 under the documented deployment: gunicorn's several workers on
PostgreSQL share one set of sign-in and PIN counters, so parallel requests spread over
the workers pass no limit. Straight to gunicorn (no nginx), X-Forwarded-For standing
for nginx's client address, as EHCARD_PROXY_HOPS=1 believes it."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from types import SimpleNamespace

import requests
from sqlalchemy import create_engine

from kiosk.config import Settings, load_settings
from kiosk.domain.clock import SystemClock
from kiosk.sessions import session_factory
from tests.deployment import Deployment
from tests.kiosk.records.conftest import IssuedRecord, issue_record
from tests.security.signin_support import PASSWORD, TIMEOUT, Browser, at_once

LIMIT = Settings(instance=".").login_max_failures  # the deployment runs the defaults
ADDRESS_LIMIT = Settings(instance=".").login_address_max_failures


def _browser(deployment: Deployment, address: str) -> Browser:
    return Browser(deployment.app_url, address, http=deployment.direct())


def _account(deployment: Deployment, role: str = "clinician") -> str:
    username = f"{role}-{secrets.token_hex(4)}"
    deployment.add_user(username, PASSWORD, role)
    return username


def _botnet(deployment: Deployment, count: int) -> list[Browser]:
    """`count` browsers, each from its own address, each with its form's token already."""
    block = secrets.randbelow(200) + 1
    return [_browser(deployment, f"10.{block}.{n // 250}.{n % 250 + 1}") for n in range(count)]


def _parallel(browsers: list[Browser], attempt: Callable[[Browser, int], int]) -> list[int]:
    return at_once(len(browsers), lambda n: attempt(browsers[n], n))


def test_parallel_wrong_record_passwords_over_several_workers(deployment: Deployment) -> None:
    username = _account(deployment)
    browsers = _botnet(deployment, 24)
    for browser in browsers:
        browser.get("/R")
    statuses = _parallel(
        browsers, lambda b, n: b.record_sign_in(username, f"wrong {n}").status_code
    )
    assert statuses.count(401) <= LIMIT - 1 and set(statuses) <= {401, 429}, statuses
    late = _browser(deployment, "192.0.2.77")
    assert late.record_sign_in(username, PASSWORD).status_code == 429


def test_parallel_wrong_kiosk_passwords_over_several_workers(deployment: Deployment) -> None:
    username = _account(deployment)
    browsers = _botnet(deployment, 24)
    for browser in browsers:
        browser.get("/kiosk/clinician-login")
    statuses = _parallel(browsers, lambda b, n: b.kiosk_login(username, f"wrong {n}").status_code)
    assert statuses.count(401) <= LIMIT - 1 and set(statuses) <= {401, 429}, statuses
    assert _browser(deployment, "192.0.2.78").kiosk_login(username, PASSWORD).status_code == 429


def test_parallel_wrong_console_passwords_over_several_workers(deployment: Deployment) -> None:
    username = _account(deployment, "staff")
    browsers = _botnet(deployment, 16)
    for browser in browsers:
        browser.get("/staff/login")
    pages = at_once(16, lambda n: browsers[n].console_login(username, f"wrong {n}").text)
    assert sum("Wrong user name or password." in page for page in pages) <= LIMIT - 1
    right = _browser(deployment, "192.0.2.79").console_login(username, PASSWORD)
    assert right.status_code == 200 and "locked" in right.text


def test_one_address_in_parallel_gets_no_more_checks_than_its_limit(
    deployment: Deployment,
) -> None:
    address = f"172.16.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
    browsers = [_browser(deployment, address) for _ in range(ADDRESS_LIMIT + 12)]
    for browser in browsers:
        browser.get("/R")
    statuses = _parallel(
        browsers, lambda b, n: b.record_sign_in(f"nobody-{n}", "wrong password").status_code
    )
    assert statuses.count(401) <= ADDRESS_LIMIT and set(statuses) <= {401, 429}, statuses
    username = _account(deployment)
    assert _browser(deployment, address).record_sign_in(username, PASSWORD).status_code == 429


def _record(deployment: Deployment) -> IssuedRecord:
    """A card and its record in the deployment's database, as the kiosk makes them."""
    settings = load_settings(environ=deployment.env)
    engine = create_engine(settings.database_url)
    try:
        hub = SimpleNamespace(sessions=session_factory(settings, engine, SystemClock()))
        return issue_record(SimpleNamespace(extensions={"ehcard": hub}))  # type: ignore[arg-type]
    finally:
        engine.dispose()


def test_parallel_pin_guesses_over_several_workers(deployment: Deployment) -> None:
    record = _record(deployment)
    client = deployment.direct()

    def guess(n: int) -> int:
        return client.post(
            f"{deployment.app_url}/shl/{record.manifest_id}",
            json={"recipient": "Hôpital Nord", "passcode": f"{200000 + n:06d}"},
            timeout=TIMEOUT,
        ).status_code

    statuses = at_once(12, guess)
    assert statuses.count(401) == 1 and set(statuses) == {401, 429}, statuses


def test_parallel_wrong_recovery_codes_over_several_workers(deployment: Deployment) -> None:
    record = _record(deployment)
    browsers = _botnet(deployment, 12)
    for browser in browsers:
        browser.get("/holder/")

    def guess(browser: Browser, n: int) -> int:
        form = {"csrf_token": browser.token, "card_code": record.card.card_code,
                "recovery_code": f"ABCD-ABCD-ABCD-ABCD-{n:04d}"}  # fmt: skip
        url = f"{deployment.app_url}/holder/"
        return browser.http.post(url, data=form, timeout=TIMEOUT).status_code

    statuses = _parallel(browsers, guess)
    limit = Settings(instance=".").recovery_attempts
    assert statuses.count(401) <= limit and set(statuses) == {401, 429}, statuses


def test_the_deployments_direct_client_keeps_its_cookies(deployment: Deployment) -> None:
    """The tests above mean something only if a browser's sign-in works at all here."""
    username = _account(deployment)
    browser = _browser(deployment, "192.0.2.80")
    assert browser.record_sign_in(username, PASSWORD).status_code == 200
    assert isinstance(browser.http, requests.Session)
    assert browser.record_api("signout", {}).status_code == 200
