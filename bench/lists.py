"""Revocation list sizes, and list route throughput under gunicorn, against a static file.

    .venv/bin/python bench/lists.py [--seconds 10] [--connections 16]

Sizes: signed CBOR of 1k/10k/100k revocations as the registry publishes them
(no per-card end day), gzip of the same, and with per-card end days for
comparison. Throughput: gunicorn with the flags of deploy/server/ehcard.service
(--preload, 3 workers x 2 threads) on 127.0.0.1, started and stopped here, loaded
by wrk (Debian package `wrk`, 2 threads) for a bounded time per route; the
baseline is Flask's static route in the same server, measured first. Every list
route (trust, full list, delta; 200 and 304; /V/lists/ and /api/) must reach 0.9x
the baseline with no errors: the run says which do not and exits 1.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import shutil
import statistics
import subprocess  # nosec B404
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import requests
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from kiosk.db import session_scope  # noqa: E402
from kiosk.domain.publication import counters  # noqa: E402
from kiosk.models.registry import RevocationListRow, RevocationRow  # noqa: E402
from signing.keys import PrivateKey  # noqa: E402
from signing.revocation import Reason, Revocation, RevocationList, sign_revocation_list  # noqa: E402
from tests.deployment import service_exec_start  # noqa: E402
from tests.servers import free_port  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
LIST_ENTRIES = 10_000
TARGET = 0.9
TODAY = date.today()


def realistic_revocations(count: int, seed: int = 5) -> list[tuple[bytes, Reason, date, date]]:
    """Cards issued over two years, revoked at any time since, each with its own expiry."""
    # Sample data, not secrets: a seeded generator makes runs comparable.
    randomly = random.Random(seed)  # nosec B311
    reasons = list(Reason)
    entries = []
    for _ in range(count):
        issued = TODAY - timedelta(days=randomly.randrange(730))
        revoked = issued + timedelta(days=randomly.randrange((TODAY - issued).days + 1))
        entries.append(
            (randomly.randbytes(8), randomly.choice(reasons), revoked, issued + timedelta(730))
        )
    return entries


def size_table() -> list[str]:
    key = PrivateKey.generate()
    lines = [
        f"{'entries':>8} {'CBOR bytes':>11} {'gzip bytes':>11} {'bytes/entry':>12} "
        f"{'with end days':>14}"
    ]
    for count in SIZES:
        rows = realistic_revocations(count)
        published = tuple(Revocation(rid, reason, on) for rid, reason, on, _ in rows)
        with_until = tuple(Revocation(rid, reason, on, until) for rid, reason, on, until in rows)
        document = sign_revocation_list(RevocationList(key.kid, count, TODAY, published), key)
        heavier = sign_revocation_list(RevocationList(key.kid, count, TODAY, with_until), key)
        lines.append(
            f"{count:>8} {len(document):>11,} {len(gzip.compress(document)):>11,} "
            f"{len(document) / count:>12.2f} {len(heavier):>14,}"
        )
    return lines


def prepare_instance(folder: Path) -> str:
    """A development instance whose issuer has LIST_ENTRIES revocations; returns its kid."""
    app = create_app({"instance": folder, "print_worker": "external"})
    services = app.extensions["ehcard"]
    kid = services.keyring.issuer_key.kid
    rows = [
        {"issuer_kid": kid, "rid": rid, "counter": n, "reason": reason.value, "revoked_on": on,
         "until": until}
        for n, (rid, reason, on, until) in enumerate(realistic_revocations(LIST_ENTRIES), 1)
    ]  # fmt: skip
    with session_scope(services.sessions) as session:
        session.execute(insert(RevocationRow), rows)
        session.execute(insert(RevocationListRow).values(issuer_kid=kid, counter=LIST_ENTRIES))
        counters.mark_changed(session)
    services.engine.dispose()
    return str(kid.hex())


def deployment_flags() -> list[str]:
    """gunicorn's flags in ehcard.service, but for its socket and the app (added here)."""
    argv = service_exec_start("ehcard.service")[1:]
    bind = argv.index("--bind")
    return [*argv[:bind], *argv[bind + 2 :]][:-1]


@contextmanager
def gunicorn(folder: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "EHCARD_INSTANCE": str(folder), "EHCARD_PRINT_WORKER": "external"}
    # Fixed arguments and no shell here and in load(): nothing comes from outside.
    server = subprocess.Popen(  # nosec B603
        [sys.executable, "-m", "gunicorn", *deployment_flags(), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "app:create_app()"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


@dataclass(frozen=True)
class Load:
    route: str
    requests_per_second: float
    p99_ms: float
    failures: int


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load(url: str, route: str, seconds: int, connections: int, etag: str | None) -> Load:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if etag:
        command += ["-H", f"If-None-Match: {etag}"]
    output = subprocess.run(  # nosec B603
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = _milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    non_success = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    failures = int(non_success.group(1)) if non_success else 0
    failures += sum(int(n) for n in sockets.groups()) if sockets else 0
    return Load(route, rate, p99, failures)


def _routes(base: str, kid: str) -> list[tuple[str, str, str | None]]:
    """(name, path, If-None-Match) of the baseline and of every list route."""
    since = LIST_ENTRIES - 10
    full = requests.get(f"{base}/api/revocations/{kid}", timeout=10)
    delta = requests.get(f"{base}/api/revocations/{kid}?since={since}", timeout=10)
    trust = requests.get(f"{base}/api/trust", timeout=10).headers["ETag"]
    routes: list[tuple[str, str, str | None]] = [
        ("/static/ehcard.css (baseline)", "/static/ehcard.css", None)
    ]
    for prefix, trust_path, list_path in (
        ("/V/lists", "/V/lists/trust.cbor", f"/V/lists/revocations-{kid}.cbor"),
        ("/api", "/api/trust", f"/api/revocations/{kid}"),
    ):
        routes += [
            (f"{prefix} trust", trust_path, None),
            (f"{prefix} trust 304", trust_path, trust),
            (f"{prefix} full ({len(full.content):,} B)", list_path, None),
            (f"{prefix} full 304", list_path, full.headers["ETag"]),
            (f"{prefix} delta ({len(delta.content):,} B)", f"{list_path}?since={since}", None),
            (f"{prefix} delta 304", f"{list_path}?since={since}", delta.headers["ETag"]),
        ]
    return routes


def _measure(base: str, kid: str, options: argparse.Namespace) -> list[tuple[Load, Load]]:
    """Each list route right after a run of the baseline, `rounds` times: the load of this
    shared machine drifts over minutes, so a route is compared with its own baseline."""
    baseline, *routes = _routes(base, kid)

    def run(name: str, path: str, etag: str | None) -> Load:
        return load(base + path, name, options.seconds, options.connections, etag)

    return [(run(*baseline), run(*route)) for _ in range(options.rounds) for route in routes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/lists.py needs wrk: apt-get install wrk")

    print("Revocation list size (signed CBOR, realistic dates)")
    print("\n".join(size_table()))

    with tempfile.TemporaryDirectory() as folder:
        kid = prepare_instance(Path(folder))
        with gunicorn(Path(folder)) as base:
            results = _measure(base, kid, options)
    print(
        f"\ngunicorn {' '.join(deployment_flags())}, wrk 2 threads {options.connections} "
        f"connections, {options.seconds} s per run, {options.rounds} rounds of the static "
        f"file then one route, 127.0.0.1, {os.cpu_count()} cores; medians over the rounds"
    )
    print(f"{'route':<40} {'req/s':>9} {'vs static':>10} {'p99 ms':>8} {'errors':>7}")
    missed = []
    baselines = [static for static, _ in results]
    _print_row(baselines[0].route, baselines, [1.0])
    for name in dict.fromkeys(run.route for _, run in results):
        pairs = [(static, run) for static, run in results if run.route == name]
        runs = [run for _, run in pairs]
        ratios = [run.requests_per_second / static.requests_per_second for static, run in pairs]
        if _print_row(name, runs, ratios) < TARGET or sum(run.failures for run in runs):
            missed.append(name)
    if sum(run.failures for run in baselines):
        missed.append(baselines[0].route)
    if missed:
        sys.exit(f"below {TARGET}x the static file or with errors: {', '.join(missed)}")
    print(f"every list route at {TARGET}x the static file or more, no errors")


def _print_row(name: str, runs: list[Load], ratios: list[float]) -> float:
    """One route's medians over its runs; returns its median ratio to the baseline."""
    ratio = statistics.median(ratios)
    rate = statistics.median(run.requests_per_second for run in runs)
    p99 = statistics.median(run.p99_ms for run in runs)
    failures = sum(run.failures for run in runs)
    print(f"{name:<40} {rate:>9,.0f} {ratio:>9.2f}x {p99:>8.1f} {failures:>7}")
    return ratio


if __name__ == "__main__":
    main()
