"""A reception kiosk served over real HTTP, shared by a module's tests, and a holder at it.

Each test is a new holder (a new HTTP session, so a new kiosk flow); sharing
the server between them keeps the suite fast on both databases.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app import create_app
from kiosk.models.reception import FlowRow
from tests.databases import fresh_database

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
HOLDER_PIN = "428613"
FIELD_ERROR = re.compile(
    r'<p class="field-error" id="error-([a-z_]+)" role="alert">(.*?)</p>', re.S
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database for one test module: a SQLite file or a new PostgreSQL database."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


def serve(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["ehcard"].engine.dispose()


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
    yield from serve(kiosk_app)


class Holder:
    """A person at the kiosk: one HTTP session that follows the flow's forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.token = ""

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        response = self.http.get(self.base + path, timeout=10, **kwargs)
        self._remember_token(response)
        return response

    def post(
        self, path: str, data: dict[str, Any] | None = None, **kwargs: Any
    ) -> requests.Response:
        form = {"csrf_token": self.token, **(data or {})}
        response = self.http.post(self.base + path, data=form, timeout=10, **kwargs)
        self._remember_token(response)
        return response

    def _remember_token(self, response: requests.Response) -> None:
        found = CSRF_META.search(response.text)
        if found:
            self.token = found.group(1)

    def start(self, language: str = "en") -> requests.Response:
        self.get("/kiosk/")
        self.post("/kiosk/", {"lang": language})
        return self.post("/kiosk/consent", {"answer": "yes"})

    def answer(self, step: str, data: dict[str, Any], **kwargs: Any) -> requests.Response:
        return self.post(f"/kiosk/{step}", data, **kwargs)

    def walk_to_review(
        self, language: str = "en", *, stop_at: str = "review", **changes: dict[str, Any]
    ) -> requests.Response:
        """Answer every step with plain valid answers (or `changes[step]`); lands on review.

        `stop_at` a step: answer only the steps before it and land there.
        """
        self.start(language)
        answers: dict[str, dict[str, Any]] = {
            "name": {"name": "Amina Diallo"},
            "birth": {"year": "1994", "month": "3", "day": "12"},
            "blood": {"blood_group": "O+"},
            "allergies": {"code": ["294505008"], "action": "next"},
            "medications": {"action": "unknown"},
            "conditions": {"action": "none"},
            "contact": {"contact_name": "Moussa", "contact_phone": "+33 6 12 34 56 78"},
            "languages": {"code": ["fr", "ff"], "action": "next"},
            "sensitive": {"action": "skip"},
            "pin": {"pin": HOLDER_PIN, "pin_again": HOLDER_PIN},
        }
        answers.update(changes)
        steps = [*answers, "review"]
        for index, step in enumerate(steps[: steps.index(stop_at)]):
            response = self.answer(step, answers[step], allow_redirects=False)
            assert response.headers.get("Location") == f"/kiosk/{steps[index + 1]}", (
                f"{step} refused: {field_errors(response)}"
            )
        return self.get(f"/kiosk/{stop_at}")


def field_errors(response: requests.Response) -> dict[str, str]:
    """Field -> error text shown next to it."""
    return {
        field: html.unescape(re.sub(r"<[^>]+>", "", text)).replace("⚠", "").strip()
        for field, text in FIELD_ERROR.findall(response.text)
    }


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
