"""Finding 11 (nginx): the proxy admits what the application admits, and throttles every
sign-in path. Through the real nginx with deploy/server/nginx-ehcard.conf."""

from __future__ import annotations

import re

from kiosk.config import Settings
from kiosk.factory import MAX_REQUEST_BYTES
from tests.deployment import SERVER, Deployment

SIGN_IN_PATHS = ("/staff/login", "/kiosk/clinician-login", "/records/api/signin", "/holder/")
PIN_PATHS = ("/shl/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/records/api/x/manifest")
MEBIBYTE = 1024 * 1024


def test_nginx_admits_a_full_size_record_document(deployment: Deployment) -> None:
    """A document at the record limit, encrypted and base64-encoded, passes nginx.

    The app answers this unsigned-in request before reading its body, so gunicorn may
    close the connection under nginx's upload (a 502): what matters is nginx's verdict."""
    limit = Settings(instance=deployment.instance).record_upload_max_bytes
    body = b"x" * (limit * 4 // 3 + MEBIBYTE)
    response = deployment.post("/records/api/x/documents", data=body)
    assert response.status_code != 413
    assert "too large body" not in (deployment.folder / "nginx-error.log").read_text()


def test_nginx_and_the_app_refuse_the_same_oversized_body(deployment: Deployment) -> None:
    config = (SERVER / "nginx-ehcard.conf").read_text()
    size = re.search(r"client_max_body_size (\d+)m;", config)
    assert size is not None and int(size.group(1)) * MEBIBYTE == MAX_REQUEST_BYTES
    response = deployment.post("/records/api/x/documents", data=b"x" * (MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413


def test_every_sign_in_and_pin_path_is_rate_limited_by_nginx(deployment: Deployment) -> None:
    for path in (*SIGN_IN_PATHS, *PIN_PATHS):
        statuses = [deployment.post(path, data={"username": "x"}).status_code for _ in range(16)]
        assert 429 in statuses, f"{path} is not rate limited: {statuses}"
    assert 429 not in [deployment.get("/kiosk/").status_code for _ in range(20)]


def test_nginx_serves_the_verifier_decoder_as_webassembly(deployment: Deployment) -> None:
    """Browsers compile a .wasm as it streams in only when it comes as application/wasm."""
    path = "/static/verify/vendor/zxing-wasm-3.1.8/dist/reader/zxing_reader.wasm"
    response = deployment.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/wasm"
    assert response.content[:4] == b"\0asm"
    worker = deployment.get("/V/decode-worker.js")  # from the app: its policy allows the .wasm
    assert "'wasm-unsafe-eval'" in worker.headers["Content-Security-Policy"]
