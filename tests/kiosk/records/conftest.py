"""Fixtures of the record tests: a card in the registry with a full record behind it.

One application (and one live server) per test module and database, not per
test: the area's tests open many records, and each test issues its own fresh
card, so they stay independent while the suite stays fast on two cores.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from app import create_app
from cards.model import Card
from cards.record import RecordItem
from kiosk.db import session_scope
from kiosk.domain.accounts.users import add_user
from kiosk.domain.clock import MovableClock
from kiosk.domain.records.store import create_record
from kiosk.domain.records.uploads import UploadLimits
from kiosk.models.registry import CardRow
from signing import records as crypto
from tests.browsers import new_page
from tests.builders import make_card
from tests.databases import fresh_database
from tests.record_items import record_items
from tests.servers import serving

PIN = "482915"
CLINICIAN_PASSWORD = "correct horse battery"
LIMITS = UploadLimits(max_bytes=2 * 1024 * 1024, max_pixels=4_000_000)


@dataclass(frozen=True)
class IssuedRecord:
    card: Card
    recovery_code: str
    fragment: str  # what the card's link carries after /R#
    manifest_id: str
    file_key: bytes


def issue_record(
    app: Flask,
    items: list[RecordItem] | None = None,
    pin: str = PIN,
    card_changes: dict[str, Any] | None = None,
) -> IssuedRecord:
    """A fresh card in the registry and its encrypted record, as the kiosk makes them."""
    card = replace(
        make_card(**(card_changes or {})),
        card_id=secrets.token_bytes(8),
        record_key=secrets.token_bytes(16),
    )
    with session_scope(app.extensions["ehcard"].sessions) as session:
        session.add(
            CardRow(
                card_id=card.card_id,
                card_code=card.card_code,
                issuer_kid=bytes(8),
                issued=card.issued,
                expires=card.expires,
                status="active",
                created_at=datetime.now(UTC),
            )
        )
        session.flush()
        recovery = create_record(
            session,
            card=card,
            pin=pin,
            items=record_items() if items is None else items,
            language="fr",
            centre="Centre de test",
            limits=LIMITS,
        )
    key = crypto.file_key(card.record_key, card.record_id)
    return IssuedRecord(card, recovery, f"{card.record_id}.{crypto.b64url(card.record_key)}",
                        crypto.manifest_id(key, card.record_id), key)  # fmt: skip


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """As tests/conftest.py's, but one fresh database per module."""
    with fresh_database(request.param, tmp_path_factory.mktemp("records")) as url:
        yield url


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {"instance": instance, "database_url": database_url, "TESTING": True,
         "CLOCK": MovableClock()}
    )  # fmt: skip
    yield application
    application.extensions["ehcard"].engine.dispose()


@pytest.fixture(scope="module")
def live_server(app: Flask) -> Iterator[str]:
    """As tests/conftest.py's, but one server per module."""
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A Chromium page for the record pages' browser tests (slow to open a record on a
    loaded machine: 15 s before an action times out)."""
    with new_page(browser, locale="en-GB") as opened:
        opened.set_default_timeout(15000)
        yield opened


@pytest.fixture
def settings(app: Flask) -> Iterator[Any]:
    """Change settings for one test: `settings(record_pin_attempts=3)`; restored after."""
    hub = app.extensions["ehcard"]
    original = hub.settings

    def tune(**changes: Any) -> None:
        hub.settings = replace(original, **changes)

    yield tune
    hub.settings = original


@pytest.fixture
def record(app: Flask) -> IssuedRecord:
    return issue_record(app)


def add_clinician(app: Flask, role: str = "clinician") -> tuple[str, str]:
    """A new staff account (unique name); returns its user name and password."""
    username = f"{role}-{secrets.token_hex(4)}"
    with session_scope(app.extensions["ehcard"].sessions) as session:
        add_user(session, username, CLINICIAN_PASSWORD, role,
                 display_name="Dr N. Haddad", facility="CHU Lyon Sud")  # fmt: skip
    return username, CLINICIAN_PASSWORD


@pytest.fixture
def clinician(app: Flask) -> tuple[str, str]:
    return add_clinician(app)
