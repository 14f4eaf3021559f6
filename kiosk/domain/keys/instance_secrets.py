"""The instance secret: one 32-byte key file from which the registry and audit keys derive.

One file keeps backups and permissions simple; each use gets its own
derived key (HMAC-SHA256 of the secret over a purpose label), so a leaked
derived key reveals neither the secret nor the others.

    look-up key   HMAC key of the holder name + birth date index (staff search)
    name key      SecretBox key of the display name the console shows
    audit key     HMAC key of the audit log's head (detects a cut tail)
    throttle key  HMAC key naming login throttles without storing addresses
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kiosk.config import ConfigError, Settings

HEADER = "ehcard-instance-secret-v1"
SECRET_BYTES = 32


@dataclass(frozen=True)
class InstanceSecrets:
    secret: bytes = field(repr=False)

    def derive(self, purpose: str) -> bytes:
        return hmac.new(self.secret, b"ehcard/" + purpose.encode(), hashlib.sha256).digest()

    @property
    def lookup_key(self) -> bytes:
        return self.derive("registry-lookup/v1")

    @property
    def name_key(self) -> bytes:
        return self.derive("registry-name/v1")

    @property
    def audit_key(self) -> bytes:
        return self.derive("audit-head/v1")

    @property
    def throttle_key(self) -> bytes:
        return self.derive("login-throttle/v1")


def load_instance_secrets(settings: Settings) -> InstanceSecrets:
    """The instance secret; generated in development mode, required in production."""
    path = settings.instance_key_path
    if not path.exists():
        if not settings.is_development:
            raise ConfigError(
                f"production mode needs the instance secret {path} "
                "(EHCARD_INSTANCE_KEY_FILE): copy it from the instance's backup"
            )
        write_instance_secret(path)
    return _read(path, path.stat().st_mtime_ns)


def write_instance_secret(path: Path) -> None:
    """A new random instance secret at `path` (0600), unless another process made one first."""
    # Written aside then linked into place, so a reader never sees a half-written file.
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"{HEADER}\n{base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()}\n"
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another process made it first; everyone reads theirs
    finally:
        draft.unlink()


@cache
def _read(path: Path, _mtime_ns: int) -> InstanceSecrets:
    if path.stat().st_mode & 0o077:
        raise ConfigError(f"instance secret {path} is readable by others: chmod 600 it")
    lines = path.read_text().split()
    if len(lines) != 2 or lines[0] != HEADER:
        raise ConfigError(f"{path} is not an ehcard instance secret (header {HEADER})")
    try:
        raw = base64.b64decode(lines[1], validate=True)
    except ValueError as exc:
        raise ConfigError(f"{path}: the secret is not valid base64") from exc
    if len(raw) != SECRET_BYTES:
        raise ConfigError(f"{path}: the secret is {SECRET_BYTES} bytes, found {len(raw)}")
    return InstanceSecrets(raw)
