"""The test vectors: well-formed, reproducible, and every verdict reached by the Python verifier
and the `ehcard verify` command alike."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image

from cards import codec, qr
from cards.errors import Malformed, VerificationError
from cards.export import card_to_json
from cards.render.qr_png import qr_png
from kiosk.cli import main as ehcard
from signing.errors import SignedListError
from signing.keys import load_public_key
from signing.verifier import VerifiedCard, Verifier
from tests.vectors import generate

VECTORS = Path(__file__).resolve().parent
SCHEMA = json.loads((VECTORS / "vector.schema.json").read_text("utf-8"))
FILES = sorted(VECTORS.glob("*/*.json"))
LIST_FILES = [path for path in FILES if path.parent.name == "lists"]
# Filter lookups (filters/) have no card: tests/signing/test_filter_vectors.py runs them.
CARD_FILES = [path for path in FILES if path.parent.name not in ("lists", "filters")]


def _load(path: Path) -> dict[str, Any]:
    vector: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return vector


def _valid_files() -> list[Path]:
    return [path for path in CARD_FILES if _load(path)["expected"]["status"] == "valid"]


def _name(path: Path) -> str:
    return path.stem


def _verifier(vector: dict[str, Any]) -> Verifier:
    context = vector["context"]
    moment = datetime.fromisoformat(context["validation_time"])
    return Verifier.from_files(
        root_keys=[load_public_key(VECTORS / context["root_key"])],
        trust_file=VECTORS / context["trust_list"],
        revocation_files=[VECTORS / path for path in context["revocation_lists"]],
        clock=lambda: moment,
        skew=timedelta(hours=context["skew_hours"]),
    )


def _verdict(vector: dict[str, Any]) -> tuple[str, str | None, VerifiedCard | None]:
    try:
        result = _verifier(vector).verify(vector["qr_text"])
    except VerificationError as exc:
        return exc.status, exc.code, None
    return "valid", None, result


def test_every_category_has_vectors_and_a_quarter_are_valid() -> None:
    by_category = {category: 0 for category in generate.CATEGORIES}
    for path in FILES:
        by_category[path.parent.name] += 1
    assert all(count >= 3 for count in by_category.values()), by_category
    assert len(FILES) >= 80
    assert 0.2 <= len(_valid_files()) / len(CARD_FILES) <= 0.35


def test_schema_is_a_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_vector_file_matches_its_schema_and_place(path: Path) -> None:
    vector = _load(path)
    jsonschema.Draft202012Validator(SCHEMA).validate(vector)
    assert (vector["id"], vector["category"]) == (path.stem, path.parent.name)
    context = vector["context"]
    for name in [context["root_key"], context["trust_list"], *context["revocation_lists"]]:
        assert (VECTORS / name).is_file(), name


def test_regenerating_writes_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    generate.write(tmp_path)

    def tree(root: Path) -> dict[str, bytes]:
        return {
            str(path.relative_to(root)): path.read_bytes()
            for folder in (*generate.CATEGORIES, "context")
            for path in sorted((root / folder).glob("*"))
        }

    committed, regenerated = tree(VECTORS), tree(tmp_path)
    assert sorted(committed) == sorted(regenerated)
    changed = [name for name in committed if committed[name] != regenerated[name]]
    assert changed == [], "run `python -m tests.vectors.generate` and commit the result"


@pytest.mark.parametrize("path", CARD_FILES, ids=_name)
def test_python_verifier_reaches_the_expected_verdict(path: Path) -> None:
    vector = _load(path)
    expected = vector["expected"]
    status, error, result = _verdict(vector)
    assert (status, error) == (expected["status"], expected["error"])
    if result is not None:
        assert card_to_json(result.card) == expected["card"]


@pytest.mark.parametrize("path", CARD_FILES, ids=_name)
def test_intermediate_artifacts_are_what_the_core_computes(path: Path) -> None:
    vector = _load(path)
    if vector["payload_hex"] is None:
        with pytest.raises(Malformed):
            qr.parse_qr_text(vector["qr_text"])
        assert vector["expected"]["qr"] == "fail"
        return
    _, payload = qr.parse_qr_text(vector["qr_text"])
    assert payload.hex() == vector["payload_hex"]
    if vector["expected"]["status"] == "valid":
        body = payload[9:-64]
        card = codec.decode_body(body)
        assert codec.encode_body(card) == body  # canonical: re-encodes to the same bytes
        assert vector["cbor_diagnostic"].startswith("{1: h'")
        symbol = qr.make_symbol(vector["qr_text"])
        assert vector["qr_version"] == symbol.version == qr.minimum_version_m(vector["qr_text"])


def test_size_vectors_sit_on_either_side_of_the_version_10_cap() -> None:
    at_cap = _load(VECTORS / "size" / "size-at-version-10-cap.json")
    over = _load(VECTORS / "size" / "size-one-byte-over-version-10.json")
    assert len(bytes.fromhex(over["payload_hex"])) == len(bytes.fromhex(at_cap["payload_hex"])) + 1
    assert qr.minimum_version_m(at_cap["qr_text"]) == 10
    assert qr.minimum_version_m(over["qr_text"]) == 11


@pytest.mark.parametrize("path", _valid_files(), ids=_name)
def test_valid_card_round_trips_through_a_png_and_zxing(path: Path) -> None:
    vector = _load(path)
    png = qr_png(qr.make_symbol(vector["qr_text"]), module_pixels=4)
    decoded = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    assert [result.text for result in decoded] == [vector["qr_text"]]
    result = _verifier(vector).verify(decoded[0].text)
    assert card_to_json(result.card) == vector["expected"]["card"]


@pytest.mark.parametrize("path", LIST_FILES, ids=_name)
def test_list_vector_is_refused_when_loaded(path: Path) -> None:
    vector = _load(path)
    context = vector["context"]
    with pytest.raises(SignedListError, match=re.escape(vector["expected"]["message"])):
        Verifier.from_files(
            root_keys=[load_public_key(VECTORS / context["root_key"])],
            trust_file=VECTORS / context["trust_list"],
            revocation_files=[VECTORS / name for name in context["revocation_lists"]],
        )


def _cli_subset() -> list[Path]:
    """The first vector of each category, and those that exercise skew, deltas and shared kids."""
    first = {path.parent.name: path for path in reversed([*CARD_FILES, *LIST_FILES])}
    chosen = {
        "valid/valid-tigrinya",
        "time/time-skew-0-day-after-expiry",
        "revocation/revocation-added-by-delta",
        "signature/signature-shared-kid-second-key-signed",
        "trust/trust-key-compromised",
    }
    return sorted({*first.values(), *(VECTORS / f"{name}.json" for name in chosen)})


def _cli_args(vector: dict[str, Any], tmp_path: Path) -> list[str]:
    context = vector["context"]
    args = ["--instance", str(tmp_path / "instance"), "verify"]
    if vector["category"] != "lists":
        args += ["--text", vector["qr_text"], "--at", context["validation_time"], "--json"]
    else:
        args += ["--text", "HTTPS://EHC.EXAMPLE.ORG/V#1"]
    args += ["--trust", str(VECTORS / context["trust_list"])]
    args += ["--root-key", str(VECTORS / context["root_key"])]
    for name in context["revocation_lists"]:
        args += ["--revocations", str(VECTORS / name)]
    return args


@pytest.mark.parametrize("path", _cli_subset(), ids=_name)
def test_ehcard_verify_command_agrees(path: Path, tmp_path: Path) -> None:
    vector = _load(path)
    skew = str(vector["context"].get("skew_hours", 24))
    result = CliRunner().invoke(
        ehcard, _cli_args(vector, tmp_path), env={"EHCARD_CLOCK_SKEW_HOURS": skew}
    )
    expected = vector["expected"]
    if vector["category"] == "lists":
        assert result.exit_code == 2
        assert "bad_signed_list" in result.stderr
        assert expected["message"] in result.stderr
        return
    report = json.loads(result.stdout)
    assert (report["status"], report["reason"]) == (expected["status"], expected["error"])
    assert report["card"] == expected.get("card")
    assert result.exit_code == (0 if expected["status"] == "valid" else 1)


@pytest.mark.parametrize("name", ["valid/valid-arabic", "revocation/revocation-revoked"])
def test_installed_ehcard_script_agrees(name: str, tmp_path: Path) -> None:
    vector = _load(VECTORS / f"{name}.json")
    script = Path(sys.executable).with_name("ehcard")
    completed = subprocess.run(
        [str(script), *_cli_args(vector, tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "EHCARD_CLOCK_SKEW_HOURS": "24"},
    )
    report = json.loads(completed.stdout)
    assert (report["status"], report["reason"]) == (
        vector["expected"]["status"],
        vector["expected"]["error"],
    )
    assert completed.returncode == (0 if report["status"] == "valid" else 1)
