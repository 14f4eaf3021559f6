"""Sign-in and sign-out of the console."""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from kiosk.context import services, transaction
from kiosk.domain.accounts.logins import LoginResult, Outcome, sign_in
from kiosk.domain.accounts.sessions import end_session
from kiosk.domain.accounts.users import StaffUser
from kiosk.domain.audit import record_event
from kiosk.models.accounts import ROLES
from kiosk.web.auth import (
    begin_signed_in,
    client_address,
    end_signed_in,
    role_required,
    session_token,
)
from kiosk.web.staff.blueprint import STAFF_ROLES, actor, bp
from kiosk.web.staff.forms import LoginForm

log = logging.getLogger(__name__)


def _minutes(wait: timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds() / 60))


def _refusal(result: LoginResult) -> str:
    """What the page says: the same words whether or not the user name exists."""
    if result.outcome is Outcome.LOCKED:
        minutes = _minutes(result.retry_after)
        return str(ngettext(
            "Too many failed sign-ins: this account is locked for %(num)d more minute. "
            "An administrator can unlock it sooner.",
            "Too many failed sign-ins: this account is locked for %(num)d more minutes. "
            "An administrator can unlock it sooner.",
            minutes,
        ))
    if result.outcome is Outcome.THROTTLED:
        return str(ngettext(
            "Too many failed sign-ins from this device. Try again in %(num)d minute.",
            "Too many failed sign-ins from this device. Try again in %(num)d minutes.",
            _minutes(result.retry_after),
        ))
    if result.outcome is Outcome.DISABLED:
        return str(_("This account is disabled. Ask an administrator."))
    return str(_("Wrong user name or password."))


def safe_next(target: str | None) -> str | None:
    """A local path to return to after signing in; nothing that leaves this site."""
    if not target:
        return None
    parts = urlsplit(target)
    # Browsers read "/\\host" like "//host": another site.
    if parts.scheme or parts.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return None
    return target


def landing(user: StaffUser) -> str:
    return url_for("staff.home") if user.role in STAFF_ROLES else url_for("index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    if not form.validate_on_submit():
        return render_template("staff/login.html", form=form)
    result = sign_in(
        services().sessions, services().settings, username=form.username.data or "",
        password=form.password.data or "", address=client_address(), roles=ROLES,
        area="console", replaces=session_token(),
    )  # fmt: skip
    if result.outcome is not Outcome.SIGNED_IN or result.user is None or result.token is None:
        log.info("refused sign-in from %s: %s", client_address(), result.outcome.value)
        status = 429 if result.outcome is Outcome.THROTTLED else 200
        headers = {"Retry-After": str(math.ceil(result.retry_after.total_seconds()))}
        flash(_refusal(result), "error")
        form.password.data = ""
        page = render_template("staff/login.html", form=form)
        return page, status, headers if status == 429 else {}
    # A fresh cookie session at sign-in: nothing carried over from before (fixation).
    language = cookie_session.get("lang")
    cookie_session.clear()
    if language:
        cookie_session["lang"] = language
    begin_signed_in(result.user, result.token)
    return redirect(safe_next(form.next.data) or landing(result.user))


@bp.post("/logout")
@role_required(*ROLES)
def logout() -> Response:
    # CSRFProtect has already checked the form's token before this runs.
    with transaction() as session:
        end_session(session, session_token(), "logout", now=services().clock.now())
        record_event(session, "user.logout", actor=actor(), subject=actor())
    end_signed_in()
    cookie_session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("staff.login"))
