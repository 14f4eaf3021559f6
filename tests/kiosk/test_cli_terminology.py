"""`ehcard issue` and `ehcard verify` with codes beyond the curated value sets: the done-when
profile issues and verifies with its labels in every language; an unknown code is refused
naming its field, and nothing is issued."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cards import valuesets
from kiosk.cli import main
from tests.kiosk.test_cli import instance, issue, run
from tests.kiosk.verify.test_terminology_page import CODES, DONE_WHEN

__all__ = ["instance"]  # the fixture, shared with test_cli


def test_the_done_when_profile_issues_and_verifies_in_every_language(
    instance: Path, tmp_path: Path
) -> None:
    summary = issue(instance, tmp_path, DONE_WHEN)
    for language in valuesets.UI_LANGUAGES:
        result = run(instance, "verify", "--text", summary["qr_text"], "--lang", language)
        assert result.exit_code == 0, result.output
        for field, code in CODES:
            assert valuesets.value_set(field).label(code, language) in result.output


@pytest.mark.parametrize(
    ("field", "code"),
    [("conditions", "U99.9"), ("medications", "A99ZZ99"), ("allergies", "22298006")],
)
def test_an_unknown_code_is_refused_naming_its_field(
    instance: Path, tmp_path: Path, field: str, code: str
) -> None:
    path = tmp_path / "profile.json"
    profile = {"name": "Niko Beridze", "birth_date": "1980", field: [code]}
    path.write_text(json.dumps(profile), "utf-8")
    qr = tmp_path / "q.png"
    result = CliRunner().invoke(
        main, ["--instance", str(instance), "issue", str(path), "--qr", str(qr)]
    )
    assert result.exit_code != 0
    assert f"{field}: {code} is not in the {field} value set" in result.output
    assert not qr.exists()
