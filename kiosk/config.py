"""The one place that reads configuration: environment, instance folder, overrides.

Every setting has an `EHCARD_<NAME>` environment variable. Development mode
(the default) runs on embedded defaults and generates what it lacks under the
instance folder; production mode refuses to start without its key files and
secret key.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from signing.errors import SignedListError
from signing.trust import check_directory_url


class ConfigError(Exception):
    """A setting is missing or invalid; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    instance: Path
    mode: str = "development"
    database_url: str = ""
    secret_key_file: Path | None = None
    issuer_key_file: Path | None = None
    root_key_file: Path | None = None
    root_public_key_file: Path | None = None
    trust_list_file: Path | None = None
    # Derives the registry look-up and name keys and the audit head key.
    instance_key_file: Path | None = None
    card_host: str = "EHC.EXAMPLE.ORG"
    centre_name: str = "Development reception centre"
    card_language: str = "fr"
    card_validity_days: int = 730
    clock_skew_hours: int = 24
    # The verifier page warns (and still verifies) once its cached lists are older than this.
    list_max_age_hours: int = 72
    # An open verifier page fetches newer lists this often (and when it comes back online
    # or into view), and checks the card it shows again.
    list_refresh_seconds: int = 300
    # The national directory the verifier page fetches lists from when the trust list names
    # none (an absolute https URL ending in "/"); empty: this server's own /V/lists/.
    directory_url: str = ""
    # tcp:HOST:PORT, usb:VID:PID, file:/dev/DEVICE; the file printer (a spool folder, unsafe in
    # production): file:FOLDER, or empty for the instance's spool/ folder.
    printer: str = ""
    # 1: production may use the file printer anyway, to try a server without a printer.
    printer_file_unsafe: int = 0
    printer_profile: str = "58mm"
    printer_timeout_seconds: int = 10
    # "thread": the app runs the print worker; "external": `ehcard print-worker` does
    # (one process must own the printer). Empty: external in production, where the web
    # processes fork and a thread in the master would share its connections with every
    # worker; in development a thread unless testing.
    print_worker: str = ""
    idle_timeout_seconds: int = 120
    print_job_grace_minutes: int = 15
    print_job_unprinted_hours: int = 24
    print_job_key_file: Path | None = None
    font_dir: Path | None = None
    # Full records (kiosk/web/records): PIN (SHL passcode) and recovery-code limits.
    record_pin_attempts: int = 10
    record_pin_delay_seconds: int = 2
    recovery_attempts: int = 5
    recovery_lock_minutes: int = 15
    shl_location_seconds: int = 300
    shl_embed_max_chars: int = 16384
    record_upload_max_bytes: int = 8 * 1024 * 1024
    record_image_max_pixels: int = 40_000_000
    clinician_session_seconds: int = 8 * 3600
    holder_session_seconds: int = 15 * 60
    staff_idle_minutes: int = 15
    staff_session_hours: int = 10
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    login_address_max_failures: int = 30
    # Reverse proxies in front of the app whose X-Forwarded-* headers are believed.
    proxy_hops: int = 0
    list_max_age_seconds: int = 300

    @property
    def is_development(self) -> bool:
        return self.mode == "development"

    @property
    def card_validity(self) -> timedelta:
        return timedelta(days=self.card_validity_days)

    @property
    def holder_address(self) -> str:
        """The holder pages on the centre's public host, printed on the recovery slip."""
        return f"https://{self.card_host.lower()}/holder"

    @property
    def clock_skew(self) -> timedelta:
        return timedelta(hours=self.clock_skew_hours)

    @property
    def keys_dir(self) -> Path:
        return self.instance / "keys"

    @property
    def voice_folder(self) -> Path:
        """Recorded messages a centre drops in: <language>/<message id>.<extension>."""
        return self.instance / "voice"

    @property
    def voice_cache(self) -> Path:
        """The kiosk's audio files and their index, made by `ehcard voice build`."""
        return self.instance / "voice-cache"

    @property
    def instance_key_path(self) -> Path:
        return self.instance_key_file or self.keys_dir / "instance.key"

    def secret_key(self) -> str:
        """The Flask secret key; generated once in development mode."""
        path = self.secret_key_file or self.keys_dir / "secret_key"
        if not path.exists():
            if not self.is_development:
                raise ConfigError(f"production mode needs a secret key file: {path} is missing")
            write_secret_key(path)
        return path.read_text().strip()


def write_secret_key(path: Path) -> None:
    """A new random Flask secret key at `path` (0600); never overwrites one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))


DEVICE_FOLDER = Path("/dev")
SPOOL_FOLDER = "spool"


def file_printer_folder(setting: str, instance: Path) -> Path | None:
    """The spool folder of the file printer EHCARD_PRINTER names; None for any other printer.

    Empty: the instance's spool/ folder; file:FOLDER (anything outside /dev, which holds
    the device nodes of real printers).
    """
    if not setting:
        return instance / SPOOL_FOLDER
    if setting.startswith("file:") and len(setting) > len("file:"):
        path = Path(os.path.normpath(setting[len("file:") :]))
        if not path.is_relative_to(DEVICE_FOLDER):
            return path
    return None


_INT_FIELDS = {f.name for f in fields(Settings) if f.type == "int"}
_PATH_FIELDS = {f.name for f in fields(Settings) if "Path" in str(f.type)}


def load_settings(
    instance: Path | str | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from `overrides`, then `EHCARD_*` variables, then defaults."""
    environ = os.environ if environ is None else environ
    instance_path = Path(instance or environ.get("EHCARD_INSTANCE") or "instance").resolve()
    values: dict[str, Any] = {}
    for item in fields(Settings):
        if item.name == "instance":
            continue
        raw = environ.get(f"EHCARD_{item.name.upper()}")
        if raw is not None:
            values[item.name] = _convert(item.name, raw)
    for name, value in (overrides or {}).items():
        if name not in {f.name for f in fields(Settings)}:
            raise ConfigError(f"unknown setting {name!r}")
        values[name] = _convert(name, value) if isinstance(value, str) else value
    settings = replace(Settings(instance=instance_path), **values)
    if settings.mode not in ("development", "production"):
        raise ConfigError("EHCARD_MODE must be 'development' or 'production'")
    if settings.print_worker not in ("", "thread", "external"):
        raise ConfigError("EHCARD_PRINT_WORKER must be 'thread' or 'external'")
    if not 1 <= settings.shl_location_seconds <= 3600:
        # The SMART Health Links specification caps `.files.location` lifetime at one hour.
        raise ConfigError("EHCARD_SHL_LOCATION_SECONDS must be between 1 and 3600")
    if not 5 <= settings.list_refresh_seconds <= 86400:
        raise ConfigError("EHCARD_LIST_REFRESH_SECONDS must be between 5 and 86400")
    if settings.directory_url:
        try:
            check_directory_url(settings.directory_url)
        except SignedListError as exc:
            raise ConfigError(f"EHCARD_DIRECTORY_URL: {exc.message}") from exc
    if not settings.database_url:
        settings = replace(settings, database_url=f"sqlite:///{instance_path / 'ehcard.sqlite'}")
    if settings.printer_file_unsafe not in (0, 1):
        raise ConfigError("EHCARD_PRINTER_FILE_UNSAFE must be 0 or 1")
    if not settings.is_development:
        _check_production(settings)
    return settings


# What production cannot run without, and what `ehcard init-production` writes for each.
PRODUCTION_FILES = {  # nosec B105: descriptions of files, not secrets
    "secret_key_file": "the Flask secret key file",
    "issuer_key_file": "the issuer private key file that signs cards",
    "root_public_key_file": "the root public key file that verifies the trust list",
    "trust_list_file": "the root-signed trust list file",
    "instance_key_file": "the instance secret file (registry look-up, audit head, throttles)",
    "print_job_key_file": "the key file that encrypts print jobs at rest",
}


def _check_production(settings: Settings) -> None:
    missing = [
        f"production mode needs EHCARD_{name.upper()}: {what}"
        for name, what in PRODUCTION_FILES.items()
        if getattr(settings, name) is None
    ]
    if not settings.printer_file_unsafe and file_printer_folder(
        settings.printer, settings.instance
    ):
        missing.append(
            f"production mode refuses the file printer (EHCARD_PRINTER={settings.printer!r}): "
            "its spool holds every card's QR code and recovery slip until they are erased. Set "
            "EHCARD_PRINTER (init-production --printer) to tcp:HOST[:PORT], usb:VID:PID or "
            "file:/dev/DEVICE, or "
            "EHCARD_PRINTER_FILE_UNSAFE=1 only to try a server that has no printer"
        )
    if settings.print_worker == "thread":
        missing.append(
            "production mode runs the print worker as its own process (`ehcard print-worker`): "
            "EHCARD_PRINT_WORKER=thread would start it in the web master before gunicorn forks"
        )
    if missing:
        missing.append("`ehcard init-production` writes every one of them")
        raise ConfigError("\n".join(missing))


def _convert(name: str, raw: str) -> Any:
    if name in _INT_FIELDS:
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"EHCARD_{name.upper()} must be a whole number, not {raw!r}") from exc
    if name in _PATH_FIELDS:
        return Path(raw)
    return raw
