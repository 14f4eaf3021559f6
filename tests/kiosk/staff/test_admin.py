"""Administrators: accounts, keys and the audit log, from the console."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from flask import Flask
from sqlalchemy import select, text, update

from kiosk.db import session_scope
from kiosk.domain.clock import clock_of
from kiosk.domain.keys.keyring import paths
from kiosk.models.accounts import UserRow
from signing.keys import load_private_key
from signing.trust import sign_trust_body
from tests.kiosk.staff.conftest import signed_in
from tests.kiosk.staff.support import PASSWORD, Console, add_accounts, services_of

FLASH = re.compile(r'<p class="flash flash-(\w+)" role="\w+">([^<]+)</p>')
NEW_PASSWORD = "a long enough new password"


def flashes(console: Console, response: object) -> list[str]:
    location = response.headers["Location"]  # type: ignore[attr-defined]
    page = console.get(location).text
    return [message.replace("&#39;", "'") for _, message in FLASH.findall(page)]


def user_id(app: Flask, username: str) -> int:
    with session_scope(services_of(app).sessions) as session:
        return session.scalars(select(UserRow.id).where(UserRow.username == username)).one()


def add_form(username: str, role: str = "staff", password: str = NEW_PASSWORD) -> dict[str, str]:
    return {"username": username, "display_name": username.title(), "role": role,
            "facility": "Centre Nord", "password": password, "confirm": password}  # fmt: skip


def add(admin: Console, username: str) -> None:
    assert flashes(admin, admin.post("/staff/admin/users", add_form(username))) == [
        f"User {username} added."
    ]


def test_an_admin_adds_a_user_who_can_then_sign_in(console_app: Flask, admin: Console) -> None:
    response = admin.post("/staff/admin/users", add_form("nadia"))
    assert flashes(admin, response) == ["User nadia added."]
    assert Console(admin.base_url).login("nadia", NEW_PASSWORD).status_code == 302
    again = admin.post("/staff/admin/users", add_form("nadia"))
    assert flashes(admin, again) == ["user 'nadia' already exists"]


def test_a_short_or_mismatched_password_is_refused_on_the_form(admin: Console) -> None:
    short = admin.post("/staff/admin/users", add_form("omar", password="short"))
    assert short.status_code == 400
    assert "Field must be between 12 and 256 characters long." in short.text
    mismatch = add_form("omar")
    mismatch["confirm"] = "something else entirely"
    assert "The passwords differ." in admin.post("/staff/admin/users", mismatch).text


def test_disabling_a_user_ends_their_running_session(console_app: Flask, admin: Console) -> None:
    add(admin, "pavel")
    pavel = Console(admin.base_url)
    assert pavel.login("pavel", NEW_PASSWORD).status_code == 302
    assert pavel.get("/staff/").status_code == 200
    uid = user_id(console_app, "pavel")
    assert flashes(admin, admin.post(f"/staff/admin/users/{uid}/disable")) == [
        "User pavel disabled."
    ]
    assert pavel.get("/staff/").status_code == 302
    assert flashes(admin, admin.post(f"/staff/admin/users/{uid}/enable")) == ["User pavel enabled."]
    assert Console(admin.base_url).login("pavel", NEW_PASSWORD).status_code == 302


def test_a_password_reset_replaces_the_old_one_and_signs_the_user_out(
    console_app: Flask, admin: Console
) -> None:
    with session_scope(services_of(console_app).sessions) as session:
        session.add(UserRow(username="rita", display_name="Rita", role="staff", facility="",
                            password_hash=session.scalars(select(UserRow.password_hash).where(
                                UserRow.username == "sam")).one(),
                            active=True, failed_logins=0,
                            created_at=clock_of(session).now()))  # fmt: skip
    rita = signed_in(admin.base_url, "rita")
    uid = user_id(console_app, "rita")
    response = admin.post(
        f"/staff/admin/users/{uid}/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert flashes(admin, response) == ["New password set for rita."]
    assert rita.get("/staff/").status_code == 302
    assert Console(admin.base_url).login("rita", PASSWORD).status_code == 200
    assert Console(admin.base_url).login("rita", NEW_PASSWORD).status_code == 302


def test_a_role_change_applies_at_once(console_app: Flask, admin: Console) -> None:
    add(admin, "selim")
    selim = Console(admin.base_url)
    selim.login("selim", NEW_PASSWORD)
    uid = user_id(console_app, "selim")
    response = admin.post(f"/staff/admin/users/{uid}/role", {"role": "clinician"})
    assert flashes(admin, response) == ["selim is now Clinician."]
    assert selim.get("/staff/").status_code == 302
    selim.login("selim", NEW_PASSWORD)
    assert selim.get("/staff/").status_code == 403


def test_the_last_administrator_cannot_be_disabled_or_demoted(
    console_app: Flask, admin: Console
) -> None:
    uid = user_id(console_app, "ada")
    message = ["This is the last active administrator."]
    assert flashes(admin, admin.post(f"/staff/admin/users/{uid}/disable")) == message
    assert flashes(admin, admin.post(f"/staff/admin/users/{uid}/role", {"role": "staff"})) == (
        message
    )


def test_a_locked_account_is_shown_and_can_be_unlocked(console_app: Flask, admin: Console) -> None:
    with session_scope(services_of(console_app).sessions) as session:
        session.execute(
            update(UserRow).where(UserRow.username == "cleo")
            .values(locked_until=clock_of(session).now().replace(year=2999))
        )  # fmt: skip
    page = admin.get("/staff/admin/users").text
    assert re.search(r'id="user-cleo">.*?<td>locked</td>', page, re.S)
    uid = user_id(console_app, "cleo")
    assert flashes(admin, admin.post(f"/staff/admin/users/{uid}/unlock")) == [
        "User cleo unlocked."
    ]
    assert Console(admin.base_url).login("cleo").status_code == 302


def test_keys_rotate_and_a_compromised_key_is_marked_from_the_console(
    console_app: Flask, admin: Console
) -> None:
    keyring = services_of(console_app).keyring
    old = keyring.issuer_key.kid.hex()
    unconfirmed = admin.post("/staff/admin/keys/rotate")
    assert flashes(admin, unconfirmed) == ["Tick the box to confirm the rotation."]
    response = admin.post("/staff/admin/keys/rotate", {"understood": "y"})
    new = services_of(console_app).keyring.issuer_key.kid.hex()
    assert new != old and flashes(admin, response) == [f"New issuer key {new}."]
    marked = admin.post(f"/staff/admin/keys/{old}/compromised", {"understood": "y"})
    assert flashes(admin, marked) == [f"Key {old} is marked compromised."]
    page = admin.get("/staff/admin/keys").text
    assert re.search(rf'id="key-{old}">.*?class="key-status">compromised', page, re.S)
    assert re.search(rf'id="key-{new}">.*?signs new cards.*?class="key-status">active', page, re.S)


def test_an_offline_root_signs_what_the_console_exports(
    console_app: Flask, admin: Console, tmp_path: Path
) -> None:
    settings = services_of(console_app).settings
    root = tmp_path / "root.key"
    shutil.move(paths(settings)["root_key"], root)
    try:
        response = admin.post("/staff/admin/keys/rotate", {"understood": "y"})
        assert "The root key is not on this server" in flashes(admin, response)[0]
        unsigned = admin.get("/staff/admin/keys/pending.cbor")
        assert unsigned.headers["Content-Disposition"] == (
            'attachment; filename="trust-unsigned.cbor"'
        )
        signed = sign_trust_body(unsigned.content, load_private_key(root))
        installed = admin.http.post(
            f"{admin.base_url}/staff/admin/keys/import", data={"csrf_token": admin.token()},
            files={"signed": ("signed.cbor", signed, "application/cbor")},
            allow_redirects=False, timeout=30,
        )  # fmt: skip
        sequence = services_of(console_app).keyring.trust_list.sequence
        assert flashes(admin, installed) == [f"Trust list {sequence} installed."]
    finally:
        shutil.move(root, paths(settings)["root_key"])


def test_the_audit_page_says_when_the_log_was_tampered_with(
    app: Flask, live_server: str
) -> None:
    add_accounts(app)
    admin = signed_in(live_server, "ada")
    assert "Chain intact" in admin.get("/staff/admin/audit").text
    with session_scope(services_of(app).sessions) as session:
        session.execute(text("UPDATE audit_log SET actor = 'user:99' WHERE id = 1"))
    page = admin.get("/staff/admin/audit").text
    assert "The audit log has been tampered with." in page
    assert "Row 1: row content does not match its hash: it was edited" in page
