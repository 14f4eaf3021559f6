"""The console's forms; Flask-WTF puts a CSRF token in every one."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField

# types-WTForms describes WTForms 3.2; SelectChoice came with 3.3 (tuples are deprecated there).
from wtforms import (  # type: ignore[attr-defined]
    BooleanField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from kiosk.domain.accounts.users import PASSWORD_MIN_LENGTH
from kiosk.models.accounts import ROLES
from signing.revocation import Reason

# `reissued` is set by the reissue flow itself, never chosen by hand.
REVOKE_REASONS = (
    Reason.LOST, Reason.STOLEN, Reason.WRONG_DATA, Reason.DECEASED, Reason.HOLDER_REQUEST,
)  # fmt: skip
REASON_LABELS = {
    Reason.LOST: _l("Lost"),
    Reason.STOLEN: _l("Stolen"),
    Reason.WRONG_DATA: _l("Wrong data on the card"),
    Reason.DECEASED: _l("Holder deceased"),
    Reason.HOLDER_REQUEST: _l("Holder's request"),
    Reason.REISSUED: _l("Reissued"),
}
ROLE_LABELS = {"admin": _l("Administrator"), "staff": _l("Reception staff"),
               "clinician": _l("Clinician")}  # fmt: skip


ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class PlainForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

    submit = SubmitField(_l("Confirm"))


class SearchForm(FlaskForm):
    code = StringField(_l("Card code"), validators=[Optional(), Length(max=32)])
    name = StringField(
        _l("Name (any script, any spelling)"), validators=[Optional(), Length(max=120)]
    )
    birth = StringField(_l("Birth date or year"), validators=[Optional(), Length(max=16)])
    submit = SubmitField(_l("Find"))

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.code.data or (self.name.data and self.birth.data):
            return True
        self.code.errors = [*self.code.errors, _l("Type a card code, or a name and a birth date.")]
        return False


class RevokeForm(FlaskForm):
    reason = SelectField(
        _l("Reason"), choices=[SelectChoice(r.label, REASON_LABELS[r]) for r in REVOKE_REASONS]
    )
    confirmed = HiddenField(default="")
    submit = SubmitField(_l("Revoke"))


class ReissueForm(FlaskForm):
    qr_text = TextAreaField(
        _l("Text of the old card's QR code (scan it here or paste it)"),
        validators=[Optional(), Length(max=2000)],
    )
    qr_image = FileField(
        _l("or a photo of the old card"),
        validators=[FileAllowed(["png", "jpg", "jpeg", "webp"], _l("A PNG, JPEG or WebP image."))],
    )
    profile_json = TextAreaField(
        _l("or a corrected profile from the kiosk (JSON)"),
        validators=[Optional(), Length(max=20000)],
    )
    submit = SubmitField(_l("Reissue"))


class AddUserForm(FlaskForm):
    username = StringField(
        _l("User name"),
        validators=[DataRequired(), Length(max=64), Regexp(r"^[A-Za-z0-9._-]+$")],
    )
    display_name = StringField(_l("Name shown in the console"), validators=[Length(max=128)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    facility = StringField(_l("Facility"), validators=[Length(max=128)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=256)]
    )
    confirm = PasswordField(
        _l("Password again"), validators=[EqualTo("password", _l("The passwords differ."))]
    )
    submit = SubmitField(_l("Add the user"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    submit = SubmitField(_l("Change role"))


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=256)]
    )
    confirm = PasswordField(
        _l("Password again"), validators=[EqualTo("password", _l("The passwords differ."))]
    )
    submit = SubmitField(_l("Set the password"))


class KeyChangeForm(FlaskForm):
    understood = BooleanField(validators=[DataRequired()])
    submit = SubmitField(_l("Confirm"))


class TrustImportForm(FlaskForm):
    signed = FileField(_l("Trust list signed by the root key"), validators=[DataRequired()])
    submit = SubmitField(_l("Check and install"))
