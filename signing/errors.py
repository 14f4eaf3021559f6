"""Errors of the signing package: key files and signed lists."""

from __future__ import annotations

from cards.errors import CardError


class KeyFileError(CardError):
    """A key file is missing, unreadable, too widely readable or malformed."""

    code = "bad_key_file"


class SignedListError(CardError):
    """A trust or revocation list is malformed, unsigned or signed by the wrong key."""

    code = "bad_signed_list"


class RecordCryptoError(CardError):
    """A record file cannot be encrypted or decrypted (bad key, bad JWE, altered data)."""

    code = "bad_record_crypto"
