"""The offline verifier page for emergency staff, at /V (the path printed in every QR code).

The card's payload travels in the URL fragment, which browsers never send: the server
only serves the page, its service worker, the labels bundle and the signed lists. The
lists are served here read-only with ETag and `?since=` deltas so the page can refresh
them when a network is there; all verification happens in the browser.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import NotFound

from cards.valuesets import UI_LANGUAGES
from kiosk.config import Settings
from kiosk.context import services
from kiosk.web import lists
from kiosk.web.verify.labels import bundles_version, labels_bundle, terminology_bundle

bp = Blueprint("verify", __name__, url_prefix="/V", template_folder="templates")

ROOT = Path(__file__).resolve().parents[3]
ASSETS = ROOT / "static" / "verify"


@cache
def _assets_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(ASSETS.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(ASSETS).as_posix().encode())
            digest.update(path.read_bytes())
    for path in sorted((Path(__file__).resolve().parent / "templates" / "verify").glob("*.html")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def page_version() -> str:
    """Changes when any asset, label or instance setting the page embeds changes."""
    return version_of(services().keyring.root_public_key.raw, services().settings, directory_urls())


def version_of(root_keys: bytes, settings: Settings, directories: list[str]) -> str:
    """The page's version from what it embeds: assets, labels, root keys, settings, directories."""
    digest = hashlib.sha256(_assets_digest().encode())
    digest.update(bundles_version().encode())
    digest.update(root_keys)
    digest.update(
        f"{settings.list_max_age_hours}/{settings.clock_skew_hours}/"
        f"{settings.list_refresh_seconds}".encode()
    )
    digest.update(str(settings.is_development).encode())
    # The directories the page fetches lists from are in its policy (kiosk/factory.py).
    digest.update(" ".join(directories).encode())
    return digest.hexdigest()[:16]


def directory_urls() -> list[str]:
    """The national directories this server's verifier page may fetch lists from: the one its
    trust list names and the configured one (EHCARD_DIRECTORY_URL)."""
    named = services().keyring.trust_list.directory
    configured = services().settings.directory_url
    return [url for url in (named, configured) if url]


@bp.get("")
def page() -> str:
    settings = services().settings
    return render_template(
        "verify/page.html",
        root_key=services().keyring.root_public_key.raw.hex(),
        list_max_age_hours=settings.list_max_age_hours,
        list_refresh_seconds=settings.list_refresh_seconds,
        directory_url=settings.directory_url,
        skew_hours=settings.clock_skew_hours,
        version=page_version(),
        labels_version=bundles_version(),
        languages=UI_LANGUAGES,
        # The page is cached in English and translated in the browser, banner included.
        banner_term="verifier.development",
    )


@bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker, with the page version on its first line so each release reinstalls."""
    response = current_app.response_class(
        service_worker_source(page_version()), mimetype="text/javascript"
    )
    # Served under /V/ but controls the page at /V itself.
    response.headers["Service-Worker-Allowed"] = "/V"
    response.headers["Cache-Control"] = "no-cache"
    return response


def service_worker_source(version: str) -> str:
    return f'const VERSION = "{version}";\n{(ASSETS / "sw.js").read_text("utf-8")}'


@bp.get("/decode-worker.js")
def decode_worker() -> Response:
    """The page's QR decoder worker. Served under /V, not /static/, because a worker belongs to
    the service worker whose scope holds its own URL: here it and everything it loads (the
    zxing-cpp glue and .wasm) are the service worker's, so they come from its cache offline."""
    return _cacheable((ASSETS / "decode-worker.js").read_bytes(), "text/javascript", "no-cache")


@bp.get("/labels-<lang>.json")
def labels(lang: str) -> Response:
    if lang not in UI_LANGUAGES:
        raise NotFound(f"no labels for language {lang!r}")
    # Revalidated on every use: a new release's service worker must not re-cache old labels.
    return _cacheable(labels_bundle(lang), "application/json", "no-cache")


@bp.get("/terminology.json")
def terminologies() -> Response:
    """Every accepted code and its official labels: loaded after the page's first paint."""
    return _cacheable(terminology_bundle(), "application/json", "no-cache")


@bp.get("/lists/trust.cbor")
def trust_list() -> Response:
    return lists.trust_response(as_json=False, negotiated=False)


@bp.get("/lists/revocations-<kidhex>.cbor")
def revocation_list(kidhex: str) -> Response:
    """An issuer's signed revocation list: full, or the entries after counter `since`."""
    kid = lists.issuer_kid(kidhex, code="unknown_list_issuer")
    return lists.revocations_response(kid, lists.since_counter(), as_json=False, negotiated=False)


def _cacheable(body: bytes, mimetype: str, cache_control: str) -> Response:
    response = current_app.response_class(body, mimetype=mimetype)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = cache_control
    response.make_conditional(request)
    return response
