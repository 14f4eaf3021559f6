"""The console's blueprint and what its views share: the transaction, the audit actor,
the end of sign-ins whose server-side session is over, the console's language."""


from __future__ import annotations

from flask import Blueprint, flash, request
from flask import session as cookie_session
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from cards.valuesets import UI_LANGUAGES
from kiosk.context import services, transaction
from kiosk.domain import audit
from kiosk.domain.accounts.sessions import check_session
from kiosk.domain.audit import record_event
from kiosk.web.auth import end_signed_in, session_token

bp = Blueprint(
    "staff", __name__, url_prefix="/staff", template_folder="templates", static_folder="static"
)
STAFF_ROLES = ("staff", "admin")
PUBLIC_BLUEPRINTS = frozenset({"api"})


def actor() -> str:
    """How the audit log names the signed-in user."""
    return audit.user(current_user.id)


@bp.before_app_request
def _enforce_signed_in_session() -> None:
    """End a sign-in whose server-side session is over, on whatever page it arrives.

    Every sign-in form (console, kiosk clinician, record page) opens such a
    session; a cookie without a running one is signed out here.
    """
    if request.blueprint in PUBLIC_BLUEPRINTS or request.endpoint in (None, "static"):
        return  # never touch the session there: public lists must not vary by cookie
    if "_user_id" not in cookie_session or not current_user.is_authenticated:
        return
    token = session_token()
    user_id = int(current_user.id)
    with transaction() as session:
        check = check_session(
            session, services().settings, token, user_id, now=services().clock.now()
        )
        if check.ended in ("idle", "expired"):
            record_event(
                session, "user.session_end", actor=audit.user(user_id),
                subject=audit.user(user_id), details={"reason": check.ended},
            )  # fmt: skip
    if check.ended is None:
        return
    if request.blueprint != bp.name:
        # The kiosk's flow and the record page's form token stay: they ask for a sign-in.
        end_signed_in()
        return
    logout_user()
    cookie_session.clear()
    if check.ended == "idle":
        flash(_("You were signed out after a while without activity."), "info")
    elif check.ended == "expired":
        flash(_("Your session reached its maximum length: please sign in again."), "info")
    else:
        flash(_("Your session has ended: please sign in again."), "info")


@bp.before_request
def _remember_language() -> None:
    """A language picked with ?lang= stays for the rest of the visit."""
    asked = request.args.get("lang")
    if asked in UI_LANGUAGES:
        cookie_session["lang"] = asked
