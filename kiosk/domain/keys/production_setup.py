"""`ehcard init-production`: every key, secret and setting a production server needs.

Layout it makes (the instance folder and its keys folder 0700, every key file 0600):

    DIR/keys/secret_key            Flask secret key (signs session cookies)
    DIR/keys/instance.key          instance secret (registry look-up, audit head, throttles)
    DIR/keys/print_job.key         encrypts print jobs at rest
    DIR/keys/issuer-<kid>.key      the issuer key that signs cards, and current_issuer
    DIR/keys/root.pub              the root public key the trust list is checked against
    DIR/trust.cbor                 the trust list, signed by the root key

The root private key is written only to the file the operator names, to be
moved offline: the server never needs it (key rotations wait for its
signature, see `ehcard trust`). The env file names every file above with
every other setting production needs, quoted so that both systemd's
EnvironmentFile= and a POSIX shell read the same values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kiosk.config import (
    ConfigError,
    Settings,
    file_printer_folder,
    load_settings,
    write_secret_key,
)
from kiosk.domain.keys import keyring as keyring_service
from kiosk.domain.keys.instance_secrets import write_instance_secret
from kiosk.domain.printing.queue import write_job_key
from signing.keys import PrivateKey, save_private_key, save_public_key
from signing.trust import TrustList, sign_trust_list

# Characters a double-quoted value escapes with a backslash, for sh and systemd alike.
_ESCAPED = '\\"$`'


@dataclass(frozen=True)
class ProductionSetup:
    """What `init_production` made: the issuer key id and the files an operator handles."""

    issuer_kid: bytes
    env_file: Path
    root_key_file: Path
    settings: dict[str, str]


def quote_env_value(value: str) -> str:
    """`value` in double quotes, read the same by systemd's EnvironmentFile= and by sh."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ConfigError(f"a setting cannot hold a control character or a new line: {value!r}")
    escaped = "".join("\\" + c if c in _ESCAPED else c for c in value)
    return f'"{escaped}"'


def init_production(
    instance: Path,
    *,
    root_key_out: Path,
    env_out: Path,
    today: date,
    centre_name: str | None = None,
    card_host: str | None = None,
    database_url: str | None = None,
    printer: str,
) -> ProductionSetup:
    """Create the keys, the signed trust list and the env file; refuse to overwrite anything."""
    instance = instance.resolve()
    overrides = {
        name: value
        for name, value in (("centre_name", centre_name), ("card_host", card_host))
        if value is not None
    }
    settings = load_settings(instance, overrides, environ={})
    for value in (*overrides.values(), database_url or "", printer):
        quote_env_value(value)  # a value the env file cannot hold stops us before any key
    if file_printer_folder(printer, instance) is not None:
        raise ConfigError(
            f"--printer {printer!r} is the file printer, which production refuses: give the "
            "printer's address, tcp:HOST[:PORT], usb:VENDOR:PRODUCT or file:/dev/DEVICE"
        )
    keys = settings.keys_dir
    trust = keyring_service.paths(settings)["trust"]
    _refuse_existing([root_key_out, env_out, trust, *_files_in(keys)])
    for folder in (instance, keys):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
    write_secret_key(keys / "secret_key")
    write_instance_secret(keys / "instance.key")
    write_job_key(keys / "print_job.key")
    root = PrivateKey.generate()
    save_private_key(root, root_key_out)
    save_public_key(root.public, keys / "root.pub")
    (keys / "root.pub").chmod(0o600)
    issuer = keyring_service.new_issuer_key(settings)
    (keys / "current_issuer").chmod(0o600)
    entry = keyring_service.trust_entry(settings, issuer.public, today)
    trust.write_bytes(sign_trust_list(TrustList(sequence=1, issued=today, entries=(entry,)), root))
    env = production_environment(
        settings, keys / keyring_service.issuer_key_name(issuer.kid), trust,
        database_url=database_url, printer=printer,
    )  # fmt: skip
    _write_env_file(env_out, env, today)
    return ProductionSetup(issuer.kid, env_out, root_key_out, env)


def production_environment(
    settings: Settings,
    issuer_key: Path,
    trust: Path,
    *,
    database_url: str | None,
    printer: str,
) -> dict[str, str]:
    """Every EHCARD_* variable a production server reads, by name."""
    keys = settings.keys_dir
    files = {
        "secret_key_file": keys / "secret_key",
        "issuer_key_file": issuer_key,
        "root_public_key_file": keys / "root.pub",
        "trust_list_file": trust,
        "instance_key_file": keys / "instance.key",
        "print_job_key_file": keys / "print_job.key",
    }
    values: dict[str, str] = {
        "mode": "production",
        "instance": str(settings.instance),
        **{name: str(path) for name, path in files.items()},
        "proxy_hops": "1",
        "card_host": settings.card_host.upper(),
        "centre_name": settings.centre_name,
        "card_language": settings.card_language,
        "printer": printer,
        "printer_profile": settings.printer_profile,
    }
    if database_url:
        values["database_url"] = database_url
    return {f"EHCARD_{name.upper()}": value for name, value in values.items()}


def _write_env_file(path: Path, env: dict[str, str], today: date) -> None:
    lines = [
        f"# ehcard production settings, written by `ehcard init-production` on {today}.",
        "# Read by systemd (EnvironmentFile=) and by sh (set -a; . FILE): keep the quotes.",
        "# Every setting is described in docs/deployment.md (Settings). EHCARD_PRINTER is",
        "# tcp:HOST:PORT or usb:VENDOR:PRODUCT for the print worker (ehcard-print.service).",
    ]
    if "EHCARD_DATABASE_URL" not in env:
        lines.append("# No EHCARD_DATABASE_URL: a SQLite file in the instance folder.")
    lines += [f"{name}={quote_env_value(value)}" for name, value in env.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def _files_in(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _refuse_existing(paths: list[Path]) -> None:
    existing = [path for path in paths if path.exists()]
    if existing:
        raise ConfigError(
            f"{existing[0]} already exists: init-production never overwrites a key, a trust "
            "list or a settings file; nothing was changed"
        )
