"""Behind TLS in production mode the console adds HSTS and marks its cookie Secure."""

from __future__ import annotations

import shutil
from pathlib import Path

from app import create_app


def test_production_pages_carry_hsts_and_a_secure_cookie(
    tmp_path: Path, database_url: str
) -> None:
    development = create_app(
        {"instance": tmp_path / "dev", "database_url": database_url, "TESTING": True}
    )
    development.extensions["ehcard"].engine.dispose()
    keys = tmp_path / "dev" / "keys"
    secrets = tmp_path / "secrets"
    shutil.copytree(keys, secrets)
    production = create_app(
        {
            "instance": tmp_path / "prod",
            "mode": "production",
            "database_url": database_url,
            "TESTING": True,
            "issuer_key_file": str(next(secrets.glob("issuer-*.key"))),
            "root_public_key_file": str(secrets / "root.pub"),
            "trust_list_file": str(tmp_path / "dev" / "trust.cbor"),
            "secret_key_file": str(secrets / "secret_key"),
            "instance_key_file": str(secrets / "instance.key"),
            "print_job_key_file": str(secrets / "print_job.key"),
            "printer": "tcp:192.0.2.7",
        }
    )
    try:
        response = production.test_client().get(
            "/staff/login", base_url="https://ehc.example.org"
        )
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=63072000; includeSubDomains"
        )
        assert "DEVELOPMENT MODE" not in response.text
        [session_cookie] = [
            c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")
        ]
        assert "Secure" in session_cookie and "HttpOnly" in session_cookie
        assert "SameSite=Strict" in session_cookie
    finally:
        production.extensions["ehcard"].engine.dispose()
