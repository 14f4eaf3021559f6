"""`ehcard export-fhir`: verifies the card first, then writes its FHIR Bundle; never exports
a card that is not valid."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fhir.resources.R4B.bundle import Bundle

from kiosk.cli import main

PROFILE = {
    "name": "Amina Diallo",
    "birth_date": "1994-03-12",
    "blood_group": "O+",
    "allergies": ["91936005"],
    "medications": [],
    "languages": ["fr"],
}


@pytest.fixture
def ehcard(tmp_path: Path, database_url: str) -> Any:
    runner = CliRunner()
    env = {"EHCARD_INSTANCE": str(tmp_path / "instance"), "EHCARD_DATABASE_URL": database_url}

    def run(*args: str) -> Result:
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    assert run("init").exit_code == 0
    return run


@pytest.fixture
def issued(ehcard: Any, tmp_path: Path) -> dict[str, Any]:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(PROFILE))
    result = ehcard("issue", str(profile), "--qr", str(tmp_path / "card.png"), "--json")
    assert result.exit_code == 0, result.output
    summary: dict[str, Any] = json.loads(result.output)
    return summary


def test_valid_card_is_exported_as_a_fhir_bundle(ehcard: Any, issued: dict[str, Any]) -> None:
    result = ehcard("export-fhir", "--text", issued["qr_text"])
    assert result.exit_code == 0
    bundle = json.loads(result.stdout)
    Bundle.model_validate(bundle)
    patient = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert patient["identifier"][0]["value"] == issued["card_id"]
    medications = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "MedicationStatement"
    ]
    assert (
        medications[0]["medicationCodeableConcept"]["coding"][0]["code"] == "no-known-medications"
    )


def test_export_reads_the_qr_image_and_writes_a_file(
    ehcard: Any, issued: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "ips.json"
    result = ehcard("export-fhir", "--image", str(tmp_path / "card.png"), "--out", str(out))
    assert result.exit_code == 0
    assert json.loads(out.read_text("utf-8"))["type"] == "document"


def test_tampered_card_is_refused_and_nothing_is_written(
    ehcard: Any, issued: dict[str, Any], tmp_path: Path
) -> None:
    digits = issued["qr_text"].split("#")[1]
    tampered = issued["qr_text"].replace(
        digits, digits[:-3] + str((int(digits[-3:]) + 1) % 1000).zfill(3)
    )
    out = tmp_path / "ips.json"
    result = ehcard("export-fhir", "--text", tampered, "--out", str(out))
    assert result.exit_code == 1
    assert "not exported, the card is invalid (bad_signature)" in result.stderr
    assert not out.exists()


def test_export_needs_exactly_one_card_source(ehcard: Any) -> None:
    result = ehcard("export-fhir")
    assert result.exit_code == 2
    assert "give exactly one of --image or --text" in result.output
