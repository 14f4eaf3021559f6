"""The verifier page as static files: the national directory's own page.

`ehcard directory page --out OUT` writes OUT/V/ (the page, its service worker, decoder
worker, labels and terminologies) and OUT/static/ (its scripts and styles), so that the
web server serving the directory (deploy/directory/nginx-directory.conf) also serves a
verifier page at /V. The page is the one every centre serves at /V, with the root keys
pinned and its lists fetched from the directory itself (`../` from /V, the site's root):
the trust list and every issuer's filter and delta, as on any centre's page.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from flask import Flask, render_template

from cards.valuesets import UI_LANGUAGES
from kiosk.config import Settings
from kiosk.web.verify import (
    ASSETS,
    ROOT,
    bp,
    service_worker_source,
    version_of,
)
from kiosk.web.verify.labels import bundles_version, labels_bundle, terminology_bundle
from signing.keys import PublicKey

# The directory, relative to the page at /V: the site's root, where index.json is.
DIRECTORY = "../"
TEMPLATES = ROOT / "kiosk" / "web" / "templates"
# What the page loads from /static/: its own folder and the site's style sheet.
STATIC = ("verify", "ehcard.css")


def page_files(root_keys: Sequence[PublicKey], settings: Settings) -> dict[str, bytes]:
    """The files under V/ by their path there (index.html is the page at /V)."""
    version = version_of(b"".join(key.raw for key in root_keys), settings, [DIRECTORY])
    app = Flask("kiosk", template_folder=str(TEMPLATES), static_folder=str(ROOT / "static"))
    app.register_blueprint(bp)
    with app.test_request_context("/V"):
        html = render_template(
            "verify/page.html",
            root_key=",".join(key.raw.hex() for key in root_keys),
            list_max_age_hours=settings.list_max_age_hours,
            list_refresh_seconds=settings.list_refresh_seconds,
            skew_hours=settings.clock_skew_hours,
            directory_url=DIRECTORY,
            version=version,
            labels_version=bundles_version(),
            languages=UI_LANGUAGES,
        )
    files = {
        "index.html": html.encode(),
        "sw.js": service_worker_source(version).encode(),
        "decode-worker.js": (ASSETS / "decode-worker.js").read_bytes(),
        "terminology.json": terminology_bundle(),
    }
    files.update({f"labels-{lang}.json": labels_bundle(lang) for lang in UI_LANGUAGES})
    return files


def write_static_page(out: Path, root_keys: Sequence[PublicKey], settings: Settings) -> Path:
    """Write OUT/V/ and OUT/static/ (each replaced whole, the old one removed after); returns
    OUT/V/index.html."""
    if not root_keys:
        raise ValueError("the page pins at least one root key")
    out.mkdir(parents=True, exist_ok=True)
    staging = out / ".page-new"
    shutil.rmtree(staging, ignore_errors=True)
    for name, data in page_files(root_keys, settings).items():
        (staging / "V").mkdir(parents=True, exist_ok=True)
        (staging / "V" / name).write_bytes(data)
    for name in STATIC:
        source = ROOT / "static" / name
        target = staging / "static" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copyfile(source, target)
    for name in ("V", "static"):
        old = out / f".{name}-old"
        shutil.rmtree(old, ignore_errors=True)
        if (out / name).exists():
            (out / name).rename(old)
        (staging / name).rename(out / name)
        shutil.rmtree(old, ignore_errors=True)
    staging.rmdir()
    return out / "V" / "index.html"
