"""`ehcard keys`, `ehcard trust` and `ehcard user` from the shell: rotation with an offline
root key, and account changes that reach running sessions."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from flask import Flask

from kiosk.cli import main
from tests.kiosk.staff.conftest import signed_in
from tests.kiosk.staff.support import Console, add_accounts, services_of


def run(
    *args: str, database_url: str = "", code: int = 0, env: dict[str, str] | None = None
) -> str:
    environment = {"EHCARD_DATABASE_URL": database_url} if database_url else {}
    environment.update(env or {})
    result = CliRunner().invoke(main, list(args), env=environment, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_an_offline_root_signs_a_rotation_made_on_the_server(
    tmp_path: Path, database_url: str
) -> None:
    instance = str(tmp_path / "centre")
    first = run("--instance", instance, "init", database_url=database_url)
    old_kid = first.split("issuer key id ")[1].split()[0]
    root = tmp_path / "usb-stick" / "root.key"
    root.parent.mkdir()
    shutil.move(tmp_path / "centre" / "keys" / "root.key", root)

    rotated = run("--instance", instance, "keys", "rotate", database_url=database_url)
    new_kid = rotated.split("new issuer key ")[1].split(";")[0]
    assert "waits for its signature" in rotated
    assert f"new cards are signed by {old_kid}" in run(
        "--instance", instance, "keys", "list", database_url=database_url
    )
    unsigned, signed = tmp_path / "unsigned.cbor", tmp_path / "signed.cbor"
    run("--instance", instance, "trust", "export-unsigned", "--out", str(unsigned),
        database_url=database_url)  # fmt: skip
    shown = run("trust", "sign", "--root-key", str(root), "--in", str(unsigned),
                "--out", str(signed))  # fmt: skip
    assert f"{old_kid}  retired since" in shown and f"{new_kid}  active" in shown
    imported = run("--instance", instance, "trust", "import", str(signed),
                   database_url=database_url)  # fmt: skip
    assert f"new cards are now signed by {new_kid}" in imported

    marked = run("--instance", instance, "keys", "compromised", old_kid,
                 database_url=database_url)  # fmt: skip
    assert f"key {old_kid} marked compromised" in marked and "waits" in marked
    assert run("--instance", instance, "audit", "verify", database_url=database_url) == (
        "audit log intact\n"
    )


def test_a_key_id_that_is_not_hex_is_a_usage_error(tmp_path: Path, database_url: str) -> None:
    instance = str(tmp_path / "centre")
    run("--instance", instance, "init", database_url=database_url)
    output = run("--instance", instance, "keys", "compromised", "xyz",
                 database_url=database_url, code=2)  # fmt: skip
    assert "a key id is 16 hexadecimal digits" in output


def test_importing_the_installed_list_again_is_refused(tmp_path: Path, database_url: str) -> None:
    instance = tmp_path / "centre"
    run("--instance", str(instance), "init", database_url=database_url)
    output = run("--instance", str(instance), "trust", "import", str(instance / "trust.cbor"),
                 database_url=database_url, code=2)  # fmt: skip
    assert "stale_trust_list: trust list 1 is not newer than the installed 1" in output


def test_a_password_set_from_the_shell_unlocks_and_signs_the_user_out(
    app: Flask, live_server: str
) -> None:
    add_accounts(app)
    sam = signed_in(live_server, "sam")
    settings = services_of(app).settings
    output = run(
        "--instance", str(settings.instance), "user", "passwd", "sam",
        database_url=settings.database_url, env={"EHCARD_NEW_PASSWORD": "x" * 12},
    )  # fmt: skip
    assert output == "password of sam changed\n"
    assert sam.get("/staff/").status_code == 302
    assert Console(live_server).login("sam", "x" * 12).status_code == 302
