"""`ehcard verify --at`: verify as of a given moment, read in UTC whatever its zone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main as ehcard

VECTORS = Path(__file__).resolve().parent.parent / "vectors"


def _verify(tmp_path: Path, moment: str) -> tuple[int, str, str]:
    vector = json.loads((VECTORS / "valid" / "valid-latin.json").read_text("utf-8"))
    args = [
        "--instance",
        str(tmp_path),
        "verify",
        "--text",
        vector["qr_text"],
        "--trust",
        str(VECTORS / "context" / "trust.cbor"),
        "--root-key",
        str(VECTORS / "context" / "root.pub"),
        "--at",
        moment,
        "--json",
    ]
    result = CliRunner().invoke(ehcard, args, env={"EHCARD_CLOCK_SKEW_HOURS": "0"})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        ("2028-11-01T23:59:59Z", "valid"),
        ("2028-11-02T00:00:00Z", "expired"),
        # The same two instants written in another zone: the day is taken in UTC.
        ("2028-11-02T04:59:59+05:00", "valid"),
        ("2028-11-01T19:00:00-05:00", "expired"),
    ],
)
def test_at_sets_the_verification_moment(tmp_path: Path, moment: str, status: str) -> None:
    exit_code, stdout, _ = _verify(tmp_path, moment)
    assert json.loads(stdout)["status"] == status
    assert exit_code == (0 if status == "valid" else 1)


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        ("2028-11-01T12:00:00", "give the time zone"),
        ("yesterday", "is not an ISO 8601 time"),
    ],
)
def test_at_without_a_zone_or_not_a_time_is_refused(
    tmp_path: Path, moment: str, message: str
) -> None:
    exit_code, _, stderr = _verify(tmp_path, moment)
    assert exit_code == 2
    assert message in stderr
