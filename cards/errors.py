"""Every error the card core raises, in one tree.

`CardError` is the base: callers that only want to report a failure catch it and
print `diagnostics()`. Verification failures carry a `status` (the verdict a
verifier shows) and a machine `code` (the precise reason), both stable strings
that the browser verifier and the test vectors share.
"""

from __future__ import annotations


class CardError(Exception):
    """Base of every error raised by `cards` and `signing`."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.code

    def diagnostics(self) -> str:
        """A human explanation, fit to print to a user."""
        return f"{self.code}: {self.message}"


class ProfileError(CardError):
    """A holder profile field is missing, malformed or not in the value sets."""

    code = "bad_profile"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class ConfirmationClaimed(ProfileError):
    """A profile to sign claims a clinician's confirmation: only a clinician's session gives one."""

    code = "confirmation_claimed"


class VerificationError(CardError):
    """A card did not verify. `status` is the verdict shown to the reader."""

    status = "invalid"


class Malformed(VerificationError):
    """The QR text or payload is not a well-formed, canonical ehcard payload."""

    code = "malformed"


class Tampered(VerificationError):
    """The signature does not match the payload under any trusted key with its kid."""

    code = "bad_signature"


class UnknownIssuer(VerificationError):
    """No trusted key carries the card's key id, or the key is not trusted for it."""

    status = "unknown_issuer"
    code = "unknown_kid"


class Expired(VerificationError):
    status = "expired"
    code = "expired"


class NotYetValid(VerificationError):
    code = "not_yet_valid"


class Revoked(VerificationError):
    """The issuer revoked the card; `code` is the revocation reason (lost, stolen, ...)."""

    status = "revoked"
    code = "revoked"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, code=reason)
        self.reason = reason
