"""Errors of the full-record area; kiosk/web/errors.py maps each to its HTTP answer.

`response_fields` and `headers` are what the SMART Health Links protocol asks
a server to say beside the status (e.g. `remainingAttempts` on a wrong PIN).
"""

from __future__ import annotations

from cards.errors import CardError


class RecordAccessError(CardError):
    """Base of every refusal to open, change or upload to a record."""

    code = "record_access"

    @property
    def response_fields(self) -> dict[str, int | str]:
        return {}

    @property
    def headers(self) -> dict[str, str]:
        return {}


class RecordNotFound(RecordAccessError):
    """No record answers to this manifest id (or record id)."""

    code = "no_such_record"


class RecordGone(RecordAccessError):
    """The card was revoked: its record was erased and will not come back."""

    code = "record_erased"


class PasscodeRejected(RecordAccessError):
    """A wrong or missing PIN; `remaining` attempts are left before the PIN locks."""

    code = "wrong_passcode"

    def __init__(self, message: str, *, remaining: int) -> None:
        super().__init__(message, code="passcode_locked" if remaining == 0 else None)
        self.remaining = remaining

    @property
    def response_fields(self) -> dict[str, int | str]:
        return {"remainingAttempts": self.remaining}


class Throttled(RecordAccessError):
    """Too soon after a failure: try again in `retry_after` seconds."""

    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    @property
    def response_fields(self) -> dict[str, int | str]:
        return {"retryAfter": self.retry_after}

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class AccessRefused(RecordAccessError):
    """The request is well formed but this caller may not do it."""

    code = "access_refused"


class BadRecordRequest(RecordAccessError):
    """A request body that does not follow the protocol (missing recipient, bad JWE...)."""

    code = "bad_request"


class UploadRejected(RecordAccessError):
    """A document that is not a clean PDF, JPEG or PNG within the limits."""

    code = "upload_rejected"


class UploadTooLarge(UploadRejected):
    code = "upload_too_large"


class UploadWrongType(UploadRejected):
    code = "upload_wrong_type"


class SignInFailed(RecordAccessError):
    """The card code and recovery code do not match a record (which one is wrong is not said)."""

    code = "sign_in_failed"
