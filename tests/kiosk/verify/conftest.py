"""A live verifier site per database, and one headless Chromium (Debian's) for the module."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from app import create_app
from tests.databases import POSTGRES_ADMIN

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "verifier"


@dataclass(frozen=True)
class Site:
    """The kiosk app served over HTTP; its card host is its own address, as in production."""

    base: str
    host: str
    app: Flask


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("verifier")
    name = f"ehcard_{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'ehcard.sqlite'}"
    else:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    port = _free_port()
    host = f"127.0.0.1:{port}"
    app = create_app(
        {"instance": folder / "instance", "database_url": url, "card_host": host, "TESTING": True}
    )
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(base=f"http://{host}", host=host, app=app)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["ehcard"].engine.dispose()
        if request.param == "postgresql":
            with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
