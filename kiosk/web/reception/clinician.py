"""A clinician logs in at the kiosk, so the items entered with a holder are marked confirmed.

The password check, lock-out, throttle and audit are the one sign-in service's
(kiosk.domain.accounts.logins), which admits the clinician role only here; every
refusal reads the same. The sign-in is a server-side session ("kiosk") that
the log-out ends.
"""

from __future__ import annotations

import math

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from kiosk.context import services, transaction
from kiosk.domain import audit
from kiosk.domain.accounts.logins import Outcome, sign_in
from kiosk.domain.accounts.sessions import end_session
from kiosk.domain.audit import record_event
from kiosk.web.auth import begin_signed_in, client_address, end_signed_in, session_token
from kiosk.web.reception.blueprint import bp
from kiosk.web.reception.flow import clinician, frame

USERNAME_MAX = 64
PASSWORD_MAX = 256


@bp.route("/clinician-login", methods=["GET", "POST"])
def clinician_login() -> ResponseReturnValue:
    username = request.form.get("username", "").strip()[:USERNAME_MAX]
    if request.method == "GET":
        return render_template(
            "reception/clinician_login.html", error="", username=username, **frame()
        )
    result = sign_in(
        services().sessions, services().settings, username=username,
        password=request.form.get("password", "")[:PASSWORD_MAX], address=client_address(),
        roles=("clinician",), area="kiosk", replaces=session_token(),
    )  # fmt: skip
    if result.outcome is Outcome.SIGNED_IN and result.user and result.token:
        begin_signed_in(result.user, result.token)
        return redirect(url_for("reception.start"))
    held = result.outcome in (Outcome.LOCKED, Outcome.THROTTLED)
    if held:
        # The same words whether the name, the account or this device is held: they tell
        # nothing about which user names exist.
        error = _("Too many failed sign-ins: wait a few minutes before trying again.")
    else:
        error = _("Wrong user name or password, or this account is not a clinician's.")
    page = render_template(
        "reception/clinician_login.html", error=error, username=username, **frame()
    )
    if held:
        return page, 429, {"Retry-After": str(math.ceil(result.retry_after.total_seconds()))}
    return page, 401


@bp.post("/clinician-logout")
def clinician_logout() -> ResponseReturnValue:
    user = clinician()
    if user is not None:
        with transaction() as db_session:
            end_session(db_session, session_token(), "logout", now=services().clock.now())
            record_event(
                db_session, "user.logout", actor=audit.user(user.id), subject=audit.KIOSK
            )
    end_signed_in()
    return redirect(url_for("reception.start"))
