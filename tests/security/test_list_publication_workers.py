"""Every gunicorn worker serves a new publication of the lists at once, whoever published it:
another process (`ehcard revoke`, `ehcard keys rotate`) or one worker (the console's reissue).

Each GET goes over its own connection; the worker that accepted it is found from the
server side of that TCP connection in /proc, and the test asks until each of
ehcard.service's workers has answered.
"""

from __future__ import annotations

import http.client
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests.deployment import Deployment
from tests.kiosk.staff.support import Console
from tests.security.test_process_model import socket_inodes

ROUTES = ("/V/lists/revocations-{kid}.cbor", "/api/revocations/{kid}")
CONNECTIONS = 240
BATCH = 12
PASSWORD = "lists are published once, served everywhere"
PROFILE = {"name": "Amina Diallo", "birth_date": "1994-03-12", "allergies": ["91936005"]}


@dataclass(frozen=True)
class Answer:
    status: int
    etag: str
    body: bytes


def server_socket_inode(app_port: int, client_port: int) -> str | None:
    """The inode of the server's end of the loopback connection from `client_port`."""
    local, remote = f"0100007F:{app_port:04X}", f"0100007F:{client_port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if parts[1] == local and parts[2] == remote:
            return parts[9]
    return None


def ask_one(deployment: Deployment, path: str) -> tuple[int | None, Answer]:
    """GET `path` on a new connection; the worker that answered, and its answer."""
    url = urlsplit(deployment.app_url)
    assert url.hostname is not None and url.port is not None
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        answer = Answer(response.status, response.getheader("ETag", ""), response.read())
        # Kept alive: the worker still holds its end of the connection.
        inode = server_socket_inode(url.port, connection.sock.getsockname()[1])
        owner = next(
            (pid for pid in deployment.worker_pids() if inode and inode in socket_inodes(pid)),
            None,
        )
        return owner, answer
    finally:
        connection.close()


def every_worker(deployment: Deployment, path: str) -> dict[int, Answer]:
    """Each worker's answer to `path` (the first of each), and that every answer agrees."""
    workers = deployment.worker_pids()
    answers: dict[int, Answer] = {}
    seen: set[Answer] = set()
    with ThreadPoolExecutor(max_workers=BATCH) as pool:
        for _ in range(CONNECTIONS // BATCH):
            for owner, answer in pool.map(lambda _: ask_one(deployment, path), range(BATCH)):
                seen.add(answer)
                if owner is not None:
                    answers.setdefault(owner, answer)
            if set(answers) >= workers:
                assert len(seen) == 1, f"workers disagree on {path}: {seen}"
                return answers
    raise AssertionError(f"only workers {sorted(answers)} of {sorted(workers)} answered")


def published(deployment: Deployment, kid: str) -> Answer:
    """What every worker serves on both routes, checked to be one and the same."""
    answers = {
        answer
        for route in ROUTES
        for answer in every_worker(deployment, route.format(kid=kid)).values()
    }
    assert len(answers) == 1, answers
    [answer] = answers
    assert answer.status == 200
    return answer


def issue_card(deployment: Deployment) -> str:
    profile = deployment.folder / "lists-profile.json"
    profile.write_text(json.dumps(PROFILE))
    qr = deployment.folder / "lists-card.png"
    issued = json.loads(deployment.ehcard("issue", str(profile), "--qr", str(qr), "--json").stdout)
    return str(issued["card_code"])


def issuer_kid(deployment: Deployment) -> str:
    health = deployment.direct().get(f"{deployment.app_url}/healthz", timeout=30)
    return str(health.json()["issuer"])


def test_a_revocation_by_another_process_is_served_by_every_worker(
    deployment: Deployment,
) -> None:
    kid = issuer_kid(deployment)
    code = issue_card(deployment)
    before = published(deployment, kid)
    deployment.ehcard("revoke", code, "--reason", "lost")
    after = published(deployment, kid)
    assert after.etag != before.etag and after.body != before.body


def test_a_reissue_in_one_worker_is_served_by_every_worker(deployment: Deployment) -> None:
    kid = issuer_kid(deployment)
    code = issue_card(deployment)
    deployment.add_user("lists-staff", PASSWORD, "staff")
    console = Console(deployment.app_url)
    console.http = deployment.direct()
    assert console.login("lists-staff", PASSWORD).status_code == 302
    before = published(deployment, kid)
    reissued = console.post(f"/staff/cards/{code}/reissue", {"profile_json": json.dumps(PROFILE)})
    assert reissued.status_code == 302, reissued.text[:500]
    after = published(deployment, kid)
    assert after.etag != before.etag and after.body != before.body


def test_a_new_issuer_key_gets_its_list_published_to_every_worker(
    deployment: Deployment,
) -> None:
    """A rotation waiting for the offline root's signature already holds the new key."""
    rotated = deployment.ehcard("keys", "rotate").stdout
    found = re.search(r"new issuer key ([0-9a-f]{16})", rotated)
    assert found, rotated
    answer = published(deployment, found.group(1))
    assert answer.etag
