"""The revocation filter vectors (tests/vectors/filters/): after loading each vector's lists
in order, the Python verifier's cache gives every expected answer. The browser's twin runs
the same files (tests/kiosk/verify/test_parity.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from signing.keys import load_public_key
from signing.revocation import Reason
from signing.revocation_filter import load_revocation_filter
from signing.trust import load_trust_list
from signing.verifier import Verifier

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
FILES = sorted((VECTORS / "filters").glob("*.json"))


def answers(vector: dict[str, Any]) -> list[dict[str, Any]]:
    context = vector["context"]
    verifier = Verifier.from_files(
        root_keys=[load_public_key(VECTORS / context["root_key"])],
        trust_file=VECTORS / context["trust_list"],
        revocation_files=[VECTORS / name for name in context["revocation_lists"]],
    )
    on = date.fromisoformat(context["validation_time"][:10])
    seen = []
    for lookup in vector["expected"]["lookups"]:
        revoked = verifier.revocations.lookup(
            bytes.fromhex(lookup["issuer"]),
            bytes.fromhex(lookup["card_id"]),
            on,
            date.fromisoformat(lookup["card_issued"]),
        )
        seen.append(
            {
                **lookup,
                "reason": revoked.reason.label if revoked else None,
                "revoked_on": revoked.revoked_on.isoformat()
                if revoked and revoked.revoked_on
                else None,
            }
        )
    return seen


def test_the_filter_vectors_cover_what_the_brief_lists() -> None:
    names = {path.stem for path in FILES}
    assert names >= {
        "filters-revoked-and-not",
        "filters-with-delta",
        "filters-nothing-revoked",
        "filters-one-reason",
        "filters-all-revoked",
    }
    lookups = [x for p in FILES for x in json.loads(p.read_text("utf-8"))["expected"]["lookups"]]
    reasons = {lookup["reason"] for lookup in lookups}
    assert reasons == {"lost", "stolen", "reissued", "deceased", "holder_request", None}
    # Answers of a filter (no day) and of explicit entries (a day) alike.
    assert {lookup["revoked_on"] is None for lookup in lookups if lookup["reason"]} == {True, False}


def test_the_filters_have_a_screen_or_none_and_one_or_more_reasons() -> None:
    root = load_public_key(VECTORS / "context" / "root.pub")
    trust = load_trust_list((VECTORS / "context" / "trust.cbor").read_bytes(), [root])
    key = trust.entries[0].public_key
    layers = {
        name: load_revocation_filter(
            (VECTORS / "context" / f"filter-a-{name}.cbor").read_bytes(), key
        ).layers
        for name in ("3", "2-nothing-revoked", "4-one-reason", "6-all-revoked")
    }
    assert layers["3"].screen is not None and layers["3"].screen.bits > 1
    assert len(layers["3"].reasons) == 3
    assert layers["4-one-reason"].screen is not None
    assert layers["4-one-reason"].reasons == (Reason.REISSUED,)
    assert layers["4-one-reason"].reason_layers == ()
    assert layers["6-all-revoked"].screen is None  # k = 0
    assert layers["6-all-revoked"].revoked is not None
    assert layers["2-nothing-revoked"].revoked is None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_python_cache_gives_every_expected_answer(path: Path) -> None:
    vector = json.loads(path.read_text("utf-8"))
    expected = vector["expected"]["lookups"]
    mismatches = [(e, s) for e, s in zip(expected, answers(vector), strict=True) if e != s]
    assert not mismatches, mismatches[:5]
