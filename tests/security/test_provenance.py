"""Finding 4: only a clinician signed in at the kiosk makes a card say "confirmed by a clinician".

Every path that signs a card is tried over its own interface with a profile
that claims a clinician's confirmation: the console's reissue (HTTP), the
`ehcard issue` command (click), and the kiosk's forms (HTTP).
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select

from app import create_app
from kiosk.cli import main
from kiosk.db import session_scope
from kiosk.models.registry import CardRow
from tests.kiosk.staff.support import (
    Console,
    holder_profile,
    issue,
    services_of,
)

FORGED = {"staff_id": 3, "fields": ["allergies", "blood_group", "medications", "conditions"]}


def _cards(app: Flask) -> list[CardRow]:
    with session_scope(services_of(app).sessions) as session:
        return list(session.scalars(select(CardRow).order_by(CardRow.id)))


def test_console_reissue_refuses_a_corrected_profile_claiming_a_clinicians_confirmation(
    console_app: Flask, staff: Console
) -> None:
    old = issue(console_app)
    before = len(_cards(console_app))
    forged = json.dumps(holder_profile(blood_group="A+") | {"confirmed": FORGED})
    response = staff.post(f"/staff/cards/{old.card.card_code}/reissue", {"profile_json": forged})
    assert response.status_code == 422
    assert "only a clinician signed in at the kiosk confirms items" in response.text
    assert len(_cards(console_app)) == before
    [row] = [r for r in _cards(console_app) if r.card_code == old.card.card_code]
    assert row.status == "active"


def test_console_reissue_with_the_old_qr_and_a_forged_profile_is_refused_too(
    console_app: Flask, staff: Console
) -> None:
    old = issue(console_app)
    forged = json.dumps(holder_profile() | {"confirmed": FORGED})
    response = staff.post(
        f"/staff/cards/{old.card.card_code}/reissue",
        {"qr_text": old.qr_text, "profile_json": forged},
    )
    assert response.status_code == 422
    assert [r.status for r in _cards(console_app) if r.card_code == old.card.card_code] == [
        "active"
    ]


def _confirmed_fields(app: Flask, code: str) -> str:
    [row] = [r for r in _cards(app) if r.card_code == code]
    return row.confirmed_fields


def test_console_reissue_from_the_old_qr_keeps_only_what_its_signature_says_was_confirmed(
    console_app: Flask, staff: Console
) -> None:
    old = issue(console_app)
    assert _confirmed_fields(console_app, old.card.card_code) == "allergies,blood_group"
    same = staff.post(f"/staff/cards/{old.card.card_code}/reissue", {"qr_text": old.qr_text})
    new_code = same.headers["Location"].removeprefix("/staff/cards/")
    assert _confirmed_fields(console_app, new_code) == "allergies,blood_group"
    older = issue(console_app)
    corrected = json.dumps(holder_profile(blood_group="A+"))
    changed = staff.post(
        f"/staff/cards/{older.card.card_code}/reissue",
        {"qr_text": older.qr_text, "profile_json": corrected},
    )
    changed_code = changed.headers["Location"].removeprefix("/staff/cards/")
    assert _confirmed_fields(console_app, changed_code) == "allergies"


def test_console_reissue_of_a_corrected_profile_signs_it_unconfirmed(
    console_app: Flask, staff: Console
) -> None:
    old = issue(console_app)
    corrected = json.dumps(holder_profile(blood_group="A+"))
    response = staff.post(
        f"/staff/cards/{old.card.card_code}/reissue", {"profile_json": corrected}
    )
    assert response.status_code == 302
    new_code = response.headers["Location"].removeprefix("/staff/cards/")
    assert _confirmed_fields(console_app, new_code) == ""


def test_cli_issue_refuses_a_profile_claiming_a_clinicians_confirmation(
    cli_instance: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    instance, env = cli_instance
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(holder_profile() | {"confirmed": FORGED}), "utf-8")
    result = CliRunner(env=env).invoke(
        main, ["--instance", str(instance), "issue", str(path), "--qr", str(tmp_path / "qr.png")]
    )
    assert result.exit_code != 0
    assert "only a clinician signed in at the kiosk confirms items" in result.output
    assert not (tmp_path / "qr.png").exists()
    app = _cli_app(instance, env["EHCARD_DATABASE_URL"])
    with session_scope(services_of(app).sessions) as session:
        assert session.scalar(select(func.count()).select_from(CardRow)) == 0
    services_of(app).engine.dispose()


def _cli_app(instance: Path, database_url: str) -> Flask:
    return create_app({"instance": instance, "database_url": database_url, "TESTING": True})
