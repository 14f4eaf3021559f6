"""Finding 2: one command sets production up, and production names what it lacks."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.config import PRODUCTION_FILES, ConfigError, load_settings
from signing.keys import load_private_key, load_public_key
from signing.trust import load_trust_list
from tests.deployment import CENTRE, Deployment, read_env_file

NASTY_CENTRE = "Centre d'accueil \"Nord\" $HOME `id` 50% \\ back"


def run_init(tmp_path: Path, *extra: str, printer: str = "tcp:192.0.2.10:9100") -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        ["--instance", str(tmp_path / "instance"), "init-production",
         "--root-key-out", str(tmp_path / "offline" / "root.key"),
         "--env-out", str(tmp_path / "ehcard.env"), "--printer", printer, *extra],
        env={"EHCARD_MODE": None},
    )  # fmt: skip
    return result.exit_code, result.output


def test_init_production_makes_every_key_private_and_an_env_file_production_accepts(
    tmp_path: Path,
) -> None:
    code, output = run_init(tmp_path, "--centre-name", NASTY_CENTRE, "--card-host", "ehc.test")
    assert code == 0, output
    keys = tmp_path / "instance" / "keys"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "instance").stat().st_mode) == 0o700
    for path in keys.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    env = read_env_file(tmp_path / "ehcard.env")
    assert env["EHCARD_CENTRE_NAME"] == NASTY_CENTRE
    settings = load_settings(environ=env)  # production: raises if anything is missing
    assert settings.mode == "production" and settings.card_host == "EHC.TEST"
    for name in PRODUCTION_FILES:
        assert getattr(settings, name).exists(), name
    root = load_private_key(tmp_path / "offline" / "root.key")
    assert load_public_key(settings.root_public_key_file).raw == root.public.raw
    trust = load_trust_list(settings.trust_list_file.read_bytes(), [root.public])
    assert [entry.centre for entry in trust.entries] == [NASTY_CENTRE]
    assert load_private_key(settings.issuer_key_file).kid == trust.entries[0].kid
    # The root private key is nowhere under the instance.
    seed = (tmp_path / "offline" / "root.key").read_text().split()[1]
    for path in (tmp_path / "instance").rglob("*"):
        assert not path.is_file() or seed.encode() not in path.read_bytes(), path
    assert "root private key written to" in output


def test_init_production_refuses_to_overwrite_and_changes_nothing(tmp_path: Path) -> None:
    assert run_init(tmp_path)[0] == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code, output = run_init(tmp_path)
    assert code == 2 and "already exists" in output and "nothing was changed" in output
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_init_production_refuses_a_value_the_env_file_cannot_hold(tmp_path: Path) -> None:
    code, output = run_init(tmp_path, "--centre-name", "two\nlines")
    assert code == 2 and "control character" in output
    assert not (tmp_path / "instance" / "keys").exists()
    assert not (tmp_path / "ehcard.env").exists()


def test_init_production_refuses_the_file_printer_before_writing_anything(tmp_path: Path) -> None:
    code, output = run_init(tmp_path, printer="file:/var/tmp/spool")
    assert code == 2 and "the file printer, which production refuses" in output
    assert not (tmp_path / "instance" / "keys").exists()
    assert run_init(tmp_path / "no-printer", printer="")[0] == 2


def test_production_names_every_missing_setting_at_once(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(tmp_path, environ={"EHCARD_MODE": "production"})
    for name in PRODUCTION_FILES:
        assert f"production mode needs EHCARD_{name.upper()}" in str(refused.value)
    assert "ehcard init-production" in str(refused.value)


def test_production_refuses_a_print_worker_thread_in_the_web_master(tmp_path: Path) -> None:
    assert run_init(tmp_path)[0] == 0
    env = {**read_env_file(tmp_path / "ehcard.env"), "EHCARD_PRINT_WORKER": "thread"}
    with pytest.raises(ConfigError, match="print worker as its own process"):
        load_settings(environ=env)


def test_the_deployment_reads_its_env_file_exactly(deployment: Deployment) -> None:
    """sh read the centre's quotes and dollar sign as written; the served trust list says so."""
    assert deployment.env["EHCARD_CENTRE_NAME"] == CENTRE
    trust = json.loads(deployment.get("/api/trust.json").text)
    assert [entry["centre"] for entry in trust["entries"]] == [CENTRE]
