"""`ehcard directory page`: the verifier page as static files for the national directory
(the page itself is exercised in Chromium by tests/directory/test_directory_page.py)."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from cards.valuesets import UI_LANGUAGES
from kiosk.cli import main
from kiosk.config import load_settings
from kiosk.web.verify.static_page import write_static_page
from signing.keys import PrivateKey, save_public_key

ROOTS = [PrivateKey(bytes(range(9, 41))).public, PrivateKey(bytes(range(11, 43))).public]


def test_the_page_pins_the_root_keys_and_fetches_its_lists_from_the_directory(
    tmp_path: Path,
) -> None:
    out = tmp_path / "directory"
    page = write_static_page(out, ROOTS, load_settings(tmp_path / "instance"))
    html = page.read_text("utf-8")
    assert f'data-root-keys="{ROOTS[0].raw.hex()},{ROOTS[1].raw.hex()}"' in html
    assert 'data-directory-url="../"' in html
    assert 'src="/static/verify/main.js?v=' in html
    version = re.search(r'data-version="([0-9a-f]{16})"', html)
    assert version is not None
    worker = (out / "V" / "sw.js").read_text("utf-8")
    assert worker.startswith(f'const VERSION = "{version.group(1)}";\n')
    for name in [
        "decode-worker.js",
        "terminology.json",
        *(f"labels-{code}.json" for code in UI_LANGUAGES),
    ]:
        assert (out / "V" / name).is_file(), name
    # Every module the service worker keeps is there to be kept.
    modules = re.findall(r'"([a-z0-9-]+\.js)"', worker)
    assert {"main.js", "filter.js", "ribbon.js", "directory.js"} <= set(modules)
    assert all(
        (out / "static" / "verify" / m).is_file() for m in modules if m != "decode-worker.js"
    )
    assert (out / "static" / "ehcard.css").is_file()


def test_writing_again_replaces_the_page_and_leaves_the_directory_alone(tmp_path: Path) -> None:
    out = tmp_path / "directory"
    (out / "revocations").mkdir(parents=True)
    (out / "index.json").write_text("{}")
    settings = load_settings(tmp_path / "instance")
    write_static_page(out, ROOTS[:1], settings)
    (out / "V" / "stale.json").write_text("{}")
    write_static_page(out, ROOTS[1:], settings)
    assert not (out / "V" / "stale.json").exists()
    assert ROOTS[1].raw.hex() in (out / "V" / "index.html").read_text("utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["V", "index.json", "revocations", "static"]


def test_the_command_wants_a_root_key_where_the_instance_has_none(tmp_path: Path) -> None:
    args = ["--instance", str(tmp_path / "empty"), "directory", "page", "--out", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "give the root public key with --root-key" in result.output
    save_public_key(ROOTS[0], tmp_path / "root.pub")
    result = CliRunner().invoke(main, [*args, "--root-key", str(tmp_path / "root.pub")])
    assert result.exit_code == 0, result.output
    assert ROOTS[0].raw.hex() in (tmp_path / "V" / "index.html").read_text("utf-8")
