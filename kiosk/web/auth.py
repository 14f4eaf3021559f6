"""Signed-in users on the web: Flask-Login, the session token in the cookie, role checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, request
from flask import session as cookie_session
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, current_user, login_user, logout_user
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from kiosk.domain.accounts.users import StaffUser
from kiosk.domain.clock import Clock
from kiosk.models.accounts import UserRow

F = TypeVar("F", bound=Callable[..., Any])
# The cookie session's key for the server-side session's token (not a secret itself).
TOKEN_KEY = "staff_session"  # noqa: S105 # nosec B105


def client_address() -> str:
    """The client's address, as ProxyFix (settings.proxy_hops) sees it: what throttles count."""
    return request.remote_addr or "unknown"


def session_token() -> str | None:
    """The token of this browser's server-side session (kiosk.domain.accounts.sessions)."""
    token = cookie_session.get(TOKEN_KEY)
    return token if isinstance(token, str) else None


def begin_signed_in(user: StaffUser, token: str) -> None:
    """Sign `user` in for this browser, bound to the server-side session of `token`."""
    login_user(user)
    cookie_session[TOKEN_KEY] = token


def end_signed_in() -> None:
    """Forget the sign-in in this browser (its server-side session is ended by the caller)."""
    logout_user()
    cookie_session.pop(TOKEN_KEY, None)


def role_required(*roles: str) -> Callable[[F], F]:
    """Refuse anonymous users (401 -> login page) and users of other roles (403)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorate


def clocked_signer(clock: Clock) -> type[TimestampSigner]:
    """itsdangerous' timed signer, aged by `clock` instead of the machine's time."""

    class ClockedSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock.now().timestamp())

    return ClockedSigner


class ClockedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, aged by the app's clock: a permanent session (the
    records page's clinician, EHCARD_CLINICIAN_SESSION_SECONDS) expires by it. The cookie's
    Expires stays on the machine's time: it is for the browser, which has its own clock.
    The app's session interface is kiosk.web.api's CookielessListsSession, built on this."""

    def __init__(self, clock: Clock) -> None:
        self.signer = clocked_signer(clock)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        serializer = super().get_signing_serializer(app)
        if serializer is not None:
            serializer.signer = self.signer
        return serializer


def init_auth(app: Flask, load_row: Callable[[int], UserRow | None]) -> LoginManager:
    manager = LoginManager(app)
    manager.session_protection = "strong"

    def _load(user_id: str) -> StaffUser | None:
        row = load_row(int(user_id)) if user_id.isdigit() else None
        return StaffUser.of(row) if row is not None and row.active else None

    manager.user_loader(_load)
    return manager
