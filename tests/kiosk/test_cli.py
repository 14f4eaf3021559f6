"""The `ehcard` command end to end: init, issue, verify (text and image), revoke, export-lists."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from cards.qr import qr_text
from kiosk.cli import main

AMINA = {
    "name": "أمينة ديالو",
    "birth_date": "1994-03-12",
    "sex": "female",
    "blood_group": "O+",
    "allergies": ["294505008"],
    "medications": ["A10AE04"],
    "conditions": ["E10"],
    "emergency_contact": {"name": "Moussa", "phone": "+33612345678"},
    "languages": ["ff", "fr"],
}


def run(instance: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--instance", str(instance), *args], catch_exceptions=False)


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    where = tmp_path / "instance"
    assert run(where, "init").exit_code == 0
    return where


def issue(instance: Path, tmp_path: Path, profile: dict[str, Any] = AMINA) -> dict[str, Any]:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile, ensure_ascii=False), "utf-8")
    result = run(instance, "issue", str(path), "--qr", str(tmp_path / "qr.png"), "--json")
    assert result.exit_code == 0, result.output
    summary: dict[str, Any] = json.loads(result.output)
    return summary


def test_init_refuses_to_overwrite(instance: Path) -> None:
    result = CliRunner().invoke(main, ["--instance", str(instance), "init"])
    assert result.exit_code == 2
    assert "already initialised" in result.output


def test_issue_prints_json_and_writes_a_decodable_png(instance: Path, tmp_path: Path) -> None:
    summary = issue(instance, tmp_path)
    assert summary["qr_version"] <= 10 and summary["ecc"] == "M"
    assert summary["qr_text"].startswith("HTTPS://EHC.EXAMPLE.ORG/V#")
    result = run(instance, "verify", "--image", str(tmp_path / "qr.png"), "--json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["status"] == "valid"
    assert report["card"]["name"] == AMINA["name"]
    assert report["card"]["card_id"] == summary["card_id"]


def test_verify_prints_a_summary_in_the_readers_language(instance: Path, tmp_path: Path) -> None:
    summary = issue(instance, tmp_path)
    result = run(instance, "verify", "--text", summary["qr_text"], "--lang", "fr")
    assert result.exit_code == 0
    assert "VALIDE" in result.output
    assert "Diabète de type 1" in result.output
    assert "MUSTAFA" not in result.output and "أمينة ديالو / " in result.output


def test_revoked_card_verifies_as_revoked_with_the_exported_list(
    instance: Path, tmp_path: Path
) -> None:
    summary = issue(instance, tmp_path)
    assert run(instance, "revoke", summary["card_code"], "--reason", "lost").exit_code == 0
    out = tmp_path / "lists"
    assert run(instance, "export-lists", "--out", str(out)).exit_code == 0
    revocations = next(out.glob("revocations-*.cbor"))
    result = run(
        instance, "verify", "--text", summary["qr_text"], "--trust", str(out / "trust.cbor"),
        "--revocations", str(revocations), "--json",
    )  # fmt: skip
    assert result.exit_code == 1
    assert json.loads(result.output)["status"] == "revoked"
    assert json.loads(result.output)["reason"] == "lost"


def test_revoking_twice_or_an_unknown_card_is_a_clear_error(instance: Path, tmp_path: Path) -> None:
    summary = issue(instance, tmp_path)
    run(instance, "revoke", summary["card_id"], "--reason", "stolen")
    again = CliRunner().invoke(
        main, ["--instance", str(instance), "revoke", summary["card_id"], "--reason", "lost"]
    )
    assert again.exit_code == 2 and "already revoked" in again.output
    unknown = CliRunner().invoke(
        main, ["--instance", str(instance), "revoke", "00000-00000", "--reason", "lost"]
    )
    assert unknown.exit_code == 2 and "no card 00000-00000" in unknown.output


@pytest.mark.parametrize(
    ("text", "status", "reason"),
    [
        ("HTTPS://EHC.EXAMPLE.ORG/V#0123", "invalid", "leading_zero"),
        ("not a card", "invalid", "bad_prefix"),
        (qr_text("EHC.EXAMPLE.ORG", b"\x02" + bytes(120)), "invalid", "unknown_version"),
        (qr_text("EHC.EXAMPLE.ORG", b"\x01" + bytes(20)), "invalid", "truncated"),
    ],
)
def test_bad_text_exits_one_with_status_and_reason(
    instance: Path, text: str, status: str, reason: str
) -> None:
    result = run(instance, "verify", "--text", text, "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert (report["status"], report["reason"], report["card"]) == (status, reason, None)


def test_card_from_another_instance_is_unknown_issuer(instance: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    run(other, "init")
    summary = issue(other, tmp_path)
    result = run(instance, "verify", "--text", summary["qr_text"], "--json")
    assert json.loads(result.output)["status"] == "unknown_issuer"


def test_image_without_a_qr_code_is_reported(instance: Path, tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    result = run(instance, "verify", "--image", str(blank), "--json")
    assert json.loads(result.output)["reason"] == "no_qr_code"
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"\x89PNG not really")
    assert (
        json.loads(run(instance, "verify", "--image", str(garbage), "--json").output)["reason"]
        == "bad_image"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        (json.dumps({**AMINA, "medications": ["A10XX99"]}), "medications: A10XX99 is not in"),
        (
            json.dumps({**AMINA, "birth_date": "1994-13-01"}),
            "birth_date: '1994-13-01' is not a real date",
        ),
    ],
)
def test_bad_profiles_are_refused_and_nothing_is_issued(
    instance: Path, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    result = CliRunner().invoke(
        main, ["--instance", str(instance), "issue", str(path), "--qr", str(tmp_path / "q.png")]
    )
    assert result.exit_code != 0
    assert message in result.output
    assert not (tmp_path / "q.png").exists()


def test_users_and_the_audit_chain_from_the_shell(instance: Path, tmp_path: Path) -> None:
    add = CliRunner().invoke(
        main,
        ["--instance", str(instance), "user", "add", "nadia", "--role", "admin"],
        env={"EHCARD_NEW_PASSWORD": "correct horse battery"},
    )
    assert add.exit_code == 0, add.output
    weak = CliRunner().invoke(
        main,
        ["--instance", str(instance), "user", "add", "omar", "--role", "staff"],
        env={"EHCARD_NEW_PASSWORD": "short"},
    )
    assert weak.exit_code == 2 and "at least 12 characters" in weak.output
    issue(instance, tmp_path)
    assert run(instance, "audit", "verify").output.strip() == "audit log intact"
    with sqlite3.connect(instance / "ehcard.sqlite") as connection:
        connection.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = 1")
    broken = CliRunner().invoke(main, ["--instance", str(instance), "audit", "verify"])
    assert broken.exit_code == 1 and "row 1" in broken.output


def test_console_script_is_installed(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "ehcard"), "--instance", str(tmp_path / "i"), "init"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "issuer key id" in result.stdout
