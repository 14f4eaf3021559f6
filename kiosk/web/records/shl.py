"""The SMART Health Links manifest server (HL7 SMART Health Cards and Links IG, STU1).

    POST /shl/<manifest id>   {"recipient", "passcode", "embeddedLengthMax"?} -> manifest
    GET  /shl/file/<token>    one encrypted file (application/jose), short-lived URL

Any SHL viewer, on any origin, may call these: they answer CORS requests
with `Access-Control-Allow-Origin: *` and are exempt from CSRF protection.
That is safe because they never read a cookie or a login session: the only
credential is the PIN in the body (and, for files, the signed token in the
URL). Clinicians' own, session-based access is in kiosk/web/records/viewer.py,
under CSRF protection and same-origin only.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from cards.record_fhir import FHIR_VERSION
from kiosk.context import services, transaction
from kiosk.domain.records.access import OpenedRecord, open_with_pin
from kiosk.domain.records.errors import AccessRefused, BadRecordRequest, RecordGone, RecordNotFound
from kiosk.models.records import RecordFileRow
from kiosk.web.auth import clocked_signer
from signing.records import FHIR_JSON

bp = Blueprint("shl", __name__, url_prefix="/shl")
MANIFEST_ID_CHARS = 43


def _tokens() -> URLSafeTimedSerializer:
    hub = services()
    return URLSafeTimedSerializer(
        hub.settings.secret_key(), salt="ehcard/shl-file/v1", signer=clocked_signer(hub.clock)
    )


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRecordRequest("the request body must be a JSON object")
    return body


def embedded_limit(body: dict[str, Any]) -> int:
    """The longest file to embed: the client's `embeddedLengthMax`, never above our own cap."""
    ours = services().settings.shl_embed_max_chars
    asked = body.get("embeddedLengthMax")
    if asked is None:
        return ours
    if not isinstance(asked, int) or isinstance(asked, bool) or asked < 0:
        raise BadRecordRequest("embeddedLengthMax must be a whole number of characters")
    return min(asked, ours)


def manifest(opened: OpenedRecord, embed_max: int, *, with_ids: bool = False) -> dict[str, Any]:
    """The manifest JSON: small files embedded, the others behind short-lived signed URLs.

    `with_ids` (our record page only) names each file, so a clinician's page can say which
    document it folded a new item into.
    """
    tokens = _tokens()
    files = []
    for served in opened.files:
        entry: dict[str, Any] = {
            "contentType": FHIR_JSON,
            "lastUpdated": served.added_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "status": "can-change",
            "fhirVersion": FHIR_VERSION,
        }
        if with_ids:
            entry["id"] = served.file_id
        if len(served.jwe) <= embed_max:
            entry["embedded"] = served.jwe
        else:
            token = tokens.dumps({"f": served.file_id, "g": opened.break_glass})
            entry["location"] = url_for("shl.file", token=token, _external=True)
        files.append(entry)
    # "withheld" (an extension a plain SHL client ignores) tells a clinician that the
    # holder masked items, which only a logged break-glass opening shows.
    return {"files": files, "withheld": opened.withheld}


def valid_manifest_id(manifest_id: str) -> str:
    if len(manifest_id) != MANIFEST_ID_CHARS or not all(
        c.isascii() and (c.isalnum() or c in "-_") for c in manifest_id
    ):
        raise RecordNotFound("no record answers to this link")
    return manifest_id


@bp.route("/<manifest_id>", methods=["POST"], provide_automatic_options=False)
def open_manifest(manifest_id: str) -> Response:
    body = _json_body()
    recipient = body.get("recipient")
    if not isinstance(recipient, str) or not recipient.strip():
        raise BadRecordRequest("recipient is required: say who is opening the record")
    passcode = body.get("passcode")
    if not isinstance(passcode, str) or not passcode:
        raise BadRecordRequest("passcode is required: this link needs the holder's PIN (flag P)")
    embed_max = embedded_limit(body)
    hub = services()
    opened = open_with_pin(
        hub.sessions, hub.settings, valid_manifest_id(manifest_id), passcode, recipient
    )
    return jsonify(manifest(opened, embed_max))


@bp.route("/<manifest_id>", methods=["OPTIONS"])
def preflight(manifest_id: str) -> Response:
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "POST"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = "600"
    return response


@bp.get("/file/<token>")
def file(token: str) -> Response:
    hub = services()
    try:
        claims = _tokens().loads(token, max_age=hub.settings.shl_location_seconds)
    except SignatureExpired as exc:
        raise AccessRefused("this file link has expired: ask for the manifest again") from exc
    except BadSignature as exc:
        raise RecordNotFound("no file answers to this link") from exc
    with transaction() as session:
        row = session.scalar(select(RecordFileRow).where(RecordFileRow.file_id == claims["f"]))
        if row is None:
            raise RecordGone("this file was erased")
        if row.masked and not claims.get("g"):
            raise AccessRefused("the holder masked this item")
        return Response(row.jwe, mimetype="application/jose")


@bp.after_request
def _cross_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store"
    return response
