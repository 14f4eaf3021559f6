"""The CDDL of docs/card-format.md against every test vector, with a CDDL validator (pycddl).

The CDDL is a necessary condition: every body and list the verifiers accept validates, and
the faults CDDL can express (types, ranges, sizes, keys) fail it. Checks across fields
(signatures, packings, check digits, canonical form) are the prose's and the decoders'.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import cbor2
import pycddl
import pytest

from signing.keys import PrivateKey
from signing.revocation import Reason, Revocation
from signing.revocation_filter import RevocationFilter, build_layers, sign_revocation_filter

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
DOC = ROOT / "docs" / "card-format.md"
HEADER_BYTES, SIGNATURE_BYTES = 9, 64


def cddl_text() -> str:
    return resources.files("cards.schemas").joinpath("card-format.cddl").read_text("utf-8")


@cache
def schema(rule: str, *, embedded: bool = True) -> pycddl.Schema:
    """The CDDL with `rule` as its root (pycddl validates against the first rule).

    pycddl 0.6 decodes the array's first element, not its own, for a `.cbor` member after
    the first: without `embedded`, `bstr .cbor X` reads `bstr`, and the caller checks the
    embedded body against X itself (`valid_signed`).
    """
    text = cddl_text()
    if not embedded:
        text = re.sub(r"bstr \.cbor [a-z-]+", "bstr", text)
    return pycddl.Schema(f"root = {rule}\n{text}")


def valid(rule: str, value: bytes) -> bool:
    try:
        schema(rule).validate_cbor(value)
    except pycddl.ValidationError:
        return False
    return True


def valid_signed(rule: str, document: bytes) -> bool:
    """A signed list: the [kid, body, signature] array, then its body as the CDDL embeds it."""
    try:
        schema(rule, embedded=False).validate_cbor(document)
    except pycddl.ValidationError:
        return False
    embedded = re.search(rf"^{rule} = .*bstr \.cbor ([a-z-]+)", cddl_text(), re.MULTILINE)
    assert embedded is not None
    return valid(embedded.group(1), cbor2.loads(document)[1])


def qr_pattern() -> re.Pattern[str]:
    """The qr-text regular expression, anchored as XSD regular expressions are."""
    found = re.search(r'^qr-text = tstr \.regexp "([^"]+)"$', cddl_text(), re.MULTILINE)
    assert found is not None
    return re.compile(found.group(1))


def _card_vectors() -> list[dict[str, Any]]:
    vectors = [json.loads(p.read_text("utf-8")) for p in sorted(VECTORS.rglob("*.json"))]
    return [v for v in vectors if isinstance(v, dict) and "qr_text" in v]


CARDS = _card_vectors()
DECODED = [v for v in CARDS if v["expected"]["decode"] == "pass"]
REFUSED_AT_DECODE = {v["id"]: v for v in CARDS if v["expected"]["decode"] == "fail"}


def body(vector: dict[str, Any]) -> bytes:
    return bytes.fromhex(vector["payload_hex"])[HEADER_BYTES:-SIGNATURE_BYTES]


def test_the_doc_embeds_the_cddl_file_verbatim() -> None:
    assert f"```cddl\n{cddl_text()}```" in DOC.read_text("utf-8")


def test_the_cddl_parses_and_names_every_structure() -> None:
    for rule in (
        "qr-text",
        "payload",
        "card-body",
        "trust-list",
        "revocation-list",
        "revocation-filter",
    ):
        schema(rule)


@pytest.mark.parametrize("vector", DECODED, ids=lambda v: v["id"])
def test_every_body_a_verifier_decodes_validates(vector: dict[str, Any]) -> None:
    assert valid("card-body", body(vector))
    assert valid("payload", cbor2.dumps(bytes.fromhex(vector["payload_hex"])))
    assert valid("qr-text", cbor2.dumps(vector["qr_text"]))


# Decode faults CDDL expresses: each of these bodies must fail the CDDL, not only the decoder.
OUTSIDE_THE_CDDL = [
    "cbor-blood-group-code-9",
    "cbor-sex-code-3",
    "cbor-allergy-not-snomed",
    "cbor-card-id-seven-bytes",
    "cbor-record-key-fifteen-bytes",
    "cbor-expires-day-65536",
    "cbor-birth-year-2200",
    "cbor-provenance-bits-16",
    "cbor-provenance-staff-id-0",
    "cbor-medications-seventeen-codes",
    "cbor-empty-language-list",
    "cbor-latin-name-lower-case",
]


@pytest.mark.parametrize("vector_id", OUTSIDE_THE_CDDL)
def test_faults_the_cddl_expresses_fail_it(vector_id: str) -> None:
    assert not valid("card-body", body(REFUSED_AT_DECODE[vector_id]))


def _latin_pattern() -> str:
    found = re.search(r'^latin-name = tstr \.regexp "([^"]+)"$', cddl_text(), re.MULTILINE)
    assert found is not None
    return found.group(1)


def test_the_latin_name_pattern_takes_what_the_decoder_takes() -> None:
    pattern = _latin_pattern()
    for vector in DECODED:
        latin = cbor2.loads(body(vector)).get(5)
        assert latin is None or re.fullmatch(pattern, latin)
    for refused in ("AMINA  DIALLO", " AMINA", "AMINA ", "AMINA3", "amina", "ÉLODIE", ""):
        assert not re.fullmatch(pattern, refused)


def test_the_qr_pattern_takes_every_text_past_the_qr_stage_and_no_bad_prefix_or_digits() -> None:
    pattern = qr_pattern()
    for vector in CARDS:
        expected = vector["expected"]
        matches = pattern.fullmatch(vector["qr_text"]) is not None
        if expected["qr"] == "pass":
            assert matches, vector["id"]
        elif expected["error"] in ("bad_prefix", "non_digit", "leading_zero"):
            assert not matches, vector["id"]


def _list_files(prefix: str) -> list[Path]:
    files = sorted((VECTORS / "context").glob(f"{prefix}*.cbor"))
    assert files, f"no {prefix} list files in tests/vectors/context"
    return files


@pytest.mark.parametrize("path", _list_files("trust"), ids=lambda p: p.name)
def test_every_trust_list_file_validates(path: Path) -> None:
    assert valid_signed("trust-list", path.read_bytes())


# List files refused for what CDDL expresses; the others are refused for their signature,
# their counters or a duplicate id, which only a verifier can see.
REVOCATIONS_OUTSIDE_THE_CDDL = {"revocations-not-cbor.cbor", "revocations-a-unknown-reason.cbor"}


@pytest.mark.parametrize("path", _list_files("revocations"), ids=lambda p: p.name)
def test_every_revocation_list_file_validates_unless_its_fault_is_one_cddl_sees(
    path: Path,
) -> None:
    assert valid_signed("revocation-list", path.read_bytes()) is (
        path.name not in REVOCATIONS_OUTSIDE_THE_CDDL
    )


def _filter_document(revoked: int, *, entries: int = 0) -> bytes:
    """A signed filter over 2,000 issued ids, `revoked` of them revoked for mixed reasons."""
    key = PrivateKey.generate()
    ids = [n.to_bytes(8, "big") for n in range(2_000)]
    reasons = list(Reason)
    late = tuple(
        Revocation((10_000 + n).to_bytes(8, "big"), Reason.LOST, date(2026, 12, 7))
        for n in range(entries)
    )
    revocations = RevocationFilter(
        issuer_kid=key.kid,
        counter=revoked + entries,
        issued=date(2026, 12, 7),
        covers=date(2026, 12, 6),
        expired_before=date(2026, 11, 7),
        issued_count=len(ids),
        layers=build_layers(ids, {rid: reasons[n % 6] for n, rid in enumerate(ids[:revoked])}),
        entries=late,
    )
    return sign_revocation_filter(revocations, key)


@pytest.mark.parametrize(("revoked", "entries"), [(0, 0), (0, 3), (20, 0), (1_500, 2)], ids=str)
def test_every_filter_shape_validates(revoked: int, entries: int) -> None:
    assert valid_signed("revocation-filter", _filter_document(revoked, entries=entries))


@pytest.mark.parametrize(
    "change",
    [
        {2: [0, 100, 1, b"\0" * 13]},  # fewer slots than the ribbon's width
        {2: [0, 200, 25, b"\0" * 625]},  # more bits than a layer holds
        {2: [2**32, 200, 1, b"\0" * 25]},  # a seed beyond 32 bits
        {3: []},  # revokes, yet no reason
        {3: [7]},  # an unknown reason
        {1: [0, 200, 1, b"\0" * 25]},  # a screen with no revoked layer
    ],
    ids=["slots", "bits", "seed", "no-reason", "unknown-reason", "screen-alone"],
)
def test_filter_faults_the_cddl_expresses_fail_it(change: dict[int, Any]) -> None:
    layers = cbor2.loads(cbor2.loads(_filter_document(20))[1])[8]
    assert valid("revokes", cbor2.dumps(layers))
    # A screen alone replaces the layers; any other change goes into them. (pycddl 0.6
    # takes any map for the empty map of a filter that revokes nothing, so the faults are
    # checked against the rule of a filter that revokes.)
    changed = change if 2 not in change and 1 in change else {**layers, **change}
    assert not valid("revokes", cbor2.dumps(changed))


# Filter files of the vectors refused for what CDDL expresses; the others are refused for
# their signature, their counters or a rule between fields (a layer's size, one reason layer
# fewer than reasons, distinct reasons, covers before issued), which only a verifier sees.
# Layers that revoke are checked against their own rule (pycddl 0.6, see above).
FILTERS_OUTSIDE_THE_CDDL = {"filter-a-version-2.cbor", "filter-a-unknown-reason.cbor"}


@pytest.mark.parametrize("path", _list_files("filter"), ids=lambda p: p.name)
def test_every_filter_file_of_the_vectors_validates_unless_its_fault_is_one_cddl_sees(
    path: Path,
) -> None:
    document = path.read_bytes()
    layers = cbor2.loads(cbor2.loads(document)[1])[8]
    revokes = 2 not in layers or valid("revokes", cbor2.dumps(layers))
    assert (valid_signed("revocation-filter", document) and revokes) is (
        path.name not in FILTERS_OUTSIDE_THE_CDDL
    )
