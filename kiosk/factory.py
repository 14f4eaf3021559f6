"""The app factory: settings, services, blueprints, headers, errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, redirect, request, url_for
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as BaseResponse

from kiosk import db
from kiosk.config import load_settings
from kiosk.context import Services, services, transaction
from kiosk.domain.cards.holder_search import reindex_holders
from kiosk.domain.clock import Clock, SystemClock, today
from kiosk.domain.keys import keyring as keyring_service
from kiosk.domain.keys.instance_secrets import load_instance_secrets
from kiosk.domain.printing.worker import print_worker_for
from kiosk.domain.publication.publisher import ListPublisher
from kiosk.models.accounts import UserRow
from kiosk.sessions import session_factory
from kiosk.web.auth import init_auth
from kiosk.web.errors import register_error_handlers
from kiosk.web.i18n import init_i18n
from kiosk.web.lists import init_lists
from kiosk.web.records import init_records
from kiosk.web.verify import directory_urls

ROOT = Path(__file__).resolve().parent.parent
# The largest request body: a full-record document of EHCARD_RECORD_UPLOAD_MAX_BYTES (8 MiB)
# encrypted and base64-encoded fits; nginx's client_max_body_size is the same.
MAX_REQUEST_BYTES = 16 * 1024 * 1024
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The verifier page decodes QR codes with zxing-cpp compiled to WebAssembly, in a worker: the
# page and its decoder worker (a worker takes the policy of its script's response, or in older
# browsers the page's) may compile WebAssembly. Still no eval, no inline script, no other
# origin; every other response keeps the strict policy.
VERIFIER_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self';", "script-src 'self' 'wasm-unsafe-eval';"
)
WASM_PATHS = frozenset({"/V", "/V/decode-worker.js"})


def verifier_policy(directories: Iterable[str]) -> str:
    """The verifier page's policy: it may also fetch the signed lists from the national
    directories (their origins only; the lists are signed, the origin is no trust)."""
    origins = sorted({f"{part.scheme}://{part.netloc}" for part in map(urlsplit, directories)})
    if not origins:
        return VERIFIER_CONTENT_SECURITY_POLICY
    return f"{VERIFIER_CONTENT_SECURITY_POLICY}; connect-src 'self' {' '.join(origins)}"


def build_app(config: Mapping[str, Any] | None = None) -> Flask:
    overrides = dict(config or {})
    instance = overrides.pop("instance", None)
    testing = bool(overrides.pop("TESTING", False))
    # Tests pass a kiosk.domain.clock.MovableClock; it is no setting, so no env variable.
    clock: Clock = overrides.pop("CLOCK", None) or SystemClock()
    settings = load_settings(instance, overrides)
    settings.instance.mkdir(parents=True, exist_ok=True)
    if settings.is_development and not keyring_service.paths(settings)["trust"].exists():
        keyring_service.init_instance(settings, today(clock))
    stamp = keyring_service.keyring_fingerprint(settings)
    keyring = keyring_service.load_keyring(settings)
    db.upgrade(settings.database_url)
    engine = db.make_engine(settings.database_url)

    app = Flask(
        "kiosk",
        instance_path=str(settings.instance),
        template_folder=str(Path(__file__).resolve().parent / "web" / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(
        SECRET_KEY=settings.secret_key(),
        TESTING=testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=not settings.is_development,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    sessions = session_factory(settings, engine, clock)
    # After an upgrade that changed the name index, cards are found again by any spelling.
    with sessions.begin() as session:
        reindex_holders(session, load_instance_secrets(settings))
    # Lists a crash left unpublished, or yesterday's: brought up to date once, here (the
    # gunicorn master under --preload), before any worker serves them.
    publisher = ListPublisher(settings, sessions, clock)
    publisher.publish()
    # That start-up work used connections: close them, so that no worker forked from this
    # process (gunicorn --preload) inherits a PostgreSQL backend another process holds too.
    engine.dispose()
    app.extensions["ehcard"] = Services(settings, keyring, engine, sessions, clock, stamp)
    app.extensions["ehcard.print_worker"] = print_worker_for(
        settings, sessions, clock, testing=testing
    )
    if settings.proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops,
            x_host=settings.proxy_hops,
        )  # fmt: skip
    CSRFProtect(app)
    init_i18n(app)

    def load_user(user_id: int) -> UserRow | None:
        with transaction() as session:
            return session.get(UserRow, user_id)

    init_auth(app, load_user)
    register_error_handlers(app)
    _register_blueprints(app, clock)
    init_lists(app, publisher)
    init_records(app, settings)

    @app.before_request
    def _current_keys() -> None:
        services().refresh_keyring()

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"development_mode": settings.is_development, "centre_name": settings.centre_name}

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        if request.path == "/V":
            policy = verifier_policy(directory_urls())
        elif request.path in WASM_PATHS:
            policy = VERIFIER_CONTENT_SECURITY_POLICY
        else:
            policy = CONTENT_SECURITY_POLICY
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # same-origin, not no-referrer: Flask-WTF's CSRF check needs a Referer over HTTPS,
        # and a Referer never carries the URL fragment that holds a card's data.
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        if not settings.is_development:
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if response.mimetype == "text/html":
            headers["Cache-Control"] = "no-store"
        return response

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Readiness: the database answers (503 through kiosk.web.errors when it does not)."""
        with transaction() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok", "issuer": services().keyring.issuer_key.kid.hex()}

    @app.get("/")
    def index() -> BaseResponse:
        """The kiosk is what a person arriving sees; staff go to /staff/, doctors scan to /V."""
        return redirect(url_for("reception.start"))

    return app


def _register_blueprints(app: Flask, clock: Clock) -> None:
    # Imported here: blueprints use services() from this module.
    from kiosk.web.api import init_api
    from kiosk.web.reception import bp as reception_bp
    from kiosk.web.staff import init_staff
    from kiosk.web.verify import bp as verify_bp

    app.register_blueprint(reception_bp)
    app.register_blueprint(verify_bp)
    init_staff(app)
    init_api(app, clock)
