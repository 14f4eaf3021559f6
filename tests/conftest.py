"""Shared fixtures: keys, a trust list, instances, databases (SQLite and PostgreSQL), apps,
the app over real HTTP, and one Chromium, one WebKitGTK and one Firefox for the whole session
(each started the first time a test asks for it)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Playwright, sync_playwright

from app import create_app
from signing.keys import PrivateKey
from signing.trust import TrustEntry, TrustList, sign_trust_list
from tests.browsers import launch
from tests.databases import fresh_database
from tests.engines import ChromiumPage, EnginePage
from tests.firefox import Firefox, firefox
from tests.servers import serving
from tests.webkitgtk import WebKitGTK, webkitgtk

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "tests" / "profiles"
TODAY = date(2026, 11, 27)
HOST = "EHC.EXAMPLE.ORG"


def load_profile(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PROFILES / f"{name}.json").read_text("utf-8"))
    return data


def reference_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILES.glob("*.json"))


@pytest.fixture(scope="session")
def root_key() -> PrivateKey:
    return PrivateKey.generate()


@pytest.fixture(scope="session")
def issuer_key() -> PrivateKey:
    return PrivateKey.generate()


@pytest.fixture(scope="session")
def trust_list(issuer_key: PrivateKey) -> TrustList:
    entry = TrustEntry(
        public_key=issuer_key.public,
        centre="Centre d'accueil de test",
        host=HOST,
        valid_from=date(2026, 1, 1),
        valid_until=date(2036, 1, 1),
    )
    return TrustList(sequence=1, issued=date(2026, 1, 1), entries=(entry,))


@pytest.fixture(scope="session")
def trust_document(trust_list: TrustList, root_key: PrivateKey) -> bytes:
    return sign_trust_list(trust_list, root_key)


def fixed_clock(day: date = TODAY) -> Any:
    return lambda: datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    application = create_app(
        {"instance": tmp_path / "instance", "database_url": database_url, "TESTING": True}
    )
    yield application
    application.extensions["ehcard"].engine.dispose()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served over real HTTP on a free loopback port; yields its base URL."""
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the session; tests open their own contexts and pages in it."""
    chromium = launch(playwright)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def webkitgtk_browser() -> Iterator[WebKitGTK]:
    """One WebKitGTK (WebKitWebDriver and MiniBrowser on Xvfb) for the session."""
    with webkitgtk() as browser:
        yield browser


@pytest.fixture(scope="session")
def firefox_browser() -> Iterator[Firefox]:
    """One headless Firefox ESR, driven over WebDriver BiDi, for the session."""
    with firefox() as browser:
        yield browser


@pytest.fixture(scope="session")
def engine_pages(request: pytest.FixtureRequest) -> Callable[[str], EnginePage]:
    """Opens a fresh page in the named engine ("chromium", "webkitgtk" or "firefox"); the
    caller closes it."""

    def open_page(engine: str) -> EnginePage:
        if engine == "chromium":
            return ChromiumPage(request.getfixturevalue("browser"), locale="en-GB")
        if engine == "webkitgtk":
            return request.getfixturevalue("webkitgtk_browser").new_page()  # type: ignore[no-any-return]
        if engine == "firefox":
            return request.getfixturevalue("firefox_browser").new_page()  # type: ignore[no-any-return]
        raise ValueError(f"no such engine: {engine}")

    return open_page
