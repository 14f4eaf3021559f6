"""Kiosk issuing under the production deployment: concurrent holders, against one worker.

Run: python bench/issue_gunicorn.py [--holders 6] [--cards 5]

Starts the documented deployment twice in one run (tests/deployment.py: an env
file from `ehcard init-production`, gunicorn with deploy/server/ehcard.service's
flags, PostgreSQL, a separate print worker on a network printer, nginx with TLS
in front): once as the unit file says (3 workers x 2 threads), once with a
single sync worker (1 x 1) as the baseline. In each, `--holders` people walk the
kiosk flow at the same time through nginx, each issuing `--cards` cards one
after another (language, consent, every answer, review, issue). Printed: cards
issued per second of wall time, and the median and p95 of the issue request
(signing, the registry, the record and both print jobs in one transaction) and
of a whole walk. Every answer must be below 500, or the run stops.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.deployment import Deployment, production_deployment  # noqa: E402

SERVICE = None  # the unit file's own counts
BASELINE = (1, 1)


@dataclass(frozen=True)
class Run:
    label: str
    cards: int
    seconds: float
    issue_ms: list[float]
    walk_ms: list[float]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def holder_cards(deployment: Deployment, cards: int) -> tuple[list[float], list[float]]:
    issue_ms: list[float] = []
    walk_ms: list[float] = []
    for _ in range(cards):
        holder = deployment.holder()
        started = time.perf_counter()
        review = holder.walk_to_review()
        before = time.perf_counter()
        done = holder.post("/kiosk/issue")
        issue_ms.append((time.perf_counter() - before) * 1000)
        walk_ms.append((time.perf_counter() - started) * 1000)
        if review.status_code != 200 or not done.url.endswith("/kiosk/done"):
            raise RuntimeError(f"review {review.status_code}, issue {done.status_code}")
    return issue_ms, walk_ms


def measure(label: str, workers: tuple[int, int] | None, holders: int, cards: int) -> Run:
    with (
        tempfile.TemporaryDirectory() as folder,
        production_deployment(Path(folder), workers=workers) as deployment,
    ):
        holder_cards(deployment, 1)  # warm every worker's imports and fonts
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=holders) as pool:
            results = [pool.submit(holder_cards, deployment, cards) for _ in range(holders)]
            timings = [result.result() for result in results]
        seconds = time.perf_counter() - started
    issue = [ms for one, _ in timings for ms in one]
    walk = [ms for _, one in timings for ms in one]
    return Run(label, holders * cards, seconds, issue, walk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holders", type=int, default=6)
    parser.add_argument("--cards", type=int, default=5, help="cards per holder")
    options = parser.parse_args()
    runs = [
        measure("ehcard.service (3 workers x 2 threads)", SERVICE, options.holders, options.cards),
        measure("baseline: 1 worker x 1 thread", BASELINE, options.holders, options.cards),
    ]
    print(f"{options.holders} concurrent holders, {options.cards} cards each, through nginx")
    print(f"{'deployment':42} {'cards/s':>8} {'issue p50':>10} {'issue p95':>10} "
          f"{'walk p50':>9} {'walk p95':>9}")  # fmt: skip
    for run in runs:
        print(
            f"{run.label:42} {run.cards / run.seconds:8.2f} "
            f"{statistics.median(run.issue_ms):8.0f}ms {p95(run.issue_ms):8.0f}ms "
            f"{statistics.median(run.walk_ms):7.0f}ms {p95(run.walk_ms):7.0f}ms"
        )
    service, baseline = (run.cards / run.seconds for run in runs)
    print(f"throughput: {service / baseline:.2f}x the single worker")


if __name__ == "__main__":
    main()
