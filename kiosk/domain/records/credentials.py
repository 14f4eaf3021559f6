"""The holder's two secrets: the PIN (the SHL passcode) and the recovery code.

Both are stored only as argon2id hashes. The PIN is short by nature: what
protects it is the lifetime limit on wrong attempts (kiosk/domain/records/access.py),
not the hash. The recovery code is long and random (100 bits), printed once
on the holder's slip, never on the card.
"""

from __future__ import annotations

import itertools
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cards.record import RecordError

PIN_PATTERN = re.compile(r"^\d{6,12}$")
# Crockford base32 without I, L, O, U: nothing to confuse when read off paper.
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_GROUPS = 5
RECOVERY_GROUP_LENGTH = 4
_hasher = PasswordHasher()  # argon2id, the library's recommended parameters


class PinRefused(RecordError):
    """A PIN the holder may not choose (too short, trivial...)."""

    code = "weak_pin"


def check_pin(pin: str) -> None:
    """Refuse PINs that are not 6 to 12 digits, or that anyone would try first."""
    if not PIN_PATTERN.match(pin):
        raise PinRefused("a PIN is 6 to 12 digits")
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    if len(set(pin)) == 1 or steps in ({1}, {-1}):
        raise PinRefused("this PIN is too easy to guess: avoid repeated or consecutive digits")


def hash_secret(value: str) -> str:
    return _hasher.hash(value)


def secret_matches(stored_hash: str | None, value: str) -> bool:
    if stored_hash is None:
        return False
    try:
        return _hasher.verify(stored_hash, value)
    except (VerificationError, InvalidHashError):
        return False


def new_recovery_code() -> str:
    """20 random Crockford base32 characters in groups of four (100 bits)."""
    chars = "".join(
        secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH)
    )
    step = RECOVERY_GROUP_LENGTH
    return "-".join(chars[i : i + step] for i in range(0, len(chars), step))


def normalise_recovery_code(typed: str) -> str:
    """What the holder typed, in the printed form: case, spaces, dashes and O/I/L forgiven."""
    cleaned = typed.upper().translate(str.maketrans("OIL", "011", " -\t"))
    if len(cleaned) != RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH or any(
        c not in RECOVERY_ALPHABET for c in cleaned
    ):
        return ""
    step = RECOVERY_GROUP_LENGTH
    return "-".join(cleaned[i : i + step] for i in range(0, len(cleaned), step))
