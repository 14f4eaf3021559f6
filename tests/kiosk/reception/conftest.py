"""A reception kiosk served over real HTTP, shared by a module's tests, and a holder at it.

Each test is a new holder (a new HTTP session, so a new kiosk flow); sharing
the server between them keeps the suite fast on both databases.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app import create_app
from kiosk.models.reception import FlowRow
from tests.databases import fresh_database
from tests.holder import Holder
from tests.kiosk.reception.voice import VoiceBuild, build_session_voice
from tests.servers import serving


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database for one test module: a SQLite file or a new PostgreSQL database."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


def build(tmp: Path, database_url: str, **settings: Any) -> Flask:
    return create_app({"instance": tmp, "database_url": database_url, "TESTING": True, **settings})


@pytest.fixture(scope="module")
def kiosk_app(
    tmp_path_factory: pytest.TempPathFactory, shared_database_url: str
) -> Iterator[Flask]:
    app = build(tmp_path_factory.mktemp("instance"), shared_database_url)
    yield app
    app.extensions["ehcard"].engine.dispose()


@pytest.fixture(scope="module")
def kiosk_url(kiosk_app: Flask) -> Iterator[str]:
    with serving(kiosk_app) as url:
        yield url


def flow_rows(app: Flask) -> int:
    with app.extensions["ehcard"].sessions() as session:
        return int(session.scalar(select(func.count()).select_from(FlowRow)) or 0)


@pytest.fixture
def holder(kiosk_url: str) -> Holder:
    return Holder(kiosk_url)


@pytest.fixture(scope="module")
def reviewing(kiosk_url: str) -> Holder:
    """One holder at the review screen, shared by tests whose bad answers change nothing."""
    holder = Holder(kiosk_url)
    holder.walk_to_review()
    return holder


@pytest.fixture(scope="session")
def voice_build(tmp_path_factory: pytest.TempPathFactory) -> VoiceBuild:
    """The kiosk's audio, made once for the whole session (see tests/kiosk/reception/voice.py)."""
    return build_session_voice(tmp_path_factory.mktemp("voice"))
