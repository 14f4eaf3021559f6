"""The holder's pages: sign in with the recovery slip, read the access log, hide items,
change the PIN, revoke a lost card. In the kiosk's eleven languages, right to left
where the language is.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from cards.valuesets import UI_LANGUAGES
from kiosk.context import services, transaction
from kiosk.domain import audit
from kiosk.domain.audit import record_event
from kiosk.domain.clock import today
from kiosk.domain.records.access import sign_in_holder
from kiosk.domain.records.control import change_pin, revoke_lost_card, set_masks
from kiosk.domain.records.credentials import PinRefused
from kiosk.domain.records.errors import SignInFailed, Throttled
from kiosk.domain.records.log import access_log
from kiosk.domain.records.store import item_files
from kiosk.models.records import RecordRow
from kiosk.web.records.labels import event_labels, kind_labels, reason_labels

bp = Blueprint("holder", __name__, url_prefix="/holder", template_folder="templates")
F = TypeVar("F", bound=Callable[..., Any])
LANGUAGE_NAMES = {
    "fr": "Français", "en": "English", "ar": "العربية", "fa": "فارسی", "ps": "پښتو",
    "ti": "ትግርኛ", "uk": "Українська", "ru": "Русский", "es": "Español", "pt": "Português",
    "ka": "ქართული",
}  # fmt: skip


@bp.before_request
def _remember_language() -> None:
    asked = request.args.get("lang")
    if asked in UI_LANGUAGES:
        session["lang"] = asked


@bp.after_request
def _not_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _languages() -> dict[str, Any]:
    return {"language_names": LANGUAGE_NAMES}


def _signed_in_record() -> str | None:
    record_id = session.get("holder_record")
    since = session.get("holder_seen", 0)
    now = services().clock.now().timestamp()
    if not record_id or now - since > services().settings.holder_session_seconds:
        for key in ("holder_record", "holder_card", "holder_seen"):
            session.pop(key, None)
        return None
    session["holder_seen"] = now
    return str(record_id)


def holder_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if _signed_in_record() is None:
            return redirect(url_for("holder.start"))
        return view(*args, **kwargs)

    return cast(F, wrapped)


def _record(db: Any) -> RecordRow:
    row = db.scalar(select(RecordRow).where(RecordRow.record_id == session["holder_record"]))
    if row is None:
        abort(404)
    return cast(RecordRow, row)


@bp.route("/", methods=["GET", "POST"])
def start() -> Any:
    if request.method == "GET":
        if _signed_in_record():
            return redirect(url_for("holder.log"))
        return render_template("holder/signin.html")
    hub = services()
    card_code = request.form.get("card_code", "")
    try:
        record_id = sign_in_holder(
            hub.sessions, hub.settings, card_code, request.form.get("recovery_code", "")
        )
    except SignInFailed:
        return render_template(
            "holder/signin.html", error=_("The card code and the recovery code do not match.")
        ), 401
    except Throttled as refused:
        minutes = refused.retry_after // 60 + 1
        return render_template(
            "holder/signin.html",
            error=_("Too many wrong codes. Try again in %(n)s minutes.", n=minutes),
        ), 429
    language = session.get("lang")
    session.clear()  # a fresh session at sign-in: nothing carried over from before
    if language:
        session["lang"] = language
    session.update(
        holder_record=record_id,
        holder_card=card_code.strip().upper(),
        holder_seen=services().clock.now().timestamp(),
    )
    return redirect(url_for("holder.log"))


@bp.get("/log")
@holder_required
def log() -> str:
    with transaction() as db:
        row = _record(db)
        entries = access_log(db, row)
        record_event(
            db, "holder.log_view", actor=audit.HOLDER, subject=audit.record(row.record_id)
        )
        erased = row.status == "erased"
    return render_template(
        "holder/log.html",
        entries=entries,
        erased=erased,
        events=event_labels(),
        reasons=reason_labels(),
    )


@bp.route("/items", methods=["GET", "POST"])
@holder_required
def items() -> Any:
    with transaction() as db:
        row = _record(db)
        if row.status == "erased":
            return redirect(url_for("holder.log"))
        if request.method == "POST":
            set_masks(db, row, set(request.form.getlist("masked")))
            return redirect(url_for("holder.items", saved=1))
        files = [f for f in item_files(db, row) if f.role == "item"]
        entries = [
            {
                "file_id": f.file_id,
                "masked": f.masked,
                "added_by": f.added_by,
                "added_at": f.added_at,
            }
            for f in files
        ]
        manifest_id = row.manifest_id
    return render_template(
        "holder/items.html",
        entries=entries,
        manifest_id=manifest_id,
        kinds=kind_labels(),
        saved=bool(request.args.get("saved")),
    )


@bp.get("/api/items")
@holder_required
def items_ciphertext() -> Response:
    """The holder's encrypted items, for the page to show their names with the card's key."""
    with transaction() as db:
        row = _record(db)
        files = [{"file": f.file_id, "jwe": f.jwe} for f in item_files(db, row) if f.role == "item"]
    return jsonify({"files": files})


@bp.route("/pin", methods=["GET", "POST"])
@holder_required
def pin() -> Any:
    if request.method == "GET":
        return render_template("holder/pin.html")
    new_pin, again = request.form.get("pin", ""), request.form.get("pin_again", "")
    if new_pin != again:
        return render_template("holder/pin.html", error=_("The two PINs are not the same.")), 422
    with transaction() as db:
        row = _record(db)
        try:
            change_pin(db, row, new_pin)
        except PinRefused:
            db.rollback()
            return render_template(
                "holder/pin.html",
                error=_("Choose 6 to 12 digits, not all the same and not in a row."),
            ), 422
    return render_template("holder/pin.html", done=True)


@bp.route("/revoke", methods=["GET", "POST"])
@holder_required
def revoke() -> Any:
    if request.method == "GET":
        return render_template("holder/revoke.html")
    if request.form.get("confirm") != "yes":
        return render_template("holder/revoke.html", error=_("Tick the box to confirm.")), 422
    with transaction() as db:
        row = _record(db)
        if row.status != "erased":
            revoke_lost_card(db, row, session["holder_card"], today=today(services().clock))
    return redirect(url_for("holder.log"))


@bp.post("/signout")
def sign_out() -> Response:
    for key in ("holder_record", "holder_card", "holder_seen"):
        session.pop(key, None)
    return cast(Response, redirect(url_for("holder.start")))
