"""The record page's QR library is npm's published file, unmodified, at the locked version."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_vendored_qr_library_is_the_npm_package_file() -> None:
    published = ROOT / "node_modules" / "qrcode-generator" / "dist" / "qrcode.mjs"
    assert published.exists(), "run npm ci first; ./test does"
    vendored = ROOT / "static" / "records" / "vendor" / "qrcode-generator.js"
    assert vendored.read_bytes() == published.read_bytes()
    installed = json.loads((published.parents[1] / "package.json").read_text())
    assert (
        installed["version"]
        == json.loads((ROOT / "package.json").read_text())["dependencies"]["qrcode-generator"]
    )
