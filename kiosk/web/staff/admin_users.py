"""Administrators manage accounts: add, disable, enable, unlock, reset password, change role."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from kiosk.context import services, transaction
from kiosk.domain import audit
from kiosk.domain.accounts.sessions import end_user_sessions
from kiosk.domain.accounts.users import AccountError, add_user, hash_password
from kiosk.domain.audit import record_event
from kiosk.models.accounts import UserRow
from kiosk.web.auth import role_required
from kiosk.web.staff.blueprint import actor, bp
from kiosk.web.staff.forms import ROLE_LABELS, AddUserForm, PasswordResetForm, PlainForm, RoleForm


def _user(session: Session, user_id: int) -> UserRow:
    row = session.get(UserRow, user_id)
    if row is None:
        raise AccountError(f"no user {user_id}", code="unknown_user")
    return row


def _keeps_an_admin(session: Session, row: UserRow) -> None:
    """Refuse a change that would leave no active administrator to undo it."""
    others = session.scalars(
        select(UserRow.id).where(
            UserRow.role == "admin", UserRow.active.is_(True), UserRow.id != row.id
        )
    ).all()
    if row.role == "admin" and row.active and not others:
        raise AccountError(_("This is the last active administrator."), code="last_admin")


def _users_page(add_form: AddUserForm) -> str:
    with transaction() as session:
        rows = session.scalars(select(UserRow).order_by(UserRow.username)).all()
    now = services().clock.now()
    return render_template(
        "staff/users.html", users=rows, roles=ROLE_LABELS, add_form=add_form,
        locked={row.id for row in rows if (row.locked_until or now) > now},
        role_forms={row.id: RoleForm(formdata=None, role=row.role) for row in rows},
        plain_form=PlainForm(formdata=None), password_form=PasswordResetForm(formdata=None),
    )  # fmt: skip


@bp.get("/admin/users")
@role_required("admin")
def users() -> str:
    return _users_page(AddUserForm())


@bp.post("/admin/users")
@role_required("admin")
def add() -> str | Response | tuple[str, int]:
    form = AddUserForm()
    if not form.validate_on_submit():
        return _users_page(form), 400
    try:
        with transaction() as session:
            row = add_user(
                session, form.username.data or "", form.password.data or "", form.role.data or "",
                display_name=form.display_name.data or "", facility=form.facility.data or "",
            )  # fmt: skip
            record_event(
                session, "user.add", actor=actor(), subject=audit.user(row.id),
                details={"role": row.role},
            )  # fmt: skip
    except AccountError as error:
        flash(error.message, "error")
        return redirect(url_for("staff.users"))
    flash(_("User %(name)s added.", name=row.username), "success")
    return redirect(url_for("staff.users"))


@bp.post("/admin/users/<int:user_id>/disable")
@role_required("admin")
def disable(user_id: int) -> Response:
    try:
        with transaction() as session:
            row = _user(session, user_id)
            _keeps_an_admin(session, row)
            row.active = False
            ended = end_user_sessions(session, row.id, "disabled", now=services().clock.now())
            record_event(
                session, "user.disable", actor=actor(), subject=audit.user(row.id),
                details={"sessions_ended": ended},
            )  # fmt: skip
    except AccountError as error:
        flash(error.message, "error")
        return redirect(url_for("staff.users"))
    flash(_("User %(name)s disabled.", name=row.username), "success")
    return redirect(url_for("staff.users"))


@bp.post("/admin/users/<int:user_id>/enable")
@role_required("admin")
def enable(user_id: int) -> Response:
    with transaction() as session:
        row = _user(session, user_id)
        row.active = True
        record_event(session, "user.enable", actor=actor(), subject=audit.user(row.id))
    flash(_("User %(name)s enabled.", name=row.username), "success")
    return redirect(url_for("staff.users"))


@bp.post("/admin/users/<int:user_id>/unlock")
@role_required("admin")
def unlock(user_id: int) -> Response:
    with transaction() as session:
        row = _user(session, user_id)
        row.failed_logins = 0
        row.locked_until = None
        record_event(session, "user.unlock", actor=actor(), subject=audit.user(row.id))
    flash(_("User %(name)s unlocked.", name=row.username), "success")
    return redirect(url_for("staff.users"))


@bp.post("/admin/users/<int:user_id>/password")
@role_required("admin")
def reset_password(user_id: int) -> Response:
    form = PasswordResetForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("staff.users"))
    with transaction() as session:
        row = _user(session, user_id)
        row.password_hash = hash_password(form.password.data or "")
        row.failed_logins = 0
        row.locked_until = None
        ended = end_user_sessions(session, row.id, "password", now=services().clock.now())
        record_event(
            session, "user.password", actor=actor(), subject=audit.user(row.id),
            details={"sessions_ended": ended},
        )  # fmt: skip
    flash(_("New password set for %(name)s.", name=row.username), "success")
    return redirect(url_for("staff.users"))


@bp.post("/admin/users/<int:user_id>/role")
@role_required("admin")
def change_role(user_id: int) -> Response:
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles."), "error")
        return redirect(url_for("staff.users"))
    try:
        with transaction() as session:
            row = _user(session, user_id)
            if form.role.data != "admin":
                _keeps_an_admin(session, row)
            previous, row.role = row.role, form.role.data or row.role
            ended = end_user_sessions(session, row.id, "role", now=services().clock.now())
            record_event(
                session, "user.role", actor=actor(), subject=audit.user(row.id),
                details={"from": previous, "to": row.role, "sessions_ended": ended},
            )  # fmt: skip
    except AccountError as error:
        flash(error.message, "error")
        return redirect(url_for("staff.users"))
    flash(_("%(name)s is now %(role)s.", name=row.username, role=ROLE_LABELS[row.role]), "success")
    return redirect(url_for("staff.users"))
