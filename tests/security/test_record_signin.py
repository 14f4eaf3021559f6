"""Finding 6: the record page's sign-in was a second, weaker login.

Its lock counter was not atomic (24 parallel wrong passwords: 23 checked for
a limit of 5), it had no per-address throttle, unknown names never locked and
any role could sign in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.domain.audit import verify_chain
from tests.security.signin_support import PASSWORD, Browser, Site, at_once, served

LIMIT = 5


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    with served(request.param, tmp_path, login_max_failures=LIMIT) as running:
        yield running


def test_parallel_wrong_passwords_get_at_most_the_limits_checks(site: Site) -> None:
    site.add_account("dr.haddad")  # full argon2 cost: a real window between check and count

    def guess(n: int) -> int:
        # Many addresses, as from a botnet: only the account's own limit can stop them.
        browser = Browser(site.url, f"198.51.100.{n + 1}")
        return browser.record_sign_in("dr.haddad", f"wrong guess {n}").status_code

    statuses = at_once(24, guess)
    assert statuses.count(401) <= LIMIT - 1, statuses  # the limit's last check answers 429
    assert set(statuses) <= {401, 429}
    assert Browser(site.url, "192.0.2.1").record_sign_in("dr.haddad", PASSWORD).status_code == 429
    with site.app.extensions["ehcard"].sessions() as session:
        assert verify_chain(session) == []  # parallel failures each chained, none forked


def test_one_address_failing_often_is_throttled_before_any_password_check(tmp_path: Path) -> None:
    with served("postgresql", tmp_path, login_address_max_failures=6) as site:
        site.add_account("dr.haddad", full_cost=False)
        attacker = Browser(site.url, "198.51.100.7")
        for n in range(6):
            attacker.record_sign_in(f"name{n}", "wrong password here")
        throttled = attacker.record_sign_in("dr.haddad", PASSWORD)
        assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
        colleague = Browser(site.url, "198.51.100.8")
        assert colleague.record_sign_in("dr.haddad", PASSWORD).status_code == 200


def test_an_unknown_name_locks_exactly_like_an_account(site: Site) -> None:
    site.add_account("dr.haddad", full_cost=False)
    known, unknown = Browser(site.url, "198.51.100.1"), Browser(site.url, "198.51.100.2")
    known_answers = [known.record_sign_in("dr.haddad", f"guess {n}") for n in range(LIMIT + 1)]
    unknown_answers = [unknown.record_sign_in("dr.nobody", f"guess {n}") for n in range(LIMIT + 1)]
    assert [(r.status_code, r.json()) for r in known_answers] == [
        (r.status_code, r.json()) for r in unknown_answers
    ]
    assert unknown_answers[-1].status_code == 429


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_only_clinicians_sign_in_on_the_record_page(site: Site, role: str) -> None:
    site.add_account("desk.clerk", role=role, full_cost=False)
    site.add_account("dr.haddad", full_cost=False)
    right_password = Browser(site.url, "198.51.100.1").record_sign_in("desk.clerk", PASSWORD)
    wrong_password = Browser(site.url, "198.51.100.2").record_sign_in("dr.haddad", "wrong one")
    assert right_password.status_code == wrong_password.status_code == 401
    assert right_password.json() == wrong_password.json()
    clinician = Browser(site.url, "198.51.100.3")
    assert clinician.record_sign_in("dr.haddad", PASSWORD).status_code == 200
