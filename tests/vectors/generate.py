"""Write every test vector and the context files it needs; never edit them by hand.

    python -m tests.vectors.generate            # rewrite tests/vectors/ in place
    python -m tests.vectors.generate --out DIR  # write a copy elsewhere

The output depends on nothing but this code and the card core: fixed seeds,
names and dates, deterministic Ed25519 signatures, JSON keys in a fixed order.
Running it twice writes the same bytes (a test checks).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from tests.vectors import (
    cbor_cases,
    clock_cases,
    field_cases,
    filter_cases,
    issuer_cases,
    text_cases,
    valid_cases,
)
from tests.vectors.context import context_files
from tests.vectors.vector import CardCase, ListCase, card_vector, list_vector

VECTORS_DIR = Path(__file__).resolve().parent
CATEGORIES = (
    "valid",
    "qr",
    "digits",
    "cbor",
    "signature",
    "trust",
    "time",
    "revocation",
    "size",
    "lists",
    "filters",
)


def card_cases() -> list[CardCase]:
    return [
        *valid_cases.cases(),
        *text_cases.cases(),
        *cbor_cases.cases(),
        *field_cases.cases(),
        *issuer_cases.cases(),
        *clock_cases.cases(),
        *filter_cases.card_cases(),
    ]


def vectors() -> dict[str, dict[str, Any]]:
    """Every vector file's JSON, by its path under tests/vectors/."""
    cases: list[CardCase | ListCase | filter_cases.FilterCase] = [
        *card_cases(),
        *clock_cases.list_cases(),
        *filter_cases.list_cases(),
        *filter_cases.cases(),
    ]
    files: dict[str, dict[str, Any]] = {}
    for case in cases:
        if case.category not in CATEGORIES:
            raise ValueError(f"{case.id}: unknown category {case.category}")
        path = f"{case.category}/{case.id}.json"
        if path in files or any(p.endswith(f"/{case.id}.json") for p in files):
            raise ValueError(f"two vectors named {case.id}")
        if isinstance(case, CardCase):
            files[path] = card_vector(case)
        elif isinstance(case, ListCase):
            files[path] = list_vector(case)
        else:
            files[path] = filter_cases.filter_vector(case)
    return files


def render(vector: dict[str, Any]) -> bytes:
    return (json.dumps(vector, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write(out: Path) -> int:
    """Replace the generated files under `out`; returns how many vectors were written."""
    for category in (*CATEGORIES, "context"):
        folder = out / category
        if folder.is_dir():
            for stale in folder.iterdir():
                if stale.suffix in (".json", ".cbor", ".pub"):
                    stale.unlink()
    generated = {path: render(vector) for path, vector in vectors().items()}
    shared = {**context_files(), **filter_cases.context_files()}
    for path, data in {**generated, **shared}.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return len(generated)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=VECTORS_DIR)
    count = write(parser.parse_args().out)
    print(f"wrote {count} vectors")


if __name__ == "__main__":
    main()
