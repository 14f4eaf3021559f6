"""The application factory: embedded defaults, production refusals, headers, over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from app import create_app
from kiosk.config import ConfigError


def test_development_instance_is_generated_and_announced(live_server: str, tmp_path: Path) -> None:
    response = requests.get(f"{live_server}/", timeout=10)
    assert response.status_code == 200
    assert response.url.endswith("/kiosk/")
    assert "DEVELOPMENT MODE" in response.text
    keys = tmp_path / "instance" / "keys"
    assert (keys / "root.key").stat().st_mode & 0o777 == 0o600
    assert any(keys.glob("issuer-*.key"))
    assert requests.get(f"{live_server}/healthz", timeout=10).json()["status"] == "ok"


@pytest.mark.parametrize(
    ("lang", "banner", "start_over"),
    [
        ("ar", "وضع التطوير", "ابدأ من جديد"),
        ("ti", "ናይ ምምዕባል ኣገባብ", "ካብ መጀመርታ ጀምር"),
        ("uk", "РЕЖИМ РОЗРОБКИ", "Почати спочатку"),
    ],
)
def test_development_banner_and_error_page_speak_the_page_language(
    live_server: str, lang: str, banner: str, start_over: str
) -> None:
    page = requests.get(f"{live_server}/kiosk/?lang={lang}", timeout=10)
    assert banner in page.text and "DEVELOPMENT MODE" not in page.text
    missing = requests.get(f"{live_server}/no-such-page?lang={lang}", timeout=10)
    assert missing.status_code == 404
    assert banner in missing.text and start_over in missing.text


def test_security_headers_are_strict(live_server: str) -> None:
    headers = requests.get(f"{live_server}/", timeout=10).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Referrer-Policy"] == "same-origin"


def test_unknown_page_is_a_clear_404(live_server: str) -> None:
    response = requests.get(f"{live_server}/no-such-page", timeout=10)
    assert response.status_code == 404
    json_response = requests.get(f"{live_server}/api/no-such", timeout=10)
    assert json_response.status_code == 404
    assert json_response.json()["error"] == "not_found"


def test_production_mode_refuses_to_start_without_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="production mode needs EHCARD_ISSUER_KEY_FILE"):
        create_app({"instance": tmp_path, "mode": "production"})


def test_production_mode_refuses_missing_secret_key_file(tmp_path: Path) -> None:
    development = create_app({"instance": tmp_path / "dev"})
    development.extensions["ehcard"].engine.dispose()
    keys = tmp_path / "dev" / "keys"
    issuer = next(keys.glob("issuer-*.key"))
    with pytest.raises(ConfigError, match="secret key file"):
        create_app(
            {
                "instance": tmp_path / "prod",
                "mode": "production",
                "issuer_key_file": str(issuer),
                "root_public_key_file": str(keys / "root.pub"),
                "trust_list_file": str(tmp_path / "dev" / "trust.cbor"),
                "secret_key_file": str(tmp_path / "missing"),
                "printer": "tcp:192.0.2.7",
                "instance_key_file": str(keys / "instance.key"),
                "print_job_key_file": str(keys / "print_job.key"),
            }
        )


def test_bad_setting_values_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="EHCARD_IDLE_TIMEOUT_SECONDS must be a whole number"):
        create_app({"instance": tmp_path, "idle_timeout_seconds": "soon"})
    with pytest.raises(ConfigError, match="unknown setting"):
        create_app({"instance": tmp_path, "colour": "blue"})
