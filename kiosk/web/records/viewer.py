"""The record page `/R#<record id>.<key>` and the clinicians' same-origin API.

The page is static HTML plus static JavaScript: the key stays in the URL
fragment, which browsers never send, and every file is decrypted in the
browser. Clinician calls carry the session cookie, so they are CSRF-protected
(the page sends the token in an X-CSRFToken header) and same-origin only.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, session
from flask_login import current_user

from cards import valuesets
from cards.record import Attachment, Confirmation, ItemKind, RecordItem
from cards.valuesets import UI_LANGUAGES
from kiosk.context import services, transaction
from kiosk.domain import audit
from kiosk.domain.accounts import logins
from kiosk.domain.accounts.sessions import end_session
from kiosk.domain.accounts.users import StaffUser
from kiosk.domain.audit import record_event
from kiosk.domain.clock import today
from kiosk.domain.records.access import open_as_clinician
from kiosk.domain.records.documents import add_folded_document
from kiosk.domain.records.errors import BadRecordRequest, SignInFailed, Throttled
from kiosk.domain.records.log import BREAK_GLASS_REASONS, log_access
from kiosk.domain.records.store import add_document, add_item_file, find_record
from kiosk.domain.records.uploads import check_declared, sniff
from kiosk.web.auth import (
    begin_signed_in,
    client_address,
    end_signed_in,
    role_required,
    session_token,
)
from kiosk.web.records.hub import upload_limits
from kiosk.web.records.labels import kind_labels, reason_labels
from kiosk.web.records.shl import embedded_limit, manifest, valid_manifest_id
from signing.records import FILE_KEY_BYTES, b64url_decode

bp = Blueprint("records", __name__, template_folder="templates")


ADDABLE_KINDS = (
    "allergy",
    "medication",
    "condition",
    "vaccination",
    "surgery",
    "implant",
    "pregnancy",
)


@bp.after_request
def _not_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # manifests and ciphertext: never cached
    return response


@bp.get("/R")
def record_page() -> str:
    """The record page; the key is in the fragment, which the browser never sends here."""
    user = current_user
    clinician = ""
    if user.is_authenticated and user.role == "clinician":
        clinician = _clinician_label(user)
    kinds = kind_labels()
    native_names = {
        code: str(concept.extra.get("native", code))
        for code, concept in valuesets.languages().concepts.items()
    }
    return render_template(
        "records/viewer.html",
        reasons=BREAK_GLASS_REASONS,
        reason_labels=reason_labels(),
        kinds_json=json.dumps(kinds, ensure_ascii=False),
        addable_kinds=[(k, kinds[k]) for k in ADDABLE_KINDS],
        clinician_label=clinician,
        reader_languages=[(code, native_names.get(code, code)) for code in UI_LANGUAGES],
    )


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRecordRequest("the request body must be a JSON object")
    return body


@bp.post("/records/api/signin")
def sign_in() -> Response:
    """Clinician sign-in from the record page itself, so the key in the fragment stays put.

    The one sign-in service's (kiosk.domain.accounts.logins), clinicians only: every
    other account, a wrong password and an unknown name get the same answer.
    """
    body = _body()
    result = logins.sign_in(
        services().sessions, services().settings, username=str(body.get("username", "")),
        password=str(body.get("password", "")), address=client_address(),
        roles=("clinician",), area="record", replaces=session_token(),
    )  # fmt: skip
    retry_after = max(1, math.ceil(result.retry_after.total_seconds()))
    if result.outcome is logins.Outcome.LOCKED:
        raise Throttled("too many failed sign-ins: this account is locked for a while",
                        retry_after=retry_after)  # fmt: skip
    if result.outcome is logins.Outcome.THROTTLED:
        raise Throttled("too many failed sign-ins from this address: try again later",
                        retry_after=retry_after)  # fmt: skip
    user, token = result.user, result.token
    if result.outcome is not logins.Outcome.SIGNED_IN or user is None or token is None:
        raise SignInFailed("unknown user name or wrong password")
    session.permanent = True
    begin_signed_in(user, token)
    return jsonify({"name": user.display_name, "facility": user.facility})


@bp.post("/records/api/signout")
def sign_out() -> Response:
    if current_user.is_authenticated:
        with transaction() as db:
            end_session(db, session_token(), "logout", now=services().clock.now())
            record_event(db, "user.logout", actor=audit.user(current_user.id))
    end_signed_in()
    return jsonify({"signed_out": True})


@bp.post("/records/api/<manifest_id>/manifest")
@role_required("clinician")
def clinician_manifest(manifest_id: str) -> Response:
    body = _body()
    reason = body.get("breakGlass")
    if reason is not None and not isinstance(reason, str):
        raise BadRecordRequest("breakGlass must be one of the listed reasons")
    embed_max = embedded_limit(body)
    with transaction() as db:
        opened = open_as_clinician(
            db, valid_manifest_id(manifest_id), current_user, break_glass=reason
        )
    return jsonify(manifest(opened, embed_max, with_ids=True))


def _clinician_label(user: StaffUser) -> str:
    return f"{user.display_name}, {user.facility}" if user.facility else user.display_name


def _logged_update(db: Any, row: Any, user: StaffUser) -> None:
    log_access(
        db,
        row,
        event="update",
        actor="clinician",
        who=user.display_name,
        facility=user.facility,
        user_id=user.id,
        files=1,
    )
    record_event(
        db,
        "record.update",
        actor=audit.user(user.id),
        subject=audit.record(row.record_id),
        details={"change": "item_added", "files": 1},
    )


@bp.post("/records/api/<manifest_id>/items")
@role_required("clinician")
def add_item(manifest_id: str) -> Response:
    """An item the clinician's browser encrypted with the key from the card, and with it,
    optionally, the IPS document it was served with that item folded in."""
    body = _body()
    jwe = body.get("jwe")
    if not isinstance(jwe, str):
        raise BadRecordRequest("jwe must be a JWE compact serialisation")
    document = body.get("document")
    if document is not None and not (
        isinstance(document, dict)
        and isinstance(document.get("jwe"), str)
        and isinstance(document.get("base"), str)
    ):
        raise BadRecordRequest("document must hold the new document's jwe and its base's id")
    with transaction() as db:
        row = find_record(db, manifest_id=valid_manifest_id(manifest_id))
        by = _clinician_label(current_user)
        added = add_item_file(db, row, jwe, added_by=by)
        folded = None
        if document is not None:
            folded = add_folded_document(
                db, row, jwe=document["jwe"], base_file_id=document["base"],
                item_file_id=added.file_id, added_by=by, at=added.added_at,
            )  # fmt: skip
        _logged_update(db, row, current_user)
        return jsonify({"file": added.file_id, "document": folded.file_id if folded else None})


@bp.post("/records/api/<manifest_id>/documents")
@role_required("clinician")
def add_document_upload(manifest_id: str) -> Response:
    """A scanned document: checked, cleaned and encrypted here under the key sent with it.

    Sniffing and re-encoding need the plaintext, so the browser sends the file
    key with this one request; it lives in this function's variables only.
    """
    upload = request.files.get("document")
    if upload is None:
        raise BadRecordRequest("no document in the upload (field 'document')")
    key = b64url_decode(request.form.get("key", ""))
    if len(key) != FILE_KEY_BYTES:
        raise BadRecordRequest("key must be the record's 32-byte file key")
    limits = upload_limits()
    data = upload.stream.read(limits.max_bytes + 1)
    user: StaffUser = current_user
    title = request.form.get("title", "").strip() or upload.filename or "Document"
    check_declared(data, upload.mimetype, limits)
    item = RecordItem(
        kind=ItemKind.DOCUMENT,
        text=title[:200],
        when=request.form.get("when") or None,
        attachment=Attachment(sniff(data), data),
        confirmed=Confirmation(
            by=_clinician_label(user), on=today(services().clock), staff_id=user.id
        ),
    )
    with transaction() as db:
        row = find_record(db, manifest_id=valid_manifest_id(manifest_id))
        added = add_document(
            db,
            row,
            key=key,
            item=item,
            patient_url=request.form.get("patient", ""),
            limits=limits,
            added_by=_clinician_label(user),
        )
        _logged_update(db, row, user)
        file_id = added.file_id
    return jsonify({"file": file_id})
