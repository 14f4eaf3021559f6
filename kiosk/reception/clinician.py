"""A clinician logs in at the kiosk, so the items entered with a holder are marked confirmed.

A minimal login for the kiosk only; the staff console keeps its own.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from kiosk import db
from kiosk.auth import StaffUser, password_matches
from kiosk.models.accounts import UserRow
from kiosk.reception.blueprint import bp
from kiosk.reception.flow import clinician, frame, services
from kiosk.services.audit import record_event

USERNAME_MAX = 64
PASSWORD_MAX = 256


@bp.route("/clinician-login", methods=["GET", "POST"])
def clinician_login() -> ResponseReturnValue:
    error = ""
    username = request.form.get("username", "").strip()[:USERNAME_MAX]
    if request.method == "POST":
        password = request.form.get("password", "")[:PASSWORD_MAX]
        with db.session_scope(services().sessions) as db_session:
            row = db_session.query(UserRow).filter_by(username=username).one_or_none()
            accepted = (
                row is not None
                and row.active
                and row.role == "clinician"
                and password_matches(row.password_hash, password)
            )
            if row is not None and accepted:
                login_user(StaffUser.of(row))
                record_event(db_session, "user.login", actor=row.username, subject="kiosk")
            else:
                record_event(
                    db_session, "user.login_failed", actor=username or "-", subject="kiosk"
                )
        if accepted:
            return redirect(url_for("reception.start"))
        error = _("Wrong user name or password, or this account is not a clinician's.")
    return render_template(
        "reception/clinician_login.html", error=error, username=username, **frame()
    ), (401 if error else 200)


@bp.post("/clinician-logout")
def clinician_logout() -> ResponseReturnValue:
    user = clinician()
    if user is not None:
        with db.session_scope(services().sessions) as db_session:
            record_event(db_session, "user.logout", actor=user.username, subject="kiosk")
    logout_user()
    return redirect(url_for("reception.start"))
