"""Issuer key rotation, compromised keys, and trust lists signed by an offline root.

Every change builds the next trust list from the installed one (or from the
change already waiting for a signature, so changes add up). Where the root
key is on this machine the list is signed and installed at once; otherwise
its body waits in trust-pending.cbor for `ehcard trust export-unsigned`,
`ehcard trust sign` on the root's machine, and `ehcard trust import` here.
A rotated key signs new cards only once a trust list that lists it is
installed, so no verifier ever sees a card from a key it does not know.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from cards.errors import CardError
from kiosk.config import Settings
from kiosk.domain import audit
from kiosk.domain.audit import record_event
from kiosk.domain.keys.keyring import (
    issuer_key_name,
    load_keyring,
    new_issuer_key,
    paths,
    trust_entry,
)
from kiosk.domain.publication.counters import mark_changed
from signing.keys import PublicKey, load_private_key, save_public_key
from signing.trust import (
    KeyStatus,
    TrustEntry,
    TrustList,
    decode_trust_body,
    encode_trust_body,
    load_trust_list,
    sign_trust_list,
)


class TrustAdminError(CardError):
    """A key or trust list change cannot be made as asked."""

    code = "trust_admin"


@dataclass(frozen=True)
class KeyChange:
    """What a change did: `installed` now, or waiting for the offline root's signature."""

    kid: bytes
    installed: bool
    sequence: int


@dataclass(frozen=True)
class ImportResult:
    """The installed list's sequence, and the issuer key that now signs new cards if it changed."""

    sequence: int
    new_issuer: bytes | None


def root_key_here(settings: Settings) -> bool:
    return paths(settings)["root_key"].exists()


def pending_trust_list(settings: Settings) -> TrustList | None:
    pending = paths(settings)["pending_trust"]
    return decode_trust_body(pending.read_bytes()) if pending.exists() else None


def rotate(session: Session, settings: Settings, *, actor: str, today: date) -> KeyChange:
    """A new issuer key joins the trust list; the current one is retired from today."""
    keyring = load_keyring(settings)
    base = pending_trust_list(settings) or keyring.trust_list
    old_kid = keyring.issuer_key.kid
    new_key = new_issuer_key(settings, make_current=False)
    entries = tuple(
        _with_status(e, KeyStatus.RETIRED, today)
        if e.kid == old_kid and e.status is KeyStatus.ACTIVE
        else e
        for e in base.entries
    )
    trust = TrustList(
        sequence=base.sequence + 1,
        issued=today,
        entries=(*entries, trust_entry(settings, new_key.public, today)),
        directory=base.directory,
    )
    record_event(
        session, "key.rotate", actor=actor, subject=audit.key(new_key.kid.hex()),
        details={"retired": old_kid.hex(), "sequence": trust.sequence},
    )  # fmt: skip
    installed = _publish(session, settings, trust, actor=actor, next_issuer=new_key.kid)
    return KeyChange(new_key.kid, installed, trust.sequence)


def mark_compromised(
    session: Session, settings: Settings, kid: bytes, *, actor: str, today: date
) -> KeyChange:
    """Mark a key compromised (its cards stop verifying); if it signs new cards, rotate too."""
    keyring = load_keyring(settings)
    base = pending_trust_list(settings) or keyring.trust_list
    if not base.keys_for(kid):
        raise TrustAdminError(f"no key {kid.hex()} in the trust list", code="unknown_key")
    entries = tuple(
        _with_status(e, KeyStatus.COMPROMISED, today) if e.kid == kid else e for e in base.entries
    )
    next_issuer: bytes | None = None
    if kid == keyring.issuer_key.kid:
        replacement = new_issuer_key(settings, make_current=False)
        entries = (*entries, trust_entry(settings, replacement.public, today))
        next_issuer = replacement.kid
    trust = TrustList(
        sequence=base.sequence + 1, issued=today, entries=entries, directory=base.directory
    )
    record_event(
        session, "key.compromised", actor=actor, subject=audit.key(kid.hex()),
        details={"replacement": next_issuer.hex() if next_issuer else None,
                 "sequence": trust.sequence},
    )  # fmt: skip
    installed = _publish(session, settings, trust, actor=actor, next_issuer=next_issuer)
    return KeyChange(kid, installed, trust.sequence)


def export_unsigned(session: Session, settings: Settings, *, actor: str) -> bytes:
    """The body waiting for the root's signature."""
    pending = pending_trust_list(settings)
    if pending is None:
        raise TrustAdminError(
            "no trust list change waits for a signature: rotate or mark a key first",
            code="nothing_pending",
        )
    record_event(session, "trust.export", actor=actor, details={"sequence": pending.sequence})
    return paths(settings)["pending_trust"].read_bytes()


def import_signed(
    session: Session,
    settings: Settings,
    document: bytes,
    *,
    actor: str,
    new_root: PublicKey | None = None,
) -> ImportResult:
    """Check a signed trust list against the pinned root, install it, switch issuer keys.

    With `new_root` the centre joins a list signed by another root (a national one): the
    list must hold the centre's current issuer key as active, so that no card it signed
    stops verifying, and the new root is pinned with it. Sequences count per root, so the
    installed list's does not bind the first list of the new one."""
    keyring = load_keyring(settings)
    if new_root is None or new_root == keyring.root_public_key:
        trust = load_trust_list(document, [keyring.root_public_key])
        if trust.sequence <= keyring.trust_list.sequence:
            raise TrustAdminError(
                f"trust list {trust.sequence} is not newer than the installed "
                f"{keyring.trust_list.sequence}",
                code="stale_trust_list",
            )
    else:
        trust = _joined_list(settings, keyring.issuer_key.public, document, new_root)
    joined = new_root is not None and new_root != keyring.root_public_key
    details: dict[str, int | str] = {"sequence": trust.sequence}
    if new_root is not None and joined:
        details["root"] = new_root.kid.hex()
    record_event(session, "trust.import", actor=actor, details=dict(details))
    if new_root is not None and joined:
        # The list first, then the pin: a worker reloading in between fails that one
        # request and reloads again on the next.
        draft = paths(settings)["root_public"].with_name(f".root.pub.{secrets.token_hex(4)}")
        save_public_key(new_root, draft)
        switched = _install(settings, trust, document)
        os.replace(draft, paths(settings)["root_public"])
    else:
        switched = _install(settings, trust, document)
    mark_changed(session)
    return ImportResult(trust.sequence, switched)


def _joined_list(
    settings: Settings, issuer: PublicKey, document: bytes, new_root: PublicKey
) -> TrustList:
    where = paths(settings)
    if root_key_here(settings) and load_private_key(where["root_key"]).public != new_root:
        raise TrustAdminError(
            f"{where['root_key']} is a root key other than the one to pin: move it off this "
            "server first (the national root signs this centre's lists from now on)",
            code="other_root_here",
        )
    trust = load_trust_list(document, [new_root])
    if not any(e.public_key == issuer and e.status is KeyStatus.ACTIVE for e in trust.entries):
        raise TrustAdminError(
            f"trust list {trust.sequence} does not hold this centre's issuer key "
            f"{issuer.kid.hex()} as active: its cards would stop verifying; nothing changed",
            code="issuer_not_listed",
        )
    return trust


def _with_status(entry: TrustEntry, status: KeyStatus, since: date) -> TrustEntry:
    return TrustEntry(
        public_key=entry.public_key, centre=entry.centre, host=entry.host,
        valid_from=entry.valid_from, valid_until=entry.valid_until,
        status=status, status_since=since,
    )  # fmt: skip


def _publish(
    session: Session, settings: Settings, trust: TrustList, *, actor: str, next_issuer: bytes | None
) -> bool:
    where = paths(settings)
    # A new issuer key gets its (empty) revocation list published beside the others.
    mark_changed(session)
    if next_issuer is not None:
        _write_atomically(where["pending_issuer"], (issuer_key_name(next_issuer) + "\n").encode())
    if not root_key_here(settings):
        _write_atomically(where["pending_trust"], encode_trust_body(trust))
        return False
    document = sign_trust_list(trust, load_private_key(where["root_key"]))
    record_event(session, "trust.sign", actor=actor, details={"sequence": trust.sequence})
    _install(settings, trust, document)
    return True


def _install(settings: Settings, trust: TrustList, document: bytes) -> bytes | None:
    """Install a signed list; switch to a waiting issuer key it lists as active."""
    where = paths(settings)
    # The list goes first: until the pointer moves, workers sign with the old key,
    # which a key retired today still may; the other order would sign with a key
    # that verifiers could not yet know.
    _write_atomically(where["trust"], document)
    pending = where["pending_trust"]
    if pending.exists() and decode_trust_body(pending.read_bytes()) == trust:
        pending.unlink()
    waiting = where["pending_issuer"]
    if not waiting.exists():
        return None
    name = waiting.read_text().strip()
    active = [e.kid for e in trust.entries if e.status is KeyStatus.ACTIVE]
    switched = next((kid for kid in active if issuer_key_name(kid) == name), None)
    if switched is not None:
        _write_atomically(where["current_issuer"], (name + "\n").encode())
        waiting.unlink()
    return switched


def _write_atomically(path: Path, content: bytes) -> None:
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    draft.write_bytes(content)
    os.replace(draft, path)
