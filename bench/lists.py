"""Revocation list sizes, and list endpoint throughput under gunicorn, against a static file.

    .venv/bin/python bench/lists.py [--seconds 10] [--workers 4] [--connections 16]

Sizes: signed CBOR of 1k/10k/100k revocations as the registry publishes them
(no per-card end day), gzip of the same, and with per-card end days for
comparison. Throughput: gunicorn (sync workers) on 127.0.0.1, started and
stopped here, loaded by wrk (Debian package `wrk`) for a bounded time per
route; the baseline is Flask's static route in the same server.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import shutil
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
from kiosk.models.registry import RevocationRow  # noqa: E402
from signing.keys import PrivateKey  # noqa: E402
from signing.revocation import Reason, Revocation, RevocationList, sign_revocation_list  # noqa: E402
from tests.servers import free_port  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
LIST_ENTRIES = 10_000
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
        {"issuer_kid": kid, "rid": rid, "reason": reason.value, "revoked_on": on, "until": until}
        for rid, reason, on, until in realistic_revocations(LIST_ENTRIES)
    ]
    with session_scope(services.sessions) as session:
        session.execute(insert(RevocationRow), rows)
    services.engine.dispose()
    return str(kid.hex())


@contextmanager
def gunicorn(folder: Path, workers: int) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "EHCARD_INSTANCE": str(folder), "EHCARD_PRINT_WORKER": "external"}
    # Fixed arguments and no shell here and in load(): nothing comes from outside.
    server = subprocess.Popen(  # nosec B603
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "app:create_app()"],
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


def _measure(base: str, kid: str, options: argparse.Namespace) -> list[Load]:
    trust_etag = requests.get(f"{base}/api/trust", timeout=10).headers["ETag"]
    full = requests.get(f"{base}/api/revocations/{kid}", timeout=10)
    routes = [
        ("/static/ehcard.css (baseline)", "/static/ehcard.css", None),
        ("/api/trust", "/api/trust", None),
        ("/api/trust + If-None-Match", "/api/trust", trust_etag),
        (f"/api/revocations ({LIST_ENTRIES:,}, {len(full.content):,} B)",
         f"/api/revocations/{kid}", None),
        ("/api/revocations + If-None-Match", f"/api/revocations/{kid}", full.headers["ETag"]),
        ("/api/revocations?since=counter-10",
         f"/api/revocations/{kid}?since={LIST_ENTRIES - 10}", None),
        ("/V (verifier page)", "/V", None),
        ("/static/verify/verifier.js", "/static/verify/verifier.js", None),
        ("/V/labels-fr.json", "/V/labels-fr.json", None),
        ("/R (record page)", "/R", None),
    ]  # fmt: skip
    return [
        load(base + path, name, options.seconds, options.connections, etag)
        for name, path, etag in routes
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/lists.py needs wrk: apt-get install wrk")

    print("Revocation list size (signed CBOR, realistic dates)")
    print("\n".join(size_table()))

    with tempfile.TemporaryDirectory() as folder:
        kid = prepare_instance(Path(folder))
        with gunicorn(Path(folder), options.workers) as base:
            results = _measure(base, kid, options)
    baseline = results[0].requests_per_second
    print(
        f"\ngunicorn {options.workers} sync workers, wrk 2 threads {options.connections} "
        f"connections, {options.seconds} s per route, 127.0.0.1, {os.cpu_count()} cores"
    )
    print(f"{'route':<44} {'req/s':>9} {'vs static':>10} {'p99 ms':>8} {'errors':>7}")
    for result in results:
        print(
            f"{result.route:<44} {result.requests_per_second:>9,.0f} "
            f"{result.requests_per_second / baseline:>9.2f}x {result.p99_ms:>8.1f} "
            f"{result.failures:>7}"
        )


if __name__ == "__main__":
    main()
