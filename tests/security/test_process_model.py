"""Finding 1: under gunicorn --preload, no database connection is shared across processes.

The print worker thread used to start in the gunicorn master and open a pool
connection before the fork: one PostgreSQL socket served the master and all
three workers, and concurrent requests failed with DuplicatePreparedStatement
and INTRANS. The deployment here is the documented one (tests/deployment.py).
"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import requests

from tests.databases import POSTGRES_ADMIN
from tests.deployment import Deployment

HOLDERS = 6
HEALTH_CHECKS = 300
POSTGRES_PORT_HEX = f"{5432:04X}"


def issue_one_card(deployment: Deployment) -> list[int]:
    """One holder walks the kiosk flow to the printed card; the status of every answer."""
    holder = deployment.holder()
    statuses: list[int] = []
    original = holder.http.request

    def counted(*args: object, **kwargs: object) -> requests.Response:
        response = original(*args, **kwargs)  # type: ignore[arg-type]
        statuses.append(response.status_code)
        return response

    holder.http.request = counted  # type: ignore[method-assign]
    holder.walk_to_review()
    done = holder.post("/kiosk/issue")
    assert done.url.endswith("/kiosk/done"), done.text[:500]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = holder.get("/kiosk/done/status").json()
        if state["final"]:
            assert state["state"] == "done", state
            return statuses
        time.sleep(0.3)
    raise AssertionError("the card did not print within 60 s")


def health(deployment: Deployment) -> int:
    return deployment.get("/healthz").status_code


def load(deployment: Deployment) -> list[int]:
    """Concurrent kiosk flows and 300 parallel /healthz; every status code answered."""
    with ThreadPoolExecutor(max_workers=40) as pool:
        flows = [pool.submit(issue_one_card, deployment) for _ in range(HOLDERS)]
        checks = [pool.submit(health, deployment) for _ in range(HEALTH_CHECKS)]
        statuses = [code for flow in flows for code in flow.result()]
        statuses += [check.result() for check in checks]
    return statuses


def socket_inodes(pid: int) -> set[str]:
    inodes: set[str] = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def client_port_inodes() -> dict[int, str]:
    """Local port -> socket inode of every loopback TCP connection to PostgreSQL."""
    found: dict[int, str] = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        local, remote, inode = parts[1], parts[2], parts[9]
        if remote.endswith(f":{POSTGRES_PORT_HEX}"):
            found[int(local.split(":")[1], 16)] = inode
    return found


def backend_owners(deployment: Deployment) -> dict[int, list[int]]:
    """Each PostgreSQL backend of the deployment's database -> the processes holding it."""
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        ports = [
            row[0]
            for row in admin.execute(
                "SELECT client_port FROM pg_stat_activity WHERE datname = %s "
                "AND client_port IS NOT NULL",
                (deployment.database_name,),
            )
        ]
    inodes = client_port_inodes()
    processes = {*deployment.gunicorn_pids(), deployment.print_worker_pid()}
    held = {pid: socket_inodes(pid) for pid in processes}
    return {
        port: sorted(pid for pid, mine in held.items() if inodes.get(port) in mine)
        for port in ports
    }


def assert_no_shared_connection(deployment: Deployment) -> None:
    owners = backend_owners(deployment)
    assert owners, "the deployment holds no database connection at all"
    shared = {port: pids for port, pids in owners.items() if len(pids) != 1}
    assert shared == {}, f"backends held by several processes (or none of ours): {shared}"
    master = deployment.processes["gunicorn"].pid
    assert all(pids != [master] for pids in owners.values()), "the gunicorn master holds one"


def test_concurrent_kiosk_flows_and_health_checks_get_no_server_error(
    deployment: Deployment,
) -> None:
    statuses = load(deployment)
    assert len(statuses) > HEALTH_CHECKS
    assert [code for code in statuses if code >= 500] == []
    assert_no_shared_connection(deployment)


def test_a_respawned_worker_shares_no_connection_either(deployment: Deployment) -> None:
    before = deployment.worker_pids()
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = deployment.worker_pids()
        if victim not in workers and len(workers) == len(before):
            break
        time.sleep(0.2)
    else:
        raise AssertionError("gunicorn did not respawn the killed worker")
    statuses = load(deployment)
    assert [code for code in statuses if code >= 500] == []
    assert_no_shared_connection(deployment)


def test_cards_print_from_the_separate_print_worker_process(deployment: Deployment) -> None:
    printed = len(deployment.printer.printed)
    issue_one_card(deployment)
    assert len(deployment.printer.printed) > printed
    # The web processes never open the printer: only the print worker connects to it.
    printer_port = f"{deployment.printer.port:04X}"
    tcp = Path("/proc/net/tcp").read_text().splitlines()[1:]
    printer_sockets = {line.split()[9] for line in tcp if line.split()[2].endswith(printer_port)}
    for pid in deployment.gunicorn_pids():
        assert socket_inodes(pid) & printer_sockets == set()
