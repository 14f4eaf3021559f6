"""Finding 3: the kiosk clinician login had no lock-out, no throttle, and told names by timing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security.signin_support import PASSWORD, Browser, Site, median_seconds, served


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    with served(request.param, tmp_path, login_address_max_failures=1000) as running:
        yield running


def test_forty_wrong_passwords_then_the_right_one_do_not_sign_a_clinician_in(site: Site) -> None:
    site.add_account("nurse.amal", full_cost=False)
    browser = Browser(site.url)
    for n in range(40):
        assert browser.kiosk_login("nurse.amal", f"wrong guess {n}").status_code in (401, 429)
    right = browser.kiosk_login("nurse.amal", PASSWORD)
    assert right.status_code == 429 and "Retry-After" in right.headers
    assert "Too many failed sign-ins: wait a few minutes" in right.text
    assert "Clinician mode" not in browser.get("/kiosk/").text


def test_a_wrong_password_before_the_lock_says_so_not_locked(site: Site) -> None:
    site.add_account("nurse.amal", full_cost=False)
    wrong = Browser(site.url).kiosk_login("nurse.amal", "wrong guess")
    assert wrong.status_code == 401
    assert "Wrong user name or password" in wrong.text and "Too many" not in wrong.text


def test_one_address_trying_many_names_is_throttled_at_the_kiosk(tmp_path: Path) -> None:
    with served("postgresql", tmp_path, login_address_max_failures=8) as site:
        site.add_account("nurse.amal", full_cost=False)
        attacker = Browser(site.url, "198.51.100.7")
        for n in range(8):
            attacker.kiosk_login(f"name{n}", "wrong password here")
        throttled = attacker.kiosk_login("nurse.amal", PASSWORD)
        assert throttled.status_code == 429
        colleague = Browser(site.url, "198.51.100.8")
        assert colleague.kiosk_login("nurse.amal", PASSWORD).status_code == 302


def test_an_unknown_name_takes_as_long_as_a_clinicians_wrong_password(tmp_path: Path) -> None:
    with served(
        "postgresql", tmp_path, login_max_failures=1000, login_address_max_failures=1000
    ) as site:
        site.add_account("nurse.amal")  # hashed at the console's full argon2 cost
        site.add_account("desk.clerk", role="staff")
        site.add_account("nurse.gone", active=False)
        browser = Browser(site.url)
        browser.kiosk_login("warm.up", "x")

        def timed(username: str, password: str) -> float:
            return median_seconds(lambda: browser.kiosk_login(username, password), tries=7)

        known = timed("nurse.amal", "not the password")
        for username, password in [
            ("nobody.here", "not the password"),  # no such account
            ("desk.clerk", PASSWORD),  # right password, not a clinician
            ("nurse.gone", PASSWORD),  # right password, disabled
        ]:
            ratio = timed(username, password) / known
            assert 0.5 < ratio < 2, f"{username}: {ratio:.2f}x the time of a wrong password"
