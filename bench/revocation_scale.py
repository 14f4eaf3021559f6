"""Revocation at national scale: the filter against the explicit list, in the same run.

    .venv/bin/python bench/revocation_scale.py [--no-browser] [--lookups N]

For each scenario (issued cards / revoked cards, reasons mostly `reissued` as a centre's
reissues make them, revocation days spread over two years) it signs the explicit full
list (the baseline: what /V/lists serves today) and the filter (signing/revocation_filter.py)
of the same revocations, and prints their bytes against the targets of issue 16; then the
delta a verifier fetches after 1,000 new revocations, the build time of the largest filter
on one core (the process is pinned to one CPU), the lookup time in Python (the verifier's
cache, explicit list as baseline) and in Chromium (the page's lists.js), and checks the
filter's answer for every issued id: revoked with its reason, or not revoked.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from signing.keys import PrivateKey  # noqa: E402
from signing.revocation import (  # noqa: E402
    Reason,
    Revocation,
    RevocationList,
    sign_revocation_list,
)
from signing.revocation_cache import RevocationCache, load_revocation_document  # noqa: E402
from signing.revocation_filter import (  # noqa: E402
    RevocationFilter,
    build_layers,
    sign_revocation_filter,
)

TODAY = date(2026, 12, 7)
COVERS = TODAY - timedelta(days=1)
# (issued, revoked, target bytes of the filter document)
SCENARIOS = ((1_000_000, 100_000, 150_000), (2_000_000, 600_000, 400_000))
DELTA_REVOCATIONS = 1_000
DELTA_TARGET = 10_000
BUILD_TARGET_SECONDS = 60.0
# A reception centre's revocations: most are the old card of a reissue.
REASON_WEIGHTS = {
    Reason.REISSUED: 85,
    Reason.LOST: 6,
    Reason.STOLEN: 3,
    Reason.WRONG_DATA: 3,
    Reason.HOLDER_REQUEST: 2,
    Reason.DECEASED: 1,
}


@dataclass(frozen=True)
class Scenario:
    issued: list[bytes]
    revoked: dict[bytes, Revocation]

    @classmethod
    def make(cls, issued: int, revoked: int, seed: int, weights: dict[Reason, int]) -> Scenario:
        # Sample data, not secrets: a seeded generator makes runs comparable.
        randomly = random.Random(seed)  # nosec B311
        ids = list({randomly.randbytes(8) for _ in range(issued + issued // 1000)})[:issued]
        reasons = randomly.choices(list(weights), weights=list(weights.values()), k=revoked)
        entries = {
            rid: Revocation(rid, reason, TODAY - timedelta(days=randomly.randrange(730)))
            for rid, reason in zip(randomly.sample(ids, revoked), reasons, strict=True)
        }
        return cls(ids, entries)

    def reasons(self) -> dict[bytes, Reason]:
        return {rid: entry.reason for rid, entry in self.revoked.items()}


def explicit_list(key: PrivateKey, scenario: Scenario) -> bytes:
    entries = tuple(scenario.revoked.values())
    return sign_revocation_list(RevocationList(key.kid, len(entries), TODAY, entries), key)


def filter_document(key: PrivateKey, scenario: Scenario) -> tuple[bytes, float]:
    """The signed filter and the seconds it took to build and sign it."""
    started = time.perf_counter()
    layers = build_layers(scenario.issued, scenario.reasons())
    revocations = RevocationFilter(
        issuer_kid=key.kid,
        counter=len(scenario.revoked),
        issued=TODAY,
        covers=COVERS,
        expired_before=TODAY - timedelta(days=30),
        issued_count=len(scenario.issued),
        layers=layers,
        entries=(),
    )
    document = sign_revocation_filter(revocations, key)
    return document, time.perf_counter() - started


def wrong_answers(cache: RevocationCache, kid: bytes, scenario: Scenario) -> int:
    """Issued ids the filter answers wrongly for (revoked or not, and the reason)."""
    revocations = cache.filters[kid]
    wrong = 0
    for rid in scenario.issued:
        expected = scenario.revoked.get(rid)
        answer = revocations.lookup(rid, COVERS)
        wrong += answer != (expected.reason if expected else None)
    return wrong


def answer(cache: RevocationCache, kid: bytes, rid: bytes) -> Reason | None:
    """The cache's answer for an issued id, explicit entries first (as `lookup` does)."""
    entry = cache.entries[kid].get(rid)
    return entry.reason if entry else cache.filters[kid].lookup(rid, COVERS)


def lookup_us(lookup: Callable[[bytes], object], rids: list[bytes]) -> float:
    started = time.perf_counter()
    for rid in rids:
        lookup(rid)
    return (time.perf_counter() - started) / len(rids) * 1e6


def kb(size: int) -> str:
    return f"{size / 1000:,.1f} kB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium lookups")
    parser.add_argument("--lookups", type=int, default=20_000)
    options = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    key = PrivateKey.generate()
    print(f"Revocation data of one issuer, signed; {os.cpu_count()} cores, run pinned to one")
    print(
        f"{'issued / revoked':>20} {'explicit list':>14} {'gzip':>10} {'filter':>10} "
        f"{'vs explicit':>12} {'bits/issued':>12} {'target':>10} {'build s':>8} {'wrong':>6}"
    )
    results = []
    for seed, (issued, revoked, target) in enumerate(SCENARIOS, 1):
        scenario = Scenario.make(issued, revoked, seed, REASON_WEIGHTS)
        explicit = explicit_list(key, scenario)
        document, seconds = filter_document(key, scenario)
        cache = RevocationCache()
        cache.apply(load_revocation_document(document, key.public))
        wrong = wrong_answers(cache, key.kid, scenario)
        met = "met" if len(document) <= target else "MISSED"
        print(
            f"{issued:>10,} / {revoked:>7,} {kb(len(explicit)):>14} "
            f"{kb(len(gzip.compress(explicit))):>10} {kb(len(document)):>10} "
            f"{len(document) / len(explicit):>11.3f}x {len(document) * 8 / issued:>12.3f} "
            f"{'≤ ' + kb(target) + ' ' + met:>10} {seconds:>8.1f} {wrong:>6}"
        )
        results.append((scenario, document, seconds, cache, explicit))
    issued, revoked, target = SCENARIOS[0]
    uniform = Scenario.make(issued, revoked, 7, dict.fromkeys(Reason, 1))
    document, _ = filter_document(key, uniform)
    print(
        f"{'(reasons uniform)':>20} {'':>14} {'':>10} {kb(len(document)):>10} "
        f"{'':>12} {len(document) * 8 / issued:>12.3f}"
    )

    print(
        f"\nBuild on one core, {SCENARIOS[-1][0]:,} issued: "
        f"{results[-1][2]:.1f} s (target ≤ {BUILD_TARGET_SECONDS:.0f} s)"
    )

    scenario, document, _, cache, explicit = results[0]
    randomly = random.Random(9)  # nosec B311
    fresh = [
        Revocation(rid, Reason.REISSUED, TODAY)
        for rid in randomly.sample(
            [rid for rid in scenario.issued if rid not in scenario.revoked], DELTA_REVOCATIONS
        )
    ]
    counter = len(scenario.revoked)
    delta = sign_revocation_list(
        RevocationList(key.kid, counter + DELTA_REVOCATIONS, TODAY, tuple(fresh), since=counter),
        key,
    )
    print(
        f"Delta after {DELTA_REVOCATIONS:,} new revocations: {kb(len(delta))} "
        f"(target ≤ {kb(DELTA_TARGET)}); a new full filter instead: {kb(len(document))}"
    )
    cache.apply(load_revocation_document(delta, key.public))
    found = sum(answer(cache, key.kid, e.rid) is Reason.REISSUED for e in fresh)
    print(f"  new revocations the cache finds through the delta: {found:,} of {len(fresh):,}")

    sample = randomly.sample(scenario.issued, min(options.lookups, len(scenario.issued)))
    explicit_cache = RevocationCache()
    explicit_cache.apply(load_revocation_document(explicit, key.public))
    filters = cache.filters[key.kid]
    entries = explicit_cache.entries[key.kid]
    print(
        f"\nLookup, mean over {len(sample):,} issued ids ({SCENARIOS[0][0]:,} / "
        f"{SCENARIOS[0][1]:,}):"
    )
    print(f"  Python, explicit list (baseline): {lookup_us(entries.get, sample):.2f} µs")
    print(
        f"  Python, filter:                   "
        f"{lookup_us(lambda rid: filters.lookup(rid, COVERS), sample):.2f} µs"
    )
    if not options.no_browser:
        from bench.browser_lookup import browser_lookup_us

        browser = browser_lookup_us(
            document, key.public.raw, sample[:2_000], (COVERS - date(1970, 1, 1)).days
        )
        print(f"  Chromium (lists.js), filter:      {browser:.2f} µs")


if __name__ == "__main__":
    main()
