"""The instance's keys and trust list, as named by the settings.

Layout of a development instance (made by `ehcard init`):

    keys/root.key            root private key (production: kept offline)
    keys/root.pub            root public key, pinned by verifiers
    keys/issuer-<kid>.key    issuer private keys, one per rotation
    keys/current_issuer      file name of the key that signs new cards
    keys/pending_issuer      a rotated key waiting for the root's signature (offline root)
    trust.cbor               root-signed trust list
    trust-pending.cbor       unsigned trust list body waiting for the root's signature
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from kiosk.config import ConfigError, Settings
from signing.keys import (
    PrivateKey,
    PublicKey,
    load_private_key,
    load_public_key,
    save_private_key,
    save_public_key,
)
from signing.trust import TrustEntry, TrustList, load_trust_list, sign_trust_list

# An issuer key verifies cards for this long after it starts signing them.
ISSUER_KEY_LIFETIME = timedelta(days=365 * 10)


@dataclass(frozen=True)
class Keyring:
    issuer_key: PrivateKey
    issuer_keys: dict[bytes, PrivateKey]
    root_public_key: PublicKey
    trust_list: TrustList
    trust_document: bytes


def paths(settings: Settings) -> dict[str, Path]:
    keys = settings.keys_dir
    return {
        "root_key": settings.root_key_file or keys / "root.key",
        "root_public": settings.root_public_key_file or keys / "root.pub",
        "current_issuer": keys / "current_issuer",
        "pending_issuer": keys / "pending_issuer",
        "trust": settings.trust_list_file or settings.instance / "trust.cbor",
        "pending_trust": settings.instance / "trust-pending.cbor",
    }


def issuer_key_folder(settings: Settings) -> Path:
    """Where issuer key files besides the keys folder are looked for."""
    if settings.issuer_key_file is not None:
        return settings.issuer_key_file.parent
    return settings.keys_dir


def issuer_key_path(settings: Settings) -> Path:
    if settings.issuer_key_file is not None:
        return settings.issuer_key_file
    pointer = paths(settings)["current_issuer"]
    if not pointer.exists():
        raise ConfigError(f"no issuer key: run `ehcard --instance {settings.instance} init`")
    return settings.keys_dir / pointer.read_text().strip()


def init_instance(settings: Settings, today: date) -> Keyring:
    """Create a root key, an issuer key and a signed trust list; refuse to overwrite."""
    where = paths(settings)
    existing = [
        p for p in (where["root_key"], where["trust"], where["current_issuer"]) if p.exists()
    ]
    if existing:
        raise ConfigError(f"instance already initialised ({existing[0]} exists); nothing changed")
    root = PrivateKey.generate()
    save_private_key(root, where["root_key"])
    save_public_key(root.public, where["root_public"])
    issuer = new_issuer_key(settings)
    entry = trust_entry(settings, issuer.public, today)
    document = sign_trust_list(TrustList(sequence=1, issued=today, entries=(entry,)), root)
    where["trust"].write_bytes(document)
    return load_keyring(settings)


def new_issuer_key(settings: Settings, *, make_current: bool = True) -> PrivateKey:
    """Generate an issuer key file; by default make it the one that signs new cards."""
    key = PrivateKey.generate()
    name = issuer_key_name(key.kid)
    save_private_key(key, settings.keys_dir / name)
    if make_current:
        paths(settings)["current_issuer"].write_text(name + "\n")
    return key


def issuer_key_name(kid: bytes) -> str:
    return f"issuer-{kid.hex()}.key"


def keyring_fingerprint(settings: Settings) -> tuple[int, ...]:
    """Changes whenever the trust list, the current issuer key or the set of issuer key files
    changes (a rotation adds one: its revocation list is served at once). Cheap: stats."""
    where = paths(settings)
    stamps: list[int] = []
    folders = sorted({settings.keys_dir, issuer_key_folder(settings)})
    for path in (where["trust"], where["current_issuer"], *folders):
        try:
            info = path.stat()
        except FileNotFoundError:
            stamps.extend((0, 0, 0))
            continue
        stamps.extend((info.st_ino, info.st_mtime_ns, info.st_size))
    return tuple(stamps)


def trust_entry(settings: Settings, public_key: PublicKey, today: date) -> TrustEntry:
    return TrustEntry(
        public_key=public_key,
        centre=settings.centre_name,
        host=settings.card_host.upper(),
        valid_from=today,
        valid_until=today + ISSUER_KEY_LIFETIME,
    )


def load_keyring(settings: Settings) -> Keyring:
    where = paths(settings)
    root_public = load_public_key(where["root_public"])
    try:
        document = where["trust"].read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the trust list {where['trust']}: {exc.strerror}") from exc
    current_path = issuer_key_path(settings)
    issuer_key = load_private_key(current_path)
    issuer_keys = {issuer_key.kid: issuer_key}
    # Retired keys still sign their cards' revocation lists: keep every one found.
    for folder in sorted({settings.keys_dir, issuer_key_folder(settings)}):
        for path in sorted(folder.glob("issuer-*.key")):
            key = load_private_key(path)
            issuer_keys.setdefault(key.kid, key)
    return Keyring(
        issuer_key=issuer_key,
        issuer_keys=issuer_keys,
        root_public_key=root_public,
        trust_list=load_trust_list(document, [root_public]),
        trust_document=document,
    )
