"""Finding 11: parallel requests passed the console lock-out (7 wrong answers for a limit of 4)
and the per-PIN delay (6 guesses checked at once); the holder's recovery-code sign-in had
the same check-then-count race."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.kiosk.records.conftest import issue_record
from tests.security.signin_support import PASSWORD, TIMEOUT, Browser, Site, at_once, served

WRONG = "Wrong user name or password."


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    with served(request.param, tmp_path, login_max_failures=4) as running:
        yield running


def test_parallel_wrong_console_passwords_get_no_more_checks_than_the_limit(site: Site) -> None:
    site.add_account("sam", role="staff")

    def guess(n: int) -> str:
        return Browser(site.url, f"198.51.100.{n + 1}").console_login("sam", f"guess {n}").text

    pages = at_once(16, guess)
    assert sum(WRONG in page for page in pages) <= 3, "the fourth check answers 'locked'"
    assert Browser(site.url, "192.0.2.1").console_login("sam", PASSWORD).status_code == 200


def test_parallel_pin_guesses_are_checked_one_delay_at_a_time(site: Site) -> None:
    record = issue_record(site.app)

    def guess(n: int) -> requests.Response:
        return requests.post(
            f"{site.url}/shl/{record.manifest_id}",
            json={"recipient": "Hôpital Nord", "passcode": f"{100000 + n:06d}"},
            timeout=TIMEOUT,
        )

    answers = at_once(8, guess)
    checked = [r for r in answers if r.status_code == 401]
    assert len(checked) == 1, [r.status_code for r in answers]
    assert {r.status_code for r in answers} == {401, 429}


def test_parallel_wrong_recovery_codes_get_no_more_checks_than_the_limit(site: Site) -> None:
    record = issue_record(site.app)
    limit = site.app.extensions["ehcard"].settings.recovery_attempts
    browsers = [Browser(site.url, f"198.51.100.{n + 1}") for n in range(12)]
    for browser in browsers:
        browser.get("/holder/")

    def guess(n: int) -> int:
        browser = browsers[n]
        form = {"csrf_token": browser.token, "card_code": record.card.card_code,
                "recovery_code": f"ABCD-ABCD-ABCD-ABCD-{n:04d}"}  # fmt: skip
        return browser.http.post(f"{site.url}/holder/", data=form, timeout=TIMEOUT).status_code

    statuses = at_once(12, guess)
    assert statuses.count(401) <= limit and set(statuses) == {401, 429}, statuses
