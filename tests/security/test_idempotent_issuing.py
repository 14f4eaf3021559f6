"""Finding 8: the final submit of a kiosk flow issues one card, however often it arrives.

A holder whose confirmation page never came (a dropped connection, a proxy
timeout, a worker killed after the commit) taps again, or the browser resends:
every copy of the same POST ends on the print status page of the one card.
Over real HTTP, on SQLite and PostgreSQL; the kill after the commit is in
tests/faults/test_kill_during_issue.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select

from kiosk.models.registry import CardRow
from tests.databases import fresh_database
from tests.holder import Holder
from tests.kiosk.reception.conftest import build
from tests.servers import serving

RETRIES = 4


@pytest.fixture(params=["sqlite", "postgresql"])
def kiosk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    with fresh_database(request.param, tmp_path) as url:
        app = build(tmp_path / "instance", url)
        with serving(app) as base:
            yield app, base


def _cards(app: Flask) -> int:
    with app.extensions["ehcard"].sessions() as session:
        return int(session.scalar(select(func.count()).select_from(CardRow)) or 0)


def _card_code(page: requests.Response) -> str:
    return page.text.split('class="card-code" dir="ltr">')[1].split("<")[0]


def _same_submit(holder: Holder) -> requests.Session:
    """Another connection carrying the holder's cookie: the resent POST of the same flow."""
    copy = requests.Session()
    copy.cookies.update(holder.http.cookies)
    return copy


def test_a_resent_issue_while_the_first_still_runs_issues_one_card(
    kiosk: tuple[Flask, str],
) -> None:
    app, base = kiosk
    holder = Holder(base)
    holder.walk_to_review()
    form = {"csrf_token": holder.token}
    start = threading.Barrier(RETRIES)
    pages: list[requests.Response] = []

    def submit() -> None:
        connection = _same_submit(holder)
        start.wait()
        pages.append(connection.post(f"{base}/kiosk/issue", data=form, timeout=60))

    threads = [threading.Thread(target=submit) for _ in range(RETRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _cards(app) == 1
    assert [page.status_code for page in pages] == [200] * RETRIES
    assert all(page.url.endswith("/kiosk/done") for page in pages)
    assert len({_card_code(page) for page in pages}) == 1


def test_a_retry_of_the_issue_after_the_answer_was_lost_shows_the_same_card(
    kiosk: tuple[Flask, str],
) -> None:
    app, base = kiosk
    holder = Holder(base)
    holder.walk_to_review()
    form = {"csrf_token": holder.token}
    resent = _same_submit(holder)  # the cookie as it was before the first answer
    first = holder.http.post(f"{base}/kiosk/issue", data=form, timeout=60)
    again = resent.post(f"{base}/kiosk/issue", data=form, timeout=60)
    assert again.url.endswith("/kiosk/done")
    assert _card_code(again) == _card_code(first)
    assert _cards(app) == 1
