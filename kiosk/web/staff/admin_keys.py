"""Administrators see the trust list, rotate the issuer key, mark keys compromised,
move trust lists to and from an offline root, and read the audit log."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from kiosk.context import services, transaction
from kiosk.domain.audit import recent_events, verify_chain
from kiosk.domain.clock import today
from kiosk.domain.keys import trust_admin
from kiosk.domain.keys.keyring import paths
from kiosk.models.accounts import UserRow
from kiosk.web.auth import role_required
from kiosk.web.staff.blueprint import actor, bp
from kiosk.web.staff.forms import KeyChangeForm, TrustImportForm

AUDIT_PAGE = 50


def _after_change(change: trust_admin.KeyChange, done: str) -> Response:
    services().refresh_keyring()
    if change.installed:
        flash(done, "success")
    else:
        flash(
            _("%(done)s The root key is not on this server: download the list to sign, sign it "
              "on the root's machine, then upload it here.", done=done),
            "info",
        )  # fmt: skip
    return redirect(url_for("staff.keys"))


@bp.get("/admin/keys")
@role_required("admin")
def keys() -> str:
    settings, keyring = services().settings, services().keyring
    here = {path.name for path in settings.keys_dir.glob("issuer-*.key")}
    return render_template(
        "staff/keys.html", trust=keyring.trust_list, current=keyring.issuer_key.kid,
        with_key={kid for kid in keyring.issuer_keys}, key_files=here,
        pending=trust_admin.pending_trust_list(settings),
        root_here=trust_admin.root_key_here(settings), form=KeyChangeForm(),
        import_form=TrustImportForm(),
    )  # fmt: skip


@bp.post("/admin/keys/rotate")
@role_required("admin")
def rotate_key() -> Response:
    if not KeyChangeForm().validate_on_submit():
        flash(_("Tick the box to confirm the rotation."), "error")
        return redirect(url_for("staff.keys"))
    with transaction() as session:
        change = trust_admin.rotate(
            session, services().settings, actor=actor(), today=today(services().clock)
        )
    return _after_change(change, _("New issuer key %(kid)s.", kid=change.kid.hex()))


@bp.post("/admin/keys/<kid>/compromised")
@role_required("admin")
def compromised(kid: str) -> Response:
    if not KeyChangeForm().validate_on_submit():
        flash(_("Tick the box to confirm that the key is compromised."), "error")
        return redirect(url_for("staff.keys"))
    try:
        raw = bytes.fromhex(kid)
    except ValueError as exc:
        raise trust_admin.TrustAdminError(
            f"{kid!r} is not a key id", code="unknown_key"
        ) from exc
    with transaction() as session:
        change = trust_admin.mark_compromised(
            session, services().settings, raw, actor=actor(), today=today(services().clock)
        )
    return _after_change(change, _("Key %(kid)s is marked compromised.", kid=kid))


@bp.get("/admin/keys/pending.cbor")
@role_required("admin")
def pending_download() -> FlaskResponse:
    with transaction() as session:
        body = trust_admin.export_unsigned(session, services().settings, actor=actor())
    return FlaskResponse(
        body,
        mimetype="application/cbor",
        headers={"Content-Disposition": 'attachment; filename="trust-unsigned.cbor"'},
    )


@bp.post("/admin/keys/import")
@role_required("admin")
def trust_import() -> Response:
    form = TrustImportForm()
    if not form.validate_on_submit():
        flash(_("Choose the signed trust list file."), "error")
        return redirect(url_for("staff.keys"))
    document = form.signed.data.read()
    with transaction() as session:
        result = trust_admin.import_signed(session, services().settings, document, actor=actor())
    services().refresh_keyring()
    flash(_("Trust list %(sequence)d installed.", sequence=result.sequence), "success")
    return redirect(url_for("staff.keys"))


@bp.get("/admin/audit")
@role_required("admin")
def audit_log() -> str:
    before = request.args.get("before", type=int)
    with transaction() as session:
        problems = verify_chain(session)
        rows = recent_events(session, limit=AUDIT_PAGE, before=before)
        names = {uid: name for uid, name in session.execute(select(UserRow.id, UserRow.username))}
    return render_template(
        "staff/audit.html", rows=rows, problems=problems, names=names,
        older=rows[-1].id if len(rows) == AUDIT_PAGE else None,
        trust_file=paths(services().settings)["trust"],
    )  # fmt: skip
