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
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from kiosk.auth import StaffUser, role_required
from kiosk.models.accounts import ROLES
from kiosk.services.audit import record_event
from kiosk.services.clock import utc_now
from kiosk.services.logins import LoginResult, Outcome, attempt_login
from kiosk.services.staff_sessions import end_session, open_session
from kiosk.staff import STAFF_ROLES, TOKEN_KEY, actor, bp, client_address, database
from kiosk.staff.forms import LoginForm
from kiosk.web import services

log = logging.getLogger(__name__)


def _minutes(wait: timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds() / 60))


def _refusal(result: LoginResult) -> str:
    """What the page says: the same words whether or not the user name exists."""
    if result.outcome is Outcome.LOCKED:
        minutes = _minutes(result.retry_after)
        return ngettext(
            "Too many failed sign-ins: this account is locked for %(num)d more minute. "
            "An administrator can unlock it sooner.",
            "Too many failed sign-ins: this account is locked for %(num)d more minutes. "
            "An administrator can unlock it sooner.",
            minutes,
        )
    if result.outcome is Outcome.THROTTLED:
        return ngettext(
            "Too many failed sign-ins from this device. Try again in %(num)d minute.",
            "Too many failed sign-ins from this device. Try again in %(num)d minutes.",
            _minutes(result.retry_after),
        )
    if result.outcome is Outcome.DISABLED:
        return _("This account is disabled. Ask an administrator.")
    return _("Wrong user name or password.")


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
    now = utc_now()
    with database() as session:
        result = attempt_login(
            session, services().settings, form.username.data or "", form.password.data or "",
            client_address(), now=now,
        )  # fmt: skip
        user = result.user
        if result.outcome is Outcome.SIGNED_IN and user is not None:
            token = open_session(session, user.id, now=now)
            record_event(
                session, "user.login", actor=f"user:{user.id}", subject=f"user:{user.id}",
                details={"address": client_address()},
            )  # fmt: skip
            staff_user = StaffUser.of(user)
        elif result.outcome is not Outcome.THROTTLED:
            record_event(
                session, "user.login_failed", actor="anonymous",
                subject=f"user:{user.id}" if user is not None else "",
                details={"reason": result.outcome.value, "known_user": result.known_user,
                         "address": client_address()},
            )  # fmt: skip
    if result.outcome is not Outcome.SIGNED_IN:
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
    login_user(staff_user)
    cookie_session[TOKEN_KEY] = token
    return redirect(safe_next(form.next.data) or landing(staff_user))


@bp.post("/logout")
@role_required(*ROLES)
def logout() -> Response:
    # CSRFProtect has already checked the form's token before this runs.
    with database() as session:
        end_session(session, cookie_session.get(TOKEN_KEY), "logout", now=utc_now())
        record_event(session, "user.logout", actor=actor(), subject=actor())
    logout_user()
    cookie_session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("staff.login"))
