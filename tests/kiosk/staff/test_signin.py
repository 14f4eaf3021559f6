"""Signing in: the same words for unknown users, lock-out, address throttle, time-outs, logout."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import delete, func, select, update

from kiosk.db import session_scope
from kiosk.domain.clock import clock_of
from kiosk.models.accounts import UserRow
from kiosk.models.audit import AuditRow
from kiosk.models.staff import LoginThrottleRow, StaffSessionRow
from tests.kiosk.staff.support import (
    PASSWORD,
    Console,
    add_accounts,
    running_app,
    services_of,
)
from tests.servers import serving

WRONG = "Wrong user name or password."
LOCKED = re.compile(r"this account is locked for (\d+) more minutes")


@dataclass
class Site:
    app: Flask
    url: str
    first_event: int = 0

    def reset(self) -> None:
        """Forget earlier tests' sign-ins, throttles and lock-outs (the log stays)."""
        with session_scope(services_of(self.app).sessions) as session:
            session.execute(delete(LoginThrottleRow))
            ended = clock_of(session).now()
            session.execute(update(StaffSessionRow).values(ended_at=ended, end_reason="test"))
            session.execute(
                update(UserRow).values(failed_logins=0, locked_until=None, active=True)
            )
            self.first_event = session.scalar(select(func.max(AuditRow.id))) or 0

    def console(self) -> Console:
        return Console(self.url)

    def events(self, action: str) -> list[AuditRow]:
        with session_scope(services_of(self.app).sessions) as session:
            return list(
                session.scalars(
                    select(AuditRow).where(
                        AuditRow.action == action, AuditRow.id > self.first_event
                    )
                )
            )

    def shift_sessions(self, **back: timedelta) -> None:
        """Move every running session's clock fields back, as if that much time had passed."""
        with session_scope(services_of(self.app).sessions) as session:
            values = {column: clock_of(session).now() - delta for column, delta in back.items()}
            session.execute(update(StaffSessionRow).values(**values))


ADDRESS_LIMIT = 13


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("signin")
    with running_app(
        request.param, folder, login_address_max_failures=ADDRESS_LIMIT, proxy_hops=1
    ) as app:
        add_accounts(app)
        with serving(app) as url:
            yield Site(app, url)


@pytest.fixture
def site(shared_site: Site) -> Site:
    shared_site.reset()
    return shared_site


def flash_text(html: str) -> str:
    found = re.search(r'<p class="flash flash-\w+" role="\w+">([^<]+)</p>', html)
    assert found, html
    return found.group(1).replace("&#39;", "'")


def test_staff_signs_in_lands_on_the_console_and_is_audited(site: Site) -> None:
    console = site.console()
    response = console.login("sam")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert console.get("/staff/").status_code == 200
    [event] = site.events("user.login")
    assert event.actor == event.subject == "user:2"
    assert '"address": "127.0.0.1"' in event.details  # no proxy header: the peer itself


def test_clinicians_land_outside_the_console(site: Site) -> None:
    assert site.console().login("cleo").headers["Location"] == "/"


def test_wrong_password_and_unknown_user_read_the_same(site: Site) -> None:
    wrong_password = site.console().login("sam", "not the password at all")
    unknown_user = site.console().login("nobody", "not the password at all")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert flash_text(wrong_password.text) == flash_text(unknown_user.text) == WRONG
    reasons = [e.details for e in site.events("user.login_failed")]
    assert '"known_user": true' in reasons[0] and '"known_user": false' in reasons[1]


def test_an_account_locks_after_five_failures_even_for_the_right_password(site: Site) -> None:
    console = site.console()
    answers = [flash_text(console.login("sam", f"guess number {n}").text) for n in range(5)]
    assert answers[:4] == [WRONG] * 4
    assert LOCKED.search(answers[4]) and LOCKED.search(answers[4]).group(1) == "15"  # type: ignore[union-attr]
    right = console.login("sam", PASSWORD)
    assert right.status_code == 200 and LOCKED.search(flash_text(right.text))
    with session_scope(services_of(site.app).sessions) as session:
        user = session.scalars(select(UserRow).where(UserRow.username == "sam")).one()
        assert user.locked_until is not None


def test_an_unknown_user_name_locks_exactly_like_an_account(site: Site) -> None:
    known, unknown = site.console(), site.console()
    known_answers = [flash_text(known.login("sam", f"guess {n}").text) for n in range(6)]
    unknown_answers = [flash_text(unknown.login("nobody", f"guess {n}").text) for n in range(6)]
    assert known_answers == unknown_answers
    assert LOCKED.search(unknown_answers[-1])


def test_one_address_failing_often_is_throttled_before_any_password_check(site: Site) -> None:
    # Behind one reverse proxy (proxy_hops=1) the client address is X-Forwarded-For's.
    attacker, colleague = site.console(), site.console()
    attacker.http.headers["X-Forwarded-For"] = "198.51.100.7"
    colleague.http.headers["X-Forwarded-For"] = "198.51.100.8"
    for n in range(ADDRESS_LIMIT):
        attacker.login(f"user{n}", "wrong password here")
    throttled = attacker.login("sam", PASSWORD)
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins from this device" in flash_text(throttled.text)
    assert site.events("user.login") == []
    assert colleague.login("sam").status_code == 302
    assert '"address": "198.51.100.8"' in site.events("user.login")[0].details


def test_a_disabled_account_is_told_so_only_with_its_right_password(site: Site) -> None:
    with session_scope(services_of(site.app).sessions) as session:
        session.execute(update(UserRow).where(UserRow.username == "sam").values(active=False))
    assert flash_text(site.console().login("sam", "wrong password here").text) == WRONG
    right = site.console().login("sam")
    assert flash_text(right.text) == "This account is disabled. Ask an administrator."


def test_an_idle_session_ends_and_says_why(site: Site) -> None:
    console = site.console()
    console.login("sam")
    site.shift_sessions(last_seen_at=timedelta(minutes=16))
    response = console.get("/staff/")
    assert response.status_code == 302
    page = console.get(response.headers["Location"])
    assert flash_text(page.text) == "You were signed out after a while without activity."
    assert '"reason": "idle"' in site.events("user.session_end")[0].details


def test_a_busy_session_still_ends_at_its_maximum_length(site: Site) -> None:
    console = site.console()
    console.login("sam")
    site.shift_sessions(started_at=timedelta(hours=10, minutes=1))
    assert console.get("/staff/").status_code == 302


def test_an_active_session_goes_on(site: Site) -> None:
    console = site.console()
    console.login("sam")
    site.shift_sessions(last_seen_at=timedelta(minutes=14))
    assert console.get("/staff/").status_code == 200


def test_logout_ends_the_session_for_a_copied_cookie_too(site: Site) -> None:
    console = site.console()
    console.login("sam")
    stolen = site.console()
    stolen.http.cookies.update(console.http.cookies)
    assert stolen.get("/staff/").status_code == 200
    assert console.post("/staff/logout").headers["Location"] == "/staff/login"
    assert stolen.get("/staff/").status_code == 302
    assert len(site.events("user.logout")) == 1


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/staff/admin/users", "/staff/admin/users"),
        ("https://evil.example/staff/", "/staff/"),
        ("//evil.example/", "/staff/"),
        ("/\\evil.example/", "/staff/"),
        ("javascript:alert(1)", "/staff/"),
    ],
)
def test_after_sign_in_only_local_pages_are_followed(site: Site, target: str, landing: str) -> None:
    console = site.console()
    response = console.post(
        "/staff/login", {"username": "ada", "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == landing
