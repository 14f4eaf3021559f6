"""The browser libraries the verifier page ships are npm's published files, unmodified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VENDOR = ROOT / "static" / "verify" / "vendor"
NODE_MODULES = ROOT / "node_modules"
# vendored file -> (npm package, file inside the package)
VENDORED = {
    "noble-ed25519.js": ("@noble/ed25519", "index.js"),
    "noble-ed25519.LICENSE": ("@noble/ed25519", "LICENSE"),
    "jsQR.js": ("jsqr", "dist/jsQR.js"),
    "jsQR.LICENSE": ("jsqr", "LICENSE"),
}


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_vendored_file_is_the_npm_package_file(name: str) -> None:
    package, inner = VENDORED[name]
    published = NODE_MODULES / package / inner
    assert published.exists(), "run static/verify/vendor/build (npm ci) first; ./test does"
    assert (VENDOR / name).read_bytes() == published.read_bytes()


def test_vendored_versions_are_the_locked_ones() -> None:
    wanted = json.loads((ROOT / "package.json").read_text())["dependencies"]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for package, version in wanted.items():
        entry = locked[f"node_modules/{package}"]
        assert entry["version"] == version
        assert entry["integrity"].startswith("sha512-")
        installed = json.loads((NODE_MODULES / package / "package.json").read_text())
        assert installed["version"] == version
