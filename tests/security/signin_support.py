"""What the sign-in security tests share: a served app, accounts, and the three password forms.

Each form is driven over real HTTP as a browser does (its CSRF token, its cookie
jar). `X-Forwarded-For` stands for the client address: the apps here believe
one proxy hop (proxy_hops=1), as the documented nginx deployment does.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import requests
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import select

from app import create_app
from kiosk.db import session_scope
from kiosk.domain.accounts.users import hash_password
from kiosk.models.accounts import UserRow
from kiosk.models.audit import AuditRow
from tests.databases import fresh_database
from tests.servers import serving

PASSWORD = "correct horse battery staple"
TIMEOUT = 60
_FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
T = TypeVar("T")


@dataclass
class Site:
    """The app under test and its base URL."""

    app: Flask
    url: str

    def add_account(
        self, username: str, role: str = "clinician", *, full_cost: bool = True,
        active: bool = True,
    ) -> int:  # fmt: skip
        """An account with PASSWORD; full_cost: hashed as the console hashes (real argon2 cost)."""
        with session_scope(self.app.extensions["ehcard"].sessions) as session:
            row = UserRow(
                username=username, display_name=f"Dr {username}", role=role,
                facility="CHU Lyon Sud",
                password_hash=hash_password(PASSWORD) if full_cost else cheap_hash(),
                active=active, failed_logins=0, created_at=datetime.now(UTC),
            )  # fmt: skip
            session.add(row)
            session.flush()
            return row.id

    def audit_text(self) -> str:
        """Every audit row, as text: what the chain says to whoever reads it."""
        with self.app.extensions["ehcard"].sessions() as session:
            rows = session.scalars(select(AuditRow).order_by(AuditRow.id))
            return "\n".join(
                f"{r.action} {r.actor} {r.subject} {r.details}" for r in rows
            )


@cache
def cheap_hash() -> str:
    """A real argon2id hash of PASSWORD that is quick to verify, for tests not about timing."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


@contextmanager
def served(kind: str, folder: Path, **settings: Any) -> Iterator[Site]:
    """A fresh app on a fresh `kind` database over real HTTP (a threaded server)."""
    with fresh_database(kind, folder) as url:
        app = create_app({
            "instance": folder / "instance", "database_url": url, "TESTING": True,
            "proxy_hops": 1, **settings,
        })  # fmt: skip
        with serving(app) as url:
            yield Site(app, url)


class Browser:
    """One browser: a cookie jar, the page's CSRF token, a client address."""

    def __init__(
        self, base: str, address: str = "203.0.113.10", http: requests.Session | None = None
    ) -> None:
        self.base = base
        self.http = http or requests.Session()
        self.http.headers["X-Forwarded-For"] = address
        self.token = ""

    def get(self, path: str) -> requests.Response:
        response = self.http.get(self.base + path, timeout=TIMEOUT, allow_redirects=False)
        found = _FORM_TOKEN.search(response.text) or _META_TOKEN.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    def kiosk_login(self, username: str, password: str) -> requests.Response:
        """/kiosk/clinician-login: 302 to the kiosk when signed in."""
        if not self.token:
            self.get("/kiosk/clinician-login")
        form = {"csrf_token": self.token, "username": username, "password": password}
        return self.http.post(
            f"{self.base}/kiosk/clinician-login", data=form, timeout=TIMEOUT,
            allow_redirects=False,
        )  # fmt: skip

    def console_login(self, username: str, password: str) -> requests.Response:
        """/staff/login: 302 when signed in, 200 with the refusal otherwise."""
        if not self.token:
            self.get("/staff/login")
        form = {"csrf_token": self.token, "username": username, "password": password}
        return self.http.post(
            f"{self.base}/staff/login", data=form, timeout=TIMEOUT, allow_redirects=False
        )

    def record_api(self, path: str, body: dict[str, Any]) -> requests.Response:
        """A call of the record page's JavaScript: JSON, the page's CSRF token in a header."""
        if not self.token:
            self.get("/R")
        return self.http.post(
            f"{self.base}/records/api/{path}", json=body, timeout=TIMEOUT,
            headers={"X-CSRFToken": self.token, "Accept": "application/json"},
        )  # fmt: skip

    def record_sign_in(self, username: str, password: str) -> requests.Response:
        return self.record_api("signin", {"username": username, "password": password})


def at_once(count: int, attempt: Callable[[int], T]) -> list[T]:
    """`attempt(0..count-1)` all at the same moment, from `count` threads."""
    start = threading.Barrier(count)

    def run(n: int) -> T:
        start.wait()
        return attempt(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def median_seconds(attempt: Callable[[], object], tries: int) -> float:
    times = []
    for _ in range(tries):
        began = time.perf_counter()
        attempt()
        times.append(time.perf_counter() - began)
    return statistics.median(times)
