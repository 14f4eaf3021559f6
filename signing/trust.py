"""The root-signed trust list: which issuer keys verifiers accept, and when.

A key signs cards issued from `valid_from`; no card of it counts after
`valid_until`. A retired key signs no new card after `status_since` but its
cards keep verifying; a compromised key's cards verify as unknown issuer.

The kid a card carries is the one the list files its key under: normally the
key's own id (SHA-256 of the key, see `signing.keys.key_id`), but the root may
list a key under another kid, so two keys can share one. Kids are look-up
hints, never identities: a verifier tries every key listed under a kid.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from cards import cbor
from cards.errors import Malformed
from cards.packing import day_number, from_day_number
from signing.errors import SignedListError
from signing.keys import KID_BYTES, PrivateKey, PublicKey
from signing.signed import decode_body, seal_encoded, unseal

DOMAIN = b"ehcard/trust/v1"
# Hosts a directory may be served from over plain HTTP (a test or a machine's own server).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


class KeyStatus(Enum):
    ACTIVE = 0
    RETIRED = 1
    COMPROMISED = 2


@dataclass(frozen=True)
class TrustEntry:
    public_key: PublicKey
    centre: str
    host: str
    valid_from: date
    valid_until: date
    status: KeyStatus = KeyStatus.ACTIVE
    status_since: date | None = None
    # Only when the list files the key under a kid other than its own id.
    listed_kid: bytes | None = None

    def __post_init__(self) -> None:
        if self.listed_kid is not None and len(self.listed_kid) != KID_BYTES:
            raise SignedListError(f"a key id is {KID_BYTES} bytes, not {len(self.listed_kid)}")

    @property
    def kid(self) -> bytes:
        """The kid cards of this key carry."""
        return self.listed_kid or self.public_key.kid


@dataclass(frozen=True)
class TrustList:
    sequence: int
    issued: date
    entries: tuple[TrustEntry, ...]
    # Where verifiers fetch every issuer's revocation data (docs/directory.md).
    directory: str | None = None

    _by_kid: dict[bytes, list[TrustEntry]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        if self.directory is not None:
            check_directory_url(self.directory)
        for entry in self.entries:
            self._by_kid.setdefault(entry.kid, []).append(entry)

    def keys_for(self, kid: bytes) -> list[TrustEntry]:
        """Every entry with this key id (two keys may share one)."""
        return self._by_kid.get(kid, [])

    def with_entry(self, entry: TrustEntry, *, issued: date) -> TrustList:
        return replace(
            self, sequence=self.sequence + 1, issued=issued, entries=(*self.entries, entry)
        )

    def with_status(self, kid: bytes, status: KeyStatus, *, since: date) -> TrustList:
        if not self.keys_for(kid):
            raise SignedListError(f"no key {kid.hex()} in the trust list")
        entries = tuple(
            replace(e, status=status, status_since=since) if e.kid == kid else e
            for e in self.entries
        )
        return replace(self, sequence=self.sequence + 1, issued=since, entries=entries)


def check_directory_url(url: str) -> str:
    """A directory URL: absolute, ending in "/", https (http only on the loopback host)."""
    parts = urlsplit(url)
    loopback_http = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    if not (parts.scheme == "https" or loopback_http) or not parts.hostname:
        raise SignedListError(
            f"directory URL {url!r} is not an https:// URL (http:// only for 127.0.0.1 or "
            "localhost)"
        )
    if not url.endswith("/") or parts.query or parts.fragment:
        raise SignedListError(f"directory URL {url!r} must end with '/' (no query, no fragment)")
    return url


def sign_trust_list(trust_list: TrustList, root_key: PrivateKey) -> bytes:
    return seal_encoded(encode_trust_body(trust_list), root_key, DOMAIN)


def encode_trust_body(trust_list: TrustList) -> bytes:
    """The deterministic CBOR body the root key signs; exported for an offline root."""
    entries = [encode_trust_entry(entry) for entry in trust_list.entries]
    body: dict[int, Any] = {
        1: 1,
        2: trust_list.sequence,
        3: day_number(trust_list.issued),
        4: entries,
    }
    if trust_list.directory is not None:
        body[5] = trust_list.directory
    return cbor.dumps(body)


def encode_trust_entry(entry: TrustEntry) -> dict[int, Any]:
    """One entry as the trust list body holds it."""
    item: dict[int, Any] = {
        1: entry.kid,
        2: entry.public_key.raw,
        3: entry.centre,
        4: entry.host,
        5: day_number(entry.valid_from),
        6: day_number(entry.valid_until),
        7: entry.status.value,
    }
    if entry.status_since is not None:
        item[8] = day_number(entry.status_since)
    return item


def decode_trust_entry(item: Any) -> TrustEntry:
    """An entry as `encode_trust_entry` writes it, checked."""
    try:
        return _parse_entry(item)
    except (KeyError, TypeError, ValueError, Malformed) as exc:
        raise SignedListError(f"trust list entry is malformed: {exc!r}") from exc


def decode_trust_body(encoded: bytes) -> TrustList:
    """An unsigned trust list body, checked as strictly as a signed one."""
    return _parse(decode_body(encoded, "unsigned trust list"))


def sign_trust_body(encoded: bytes, root_key: PrivateKey) -> bytes:
    """Sign an exported body after checking that it is a trust list."""
    decode_trust_body(encoded)
    return seal_encoded(encoded, root_key, DOMAIN)


def load_trust_list(document: bytes, root_keys: Iterable[PublicKey]) -> TrustList:
    """Parse a trust list signed by one of the pinned root keys."""
    errors = []
    for root in root_keys:
        try:
            body = unseal(document, root, DOMAIN, "trust list")
        except SignedListError as exc:
            errors.append(exc.message)
            continue
        return _parse(body)
    raise SignedListError("; ".join(errors) or "no pinned root key")


def _parse(body: dict[int, Any]) -> TrustList:
    try:
        if body[1] != 1:
            raise SignedListError(f"unknown trust list version {body[1]}")
        entries = tuple(_parse_entry(item) for item in body[4])
        directory = body.get(5)
        if directory is not None and not isinstance(directory, str):
            raise SignedListError("the trust list's directory URL is not text")
        return TrustList(
            sequence=body[2],
            issued=from_day_number(body[3]),
            entries=entries,
            directory=directory,
        )
    except (KeyError, TypeError, ValueError, Malformed) as exc:
        raise SignedListError(f"trust list body is malformed: {exc!r}") from exc


def _parse_entry(item: dict[int, Any]) -> TrustEntry:
    public_key = PublicKey(item[2])
    kid = bytes(item[1])
    return TrustEntry(
        public_key=public_key,
        centre=str(item[3]),
        host=str(item[4]),
        valid_from=from_day_number(item[5]),
        valid_until=from_day_number(item[6]),
        status=KeyStatus(item[7]),
        status_since=from_day_number(item[8]) if 8 in item else None,
        listed_kid=None if kid == public_key.kid else kid,
    )
