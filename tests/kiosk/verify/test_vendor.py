"""The browser libraries the verifier page ships are npm's published files, unmodified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VENDOR = ROOT / "static" / "verify" / "vendor"
NODE_MODULES = ROOT / "node_modules"
# zxing-wasm keeps its package layout (its reader imports ../share.js) in a versioned folder.
ZXING = (
    "zxing-wasm-" + json.loads((ROOT / "package.json").read_text())["dependencies"]["zxing-wasm"]
)
# vendored file -> (npm package, file inside the package)
VENDORED = {
    "noble-ed25519.js": ("@noble/ed25519", "index.js"),
    "noble-ed25519.LICENSE": ("@noble/ed25519", "LICENSE"),
    **{
        f"{ZXING}/{inner}": ("zxing-wasm", inner)
        for inner in (
            "LICENSE",
            "dist/es/reader/index.js",
            "dist/es/share.js",
            "dist/reader/zxing_reader.wasm",
        )
    },
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


def test_every_vendored_file_is_checked() -> None:
    shipped = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()}
    assert shipped - {"build"} == set(VENDORED)


def test_the_page_names_the_vendored_decoder_version() -> None:
    """The worker imports, and the service worker keeps, the folder of the locked version."""
    for script in ("decode-worker.js", "sw.js"):
        source = (VENDOR.parent / script).read_text()
        assert f"{ZXING}/dist/" in source
        assert "zxing-wasm-" not in source.replace(f"{ZXING}/dist/", "")
