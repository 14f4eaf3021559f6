"""What the console and publication tests share: accounts, a profile, an HTTP console client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import requests
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import select

from app import create_app
from cards.model import ClinicalField, Provenance
from kiosk.context import Services
from kiosk.db import session_scope
from kiosk.domain.cards import registry
from kiosk.domain.printing import queue as printing
from kiosk.models.accounts import UserRow
from kiosk.models.printing import PrintJobRow
from kiosk.models.registry import CardRow
from signing.issuance import IssuedCard
from tests.databases import fresh_database

PASSWORD = "correct horse battery staple"
ACCOUNTS = {"ada": "admin", "sam": "staff", "cleo": "clinician"}
CLINICAL_CODES = ("294505008", "A10AE04", "B01AC06", "E10")
HOLDER_NAME = "Amina Diallo"
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def holder_profile(**changes: Any) -> dict[str, Any]:
    """A profile with every kind of clinical field, as the kiosk would send it (no confirmation)."""
    profile: dict[str, Any] = {
        "name": HOLDER_NAME,
        "birth_date": "1994-03-12",
        "sex": "female",
        "blood_group": "O+",
        "allergies": ["294505008"],
        "medications": ["A10AE04", "B01AC06"],
        "conditions": ["E10"],
        "emergency_contact": {"name": "Moussa Diallo", "phone": "+33612345678"},
        "languages": ["ff", "fr"],
    }
    profile.update(changes)
    return profile


def services_of(app: Flask) -> Services:
    services: Services = app.extensions["ehcard"]
    return services


def today() -> Any:
    return datetime.now(UTC).date()


# What a clinician signed in at the kiosk (staff id 2) confirms on the cards `issue` makes.
KIOSK_CONFIRMATION = Provenance(
    confirmed=frozenset({ClinicalField.ALLERGIES, ClinicalField.BLOOD_GROUP}), confirmed_by=2
)


def issue(
    app: Flask, profile: dict[str, Any] | None = None, *,
    provenance: Provenance = KIOSK_CONFIRMATION,
) -> IssuedCard:  # fmt: skip
    """A card issued through the registry service, as the reception kiosk does."""
    services = services_of(app)
    with session_scope(services.sessions) as session:
        return registry.issue_card(
            session, services.settings, services.keyring, profile or holder_profile(),
            today=today(), provenance=provenance,
        )  # fmt: skip


@cache
def light_password_hash() -> str:
    """A real argon2id hash of PASSWORD, made cheap to verify: sign-ins in tests stay fast.

    Verification reads its cost from the hash, so the code under test runs the
    real argon2 check; accounts made through the console get the full cost.
    """
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


def add_accounts(app: Flask) -> None:
    with session_scope(services_of(app).sessions) as session:
        for username, role in ACCOUNTS.items():
            session.add(
                UserRow(
                    username=username, display_name=username.title(), role=role, facility="",
                    password_hash=light_password_hash(), active=True, failed_logins=0,
                    created_at=datetime.now(UTC),
                )
            )  # fmt: skip


@contextmanager
def running_app(kind: str, folder: Path, **settings: Any) -> Iterator[Flask]:
    with fresh_database(kind, folder) as url:
        app = create_app(
            {"instance": folder / "instance", "database_url": url, "TESTING": True, **settings}
        )
        try:
            yield app
        finally:
            services_of(app).engine.dispose()


class Console:
    """A person at the console: one cookie jar, the forms' CSRF token, no redirects followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self._token: str | None = None

    def get(self, path: str, **options: Any) -> requests.Response:
        options.setdefault("allow_redirects", False)
        response = self.http.get(self.base_url + path, timeout=30, **options)
        found = _TOKEN.search(response.text) if "text/html" in response.headers.get(
            "Content-Type", ""
        ) else None
        if found:
            self._token = found.group(1)
        return response

    def token(self) -> str:
        if self._token is None:
            self.get("/staff/login")
        assert self._token is not None
        return self._token

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True,
        **options: Any,
    ) -> requests.Response:  # fmt: skip
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.token()
        options.setdefault("allow_redirects", False)
        return self.http.post(self.base_url + path, data=form, timeout=30, **options)

    def login(self, username: str, password: str = PASSWORD) -> requests.Response:
        self.get("/staff/login")  # a fresh form token: an ended session took the old one
        response = self.post("/staff/login", {"username": username, "password": password})
        if response.status_code == 302:
            self._token = None
            self.token()
        return response


def printed_qr_text(app: Flask, card_code: str) -> str:
    """The QR text queued for printing for a card: what the printer will put on it."""
    services = services_of(app)
    with session_scope(services.sessions) as session:
        card = session.scalars(select(CardRow).where(CardRow.card_code == card_code)).one()
        job = session.get(PrintJobRow, printing.latest_job(session, card.card_id))
        assert job is not None
        return printing.unseal(job, printing.job_key_of(session))["qr_text"]
