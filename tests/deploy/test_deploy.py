"""deploy/: the kiosk device and server files parse, agree with each other and with the settings."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import fields
from pathlib import Path

import pytest

from kiosk.config import PRODUCTION_FILES, Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted(DEPLOY.rglob("*.service")) + sorted(DEPLOY.rglob("*.timer"))
SCRIPTS = [p for p in sorted(DEPLOY.rglob("*")) if p.is_file() and p.read_bytes()[:2] == b"#!"]


def unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit as section -> key -> values (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in path.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}: {line!r} outside a section"
        key, separator, value = line.partition("=")
        assert separator, f"{path.name}: {line!r} is not key=value"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_deploy_has_units_and_scripts() -> None:
    names = {p.name for p in UNITS}
    assert {"ehcard-kiosk.service", "ehcard.service", "ehcard-backup.timer"} <= names
    assert {p.name for p in SCRIPTS} >= {"setup-kiosk.sh", "setup-server.sh", "kiosk-browser"}


def test_every_ehcard_variable_in_deploy_is_a_setting() -> None:
    settings = {f"EHCARD_{f.name.upper()}" for f in fields(Settings)}
    used = {
        name
        for path in DEPLOY.rglob("*")
        if path.is_file()
        for name in re.findall(r"\bEHCARD_[A-Z0-9_]+", path.read_text("utf-8"))
    }
    assert used, "deploy/ names no setting at all"
    assert sorted(used - settings) == []


def test_production_settings_example_names_every_required_file() -> None:
    example = (DEPLOY / "server" / "ehcard.env.example").read_text("utf-8")
    assert 'EHCARD_MODE="production"' in example
    for name in PRODUCTION_FILES:
        assert f'\nEHCARD_{name.upper()}="/' in example
    assert "EHCARD_ROOT_KEY_FILE" not in example  # the root private key stays offline


def test_production_settings_example_lists_every_setting() -> None:
    example = (DEPLOY / "server" / "ehcard.env.example").read_text("utf-8")
    listed = set(re.findall(r"^(?:# )?(EHCARD_[A-Z0-9_]+)=", example, re.M))
    settings = {f"EHCARD_{f.name.upper()}" for f in fields(Settings)}
    assert sorted(settings - listed) == ["EHCARD_ROOT_KEY_FILE"]


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_every_unit(tmp_path: Path) -> None:
    assert SYSTEMD_ANALYZE is not None
    for path in UNITS:
        shutil.copy(path, tmp_path / path.name)
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    # Programs installed by the setup scripts are missing on a test machine; any
    # other message (an unknown key, a bad value, a syntax error) is a failure.
    missing = re.compile(r"Command (\S+) is not executable: No such file or directory")
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and not ((m := missing.search(line)) and not Path(m.group(1)).exists())
    ]
    assert problems == []


def test_services_restart_and_run_as_unprivileged_users() -> None:
    for name in ("ehcard.service", "ehcard-kiosk.service"):
        service = unit(next(p for p in UNITS if p.name == name))["Service"]
        assert service["Restart"] == ["always"]
        assert service["User"][0] not in ("root", "0")


def test_kiosk_screen_is_cage_without_vt_switching_on_tty1() -> None:
    service = unit(DEPLOY / "kiosk" / "ehcard-kiosk.service")
    exec_start = service["Service"]["ExecStart"][0].split()
    assert exec_start[:3] == ["/usr/bin/cage", "--", "/usr/local/lib/ehcard/kiosk-browser"]
    assert "-s" not in exec_start
    assert service["Service"]["TTYPath"] == ["/dev/tty1"]
    assert "getty@tty1.service" in service["Unit"]["Conflicts"]
    assert (DEPLOY / "kiosk" / "ehcard-kiosk.pam").read_text().count("pam_systemd.so") == 1


def test_kiosk_browser_leaves_no_way_out() -> None:
    launcher = (DEPLOY / "kiosk" / "kiosk-browser").read_text("utf-8")
    for flag in (
        "--kiosk",
        "--noerrdialogs",
        "--disable-pinch",
        "--overscroll-history-navigation=0",
        "--incognito",
    ):
        assert re.search(rf"^\s+{re.escape(flag)}\s+\\$", launcher, re.M), flag


def test_chromium_policy_blocks_shortcuts_out_of_the_kiosk() -> None:
    policy = json.loads((DEPLOY / "kiosk" / "chromium-policy.json").read_text("utf-8"))
    assert policy["URLBlocklist"] == ["*"]  # chrome://, file://, view-source: all blocked
    assert all(url.startswith("https://ehcard.example.org/") for url in policy["URLAllowlist"])
    assert policy["DeveloperToolsAvailability"] == 2  # F12, Ctrl+Shift+I
    assert policy["AllowFileSelectionDialogs"] is False  # Ctrl+O, Ctrl+S
    assert policy["PrintingEnabled"] is False  # Ctrl+P
    assert policy["IncognitoModeAvailability"] == 2  # nothing typed is remembered
    assert policy["PasswordManagerEnabled"] is False
    assert policy["AutofillAddressEnabled"] is False
    assert policy["DownloadRestrictions"] == 3


def test_setup_scripts_make_users_without_a_shell_and_key_files_0600() -> None:
    for script in ("kiosk/setup-kiosk.sh", "server/setup-server.sh"):
        text = (DEPLOY / script).read_text("utf-8")
        adds = re.findall(r"useradd(?:[^\n\\]|\\\n)*", text)  # with continued lines
        assert adds and all("--shell /usr/sbin/nologin" in add for add in adds), script
    server = (DEPLOY / "server" / "setup-server.sh").read_text("utf-8")
    # init-production writes the key files 0600 in a 0700 folder; the script hands them over.
    assert "ehcard --instance /var/lib/ehcard init-production" in server
    assert "chown -R ehcard:ehcard /var/lib/ehcard" in server
    assert "chmod 0700 /var/lib/ehcard /var/lib/ehcard/keys" in server
    assert "chmod 0640 /etc/ehcard/ehcard.env" in server


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_shell_scripts_parse(script: Path) -> None:
    assert script.stat().st_mode & 0o111, f"{script.name} is not executable"
    result = subprocess.run(
        ["/bin/sh", "-n", str(script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


UDEV_PAIR = re.compile(r'([A-Z_]+(?:\{[^}]+\})?)\s*(==|\+=|=)\s*"([^"]*)"')


def test_printer_udev_rule_gives_the_print_group_the_usb_printer() -> None:
    rules = [
        line
        for line in (DEPLOY / "kiosk" / "70-ehcard-printer.rules").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(rules) == 1
    pairs = dict(
        (key, value)
        for key, _op, value in re.findall(
            r'([A-Z_]+(?:\{[^}]+\})?)\s*(==|\+=|=)\s*"([^"]*)"', rules[0]
        )
    )
    assert pairs["SUBSYSTEM"] == "usb" and pairs["ENV{DEVTYPE}"] == "usb_device"
    assert pairs["ENV{ID_USB_INTERFACES}"] == "*:0701??:*"  # USB printer class
    assert pairs["GROUP"] == "ehcard-print" and pairs["MODE"] == "0660"
    server = (DEPLOY / "server" / "setup-server.sh").read_text("utf-8")
    assert "--groups ehcard-print" in server


def nginx_statements(text: str) -> list[tuple[int, str]]:
    """(depth, statement) for every directive; asserts braces balance and ';' ends each."""
    text = re.sub(r"#[^\n]*", "", text)
    depth, statements, buffer = 0, [], ""
    for char in text:
        if char in "{;}":
            statement = " ".join(buffer.split())
            if char == "}":
                assert not statement, f"missing ';' after {statement!r}"
                depth -= 1
                assert depth >= 0, "unbalanced '}'"
            else:
                assert statement, f"empty statement before {char!r}"
                statements.append((depth, statement))
                depth += char == "{"
            buffer = ""
        else:
            buffer += char
    assert depth == 0 and not buffer.strip(), "unclosed block or trailing directive"
    return statements


def test_nginx_config_parses_and_proxies_to_gunicorns_socket() -> None:
    statements = [
        s for _, s in nginx_statements((DEPLOY / "server" / "nginx-ehcard.conf").read_text())
    ]
    nginx_statements((DEPLOY / "server" / "nginx-ehcard-proxy.conf").read_text())
    service = unit(DEPLOY / "server" / "ehcard.service")["Service"]
    bind = re.search(r"--bind unix:(\S+)", service["ExecStart"][0])
    assert bind is not None
    assert f"server unix:{bind.group(1)} fail_timeout=0" in statements
    assert "listen 443 ssl http2" in statements
    assert "return 301 https://$host$request_uri" in statements
    assert "ssl_protocols TLSv1.2 TLSv1.3" in statements
    assert "client_max_body_size 16m" in statements
    assert any(s.startswith("limit_req zone=ehcard_login") for s in statements)
