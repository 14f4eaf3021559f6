"""A live verifier site per database; pages open in the session's Chromium (tests/conftest.py),
or in any of the three engines through tests/engines.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from app import create_app
from tests.browsers import PHONE
from tests.databases import fresh_database
from tests.engines import EnginePage
from tests.gate import Gate, gate
from tests.servers import free_port, serving

_CHROMIUM_SQLITE = pytest.param("sqlite", "chromium", id="chromium-sqlite")
_OTHER_ENGINES = [
    pytest.param("sqlite", "webkitgtk", id="webkitgtk-sqlite"),
    pytest.param("sqlite", "firefox", id="firefox-sqlite"),
]
# For tests taking `site` and `browser_engine`. The database serves the page and the lists and
# plays no part in a verdict, so the engines run against SQLite; Chromium also against
# PostgreSQL where the site's cards and lists matter (IN_EVERY_ENGINE_AND_DATABASE).
IN_EVERY_ENGINE = pytest.mark.parametrize(
    ("site", "browser_engine"), [_CHROMIUM_SQLITE, *_OTHER_ENGINES], indirect=True, scope="module"
)
IN_EVERY_ENGINE_AND_DATABASE = pytest.mark.parametrize(
    ("site", "browser_engine"),
    [_CHROMIUM_SQLITE, pytest.param("postgresql", "chromium", id="chromium-postgresql"),
     *_OTHER_ENGINES],
    indirect=True,
    scope="module",
)  # fmt: skip
IN_CHROMIUM = pytest.mark.parametrize(
    ("site", "browser_engine"), [_CHROMIUM_SQLITE], indirect=True, scope="module"
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "verifier"


@dataclass(frozen=True)
class Site:
    """The kiosk app served over HTTP; its card host is its own address, as in production.
    A gated site is reached through a relay the test can cut (`network`)."""

    base: str
    host: str
    app: Flask
    network: Gate | None = None


@contextmanager
def live_site(
    database: str, folder: Path, *, gated: bool = False, **settings: Any
) -> Iterator[Site]:
    """A development site on a fresh database, served on a free port; `settings` add to
    its configuration (say `centre_name`, `list_refresh_seconds`)."""
    with fresh_database(database, folder) as url:
        port = free_port()
        host = f"127.0.0.1:{port}"
        app = create_app(
            {"instance": folder / "instance", "database_url": url, "card_host": host,
             **settings, "TESTING": True}
        )  # fmt: skip
        if not gated:
            with serving(app, port) as base:
                yield Site(base=base, host=host, app=app)
            return
        with serving(app) as upstream, gate(port, int(upstream.rsplit(":", 1)[1])) as network:
            yield Site(base=f"http://{host}", host=host, app=app, network=network)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    with live_site(request.param, tmp_path_factory.mktemp("verifier")) as opened:
        yield opened


@pytest.fixture(scope="module")
def browser_engine(request: pytest.FixtureRequest) -> str:
    """The engine a page opens in ("chromium", "webkitgtk" or "firefox"), set by
    IN_EVERY_ENGINE and its kin."""
    return str(request.param)


def open_verifier(
    browser: Browser, url: str, *, locale: str = "en-GB", service_workers: bool = True
) -> Page:
    """A fresh phone-sized browser context on the verifier page, once it is ready."""
    context = browser.new_context(
        viewport=PHONE, locale=locale, service_workers="allow" if service_workers else "block"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector("html[data-ready=true]", timeout=20_000)
    assert errors == []
    return page


def open_engine_verifier(request: pytest.FixtureRequest, engine: str, url: str) -> EnginePage:
    """A fresh page in `engine` (tests/conftest.py starts it once a session) on the verifier
    page, once it is ready."""
    page: EnginePage = request.getfixturevalue("engine_pages")(engine)
    page.goto(url)
    page.wait_for_selector("html[data-ready=true]")
    assert page.errors() == []
    return page
