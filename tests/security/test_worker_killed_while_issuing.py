"""Finding 8 in the deployment: gunicorn workers killed while a card is issued.

The holder's tap on "Print my card" is in flight when every worker is killed
(SIGKILL, as the OOM killer or a power cut strikes), at several moments from
before the request arrives to after the commit. nginx answers an error; the
holder taps again once gunicorn has respawned its workers. Whatever the moment,
the flow ends on the print status page of exactly one card.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import psycopg
import pytest
import requests

from tests.deployment import Deployment

KILL_AFTER_SECONDS = (0.0, 0.05, 0.2, 0.5, 1.0)


def card_count(deployment: Deployment) -> int:
    url = deployment.database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute("SELECT count(*) FROM cards").fetchone()
    assert row is not None
    return int(row[0])


def kill_every_worker(deployment: Deployment) -> None:
    before = deployment.worker_pids()
    for pid in before:
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = deployment.worker_pids()
        respawned = len(workers) == len(before) and not workers & before
        if respawned and deployment.get("/healthz").status_code == 200:
            return
        time.sleep(0.1)
    raise AssertionError("gunicorn did not respawn its workers")


@pytest.mark.parametrize("delay", KILL_AFTER_SECONDS)
def test_a_worker_killed_while_issuing_leaves_one_card_for_the_flow(
    deployment: Deployment, delay: float
) -> None:
    holder = deployment.holder()
    holder.walk_to_review()
    cards_before = card_count(deployment)
    answers: list[requests.Response | Exception] = []

    def tap() -> None:
        try:
            answers.append(holder.post("/kiosk/issue"))
        except requests.RequestException as exc:
            answers.append(exc)

    tapping = threading.Thread(target=tap)
    tapping.start()
    time.sleep(delay)
    kill_every_worker(deployment)
    tapping.join(timeout=60)
    retry = holder.post("/kiosk/issue")
    assert retry.status_code == 200 and retry.url.endswith("/kiosk/done"), retry.status_code
    assert card_count(deployment) == cards_before + 1
    assert 'class="card-code"' in retry.text
