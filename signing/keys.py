"""Ed25519 keys: generate, load, save (0600) and name by key id."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from signing.errors import KeyFileError

KID_BYTES = 8
PRIVATE_HEADER = "ehcard-ed25519-private-key-v1"
PUBLIC_HEADER = "ehcard-ed25519-public-key-v1"


def key_id(public_key: bytes) -> bytes:
    """The 8-byte key id: the start of SHA-256 over the raw public key."""
    return hashlib.sha256(public_key).digest()[:KID_BYTES]


@dataclass(frozen=True)
class PublicKey:
    raw: bytes
    _verify_key: VerifyKey = field(init=False, repr=False, compare=False)
    # Looked up on every verification (trust list, revocation cache): hashed once.
    _kid: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.raw) != 32:
            raise KeyFileError(f"an Ed25519 public key is 32 bytes, not {len(self.raw)}")
        object.__setattr__(self, "_verify_key", VerifyKey(self.raw))
        object.__setattr__(self, "_kid", key_id(self.raw))

    @property
    def kid(self) -> bytes:
        return self._kid

    def verifies(self, message: bytes, signature: bytes) -> bool:
        try:
            self._verify_key.verify(message, signature)
        except BadSignatureError:
            return False
        return True


@dataclass(frozen=True)
class PrivateKey:
    seed: bytes

    @classmethod
    def generate(cls) -> PrivateKey:
        return cls(bytes(SigningKey.generate()))

    @property
    def public(self) -> PublicKey:
        return PublicKey(bytes(SigningKey(self.seed).verify_key))

    @property
    def kid(self) -> bytes:
        return self.public.kid

    def sign(self, message: bytes) -> bytes:
        return bytes(SigningKey(self.seed).sign(message).signature)


def save_private_key(key: PrivateKey, path: Path) -> None:
    """Write a private key readable by its owner only; never overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"{PRIVATE_HEADER}\n{base64.b64encode(key.seed).decode()}\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def save_public_key(key: PublicKey, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{PUBLIC_HEADER}\n{base64.b64encode(key.raw).decode()}\n")


def load_private_key(path: Path) -> PrivateKey:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise KeyFileError(f"cannot read private key {path}: {exc.strerror}") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(f"private key {path} is readable by others: chmod 600 it")
    return PrivateKey(_read_key(path, PRIVATE_HEADER))


def load_public_key(path: Path) -> PublicKey:
    return PublicKey(_read_key(path, PUBLIC_HEADER))


def _read_key(path: Path, header: str) -> bytes:
    try:
        lines = path.read_text().split()
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc}") from exc
    if len(lines) != 2 or lines[0] != header:
        raise KeyFileError(f"{path} is not an ehcard key file (expected header {header})")
    try:
        raw = base64.b64decode(lines[1], validate=True)
    except ValueError as exc:
        raise KeyFileError(f"{path}: key is not valid base64") from exc
    if len(raw) != 32:
        raise KeyFileError(f"{path}: an Ed25519 key is 32 bytes, found {len(raw)}")
    return raw
