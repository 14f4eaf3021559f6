"""A verifier's copy of a national directory: fetched when it can be, cached when it cannot.

`sync_directory` reads index.json, then trust.cbor when its sequence is newer than the
cached one, then per issuer the filter when the cached counter is below the index's, and
the delta when it is newer still; each file's SHA-256 is checked against the index and
its signature against the trust list before it replaces anything. A refused file
(tampered, signed by another key, rolled back, not following) keeps the cached state and
is reported. The signed documents are kept in the cache folder and checked again when
they are loaded, so an unreachable directory still leaves a verifier with its last lists.

    CACHE/<sha256(url)[:16]>/state.json      {"directory", "fetched"}
    CACHE/<...>/trust.cbor                   the last accepted trust list
    CACHE/<...>/<kid>.filter.cbor, <kid>.delta.cbor
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from cards.errors import CardError
from kiosk.domain.publication.index import (
    DirectoryIndex,
    parse_index,
)
from kiosk.domain.publication.manifest import (
    INDEX_FILE,
    ManifestError,
    PublishedFile,
    json_bytes,
    utc_text,
    write_file_atomically,
)
from signing.errors import SignedListError
from signing.keys import PublicKey
from signing.trust import TrustList, check_directory_url, load_trust_list
from signing.verifier import Verifier

TIMEOUT_SECONDS = 10
# No file a directory serves is near this; a bigger answer is refused unread.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
STATE_FILE = "state.json"


class DirectoryUnavailable(CardError):
    """Neither the directory nor the cache gives a trust list to verify with."""

    code = "directory_unavailable"


@dataclass
class DirectoryLists:
    """What a sync left the verifier with, and how old and whole it is."""

    directory: str
    verifier: Verifier
    fetched: datetime | None
    reached: bool
    refused: list[str] = field(default_factory=list)

    def age(self, now: datetime) -> timedelta | None:
        return None if self.fetched is None else now - self.fetched

    def report(self, now: datetime) -> dict[str, Any]:
        """The `lists` part of `ehcard verify --json`."""
        age = self.age(now)
        return {
            "directory": self.directory,
            "fetched": utc_text(self.fetched) if self.fetched else None,
            "age_hours": None if age is None else round(age.total_seconds() / 3600, 2),
            "reached": self.reached,
            "refused": list(self.refused),
        }

    def lines(self, now: datetime) -> list[str]:
        """What `ehcard verify` prints about the lists."""
        age = self.age(now)
        lines = []
        if not self.reached:
            lines.append(f"directory {self.directory} unreachable: using the cached lists")
        if self.fetched is not None and age is not None:
            hours = int(age.total_seconds() // 3600)
            lines.append(f"lists fetched {utc_text(self.fetched)}, {hours} hours ago")
        lines.extend(f"refused: {message}" for message in self.refused)
        return lines


def cache_folder(cache: Path, directory: str) -> Path:
    return cache / hashlib.sha256(directory.encode()).hexdigest()[:16]


def sync_directory(
    directory: str,
    cache: Path,
    root_keys: list[PublicKey],
    *,
    now: datetime,
    verifier_options: dict[str, Any],
) -> DirectoryLists:
    """Bring the cache up to date from `directory` as far as it can; a verifier over it."""
    check_directory_url(directory)
    folder = cache_folder(cache, directory)
    folder.mkdir(parents=True, exist_ok=True)
    state = _read_state(folder)
    refused: list[str] = []
    trust_document = _read(folder / "trust.cbor")
    trust = _cached_trust(trust_document, root_keys, refused)
    try:
        index = parse_index(_get(directory, INDEX_FILE, None), f"{directory}{INDEX_FILE}")
    except (requests.RequestException, ManifestError) as exc:
        # Unreachable, or an index refused: the cache answers, as old as it is.
        reached = isinstance(exc, ManifestError)
        if reached:
            refused.append(f"{_why(exc)}; keeping the cached lists")
        if trust is None:
            raise DirectoryUnavailable(
                f"directory {directory} gives no usable index and nothing is cached: {_why(exc)}"
            ) from exc
        lists = DirectoryLists(directory, Verifier(trust, **verifier_options), state, reached)
        lists.refused.extend(refused)
        _load_cached(folder, lists)
        return lists
    if trust is None or index.trust.sequence > trust.sequence:
        trust = _fetch_trust(directory, index, root_keys, trust, folder, refused)
    if trust is None:
        raise DirectoryUnavailable(f"no trust list to verify with: {'; '.join(refused)}")
    lists = DirectoryLists(directory, Verifier(trust, **verifier_options), now, True)
    lists.refused.extend(refused)
    _load_cached(folder, lists)
    _fetch_issuers(directory, index, folder, lists)
    write_file_atomically(
        folder / STATE_FILE, json_bytes({"directory": directory, "fetched": utc_text(now)})
    )
    return lists


def _cached_trust(
    document: bytes | None, root_keys: list[PublicKey], refused: list[str]
) -> TrustList | None:
    if document is None:
        return None
    try:
        return load_trust_list(document, root_keys)
    except SignedListError as exc:
        refused.append(f"cached trust list: {exc.message}")
        return None


def _fetch_trust(
    directory: str,
    index: DirectoryIndex,
    root_keys: list[PublicKey],
    cached: TrustList | None,
    folder: Path,
    refused: list[str],
) -> TrustList | None:
    where = f"{directory}{index.trust.path}"
    try:
        document = _get(directory, index.trust.path, index.trust.size)
        if len(document) != index.trust.size:
            raise ManifestError(f"{len(document)} bytes where the index lists {index.trust.size}")
        if hashlib.sha256(document).hexdigest() != index.trust.sha256:
            raise ManifestError("SHA-256 differs from the index's (tampered or damaged)")
        trust = load_trust_list(document, root_keys)
        if trust.sequence != index.trust.sequence:
            raise ManifestError(f"sequence {trust.sequence}, the index says {index.trust.sequence}")
        if cached is not None and trust.sequence < cached.sequence:
            raise ManifestError(f"sequence {trust.sequence} is older than the cached one")
    except (requests.RequestException, CardError) as exc:
        refused.append(f"{where}: {_why(exc)}")
        return cached
    write_file_atomically(folder / "trust.cbor", document)
    return trust


def _load_cached(folder: Path, lists: DirectoryLists) -> None:
    """The cached filters and deltas, their signatures checked again."""
    for entry in lists.verifier.trust_list.entries:
        kid = entry.public_key.kid.hex()
        for kind in ("filter", "delta"):
            path = folder / f"{kid}.{kind}.cbor"
            document = _read(path)
            if document is None:
                continue
            try:
                lists.verifier.add_revocation_list(document)
            except SignedListError as exc:
                lists.refused.append(f"cached {path.name}: {exc.message}")
                path.unlink()


def _fetch_issuers(
    directory: str, index: DirectoryIndex, folder: Path, lists: DirectoryLists
) -> None:
    revocations = lists.verifier.revocations
    for entry in lists.verifier.trust_list.entries:
        kid = entry.public_key.kid
        listed = index.issuers.get(kid.hex())
        if listed is None:
            continue
        cached = revocations.counters.get(kid)
        newest = (listed.delta or listed.filter).counter
        if cached is not None and newest < cached:
            lists.refused.append(
                f"{directory}{listed.filter.path}: issuer {kid.hex()} rolled back to counter "
                f"{newest}, the cache has {cached}; keeping the cached lists"
            )
            continue
        if cached is None or cached < listed.filter.counter:
            if not _fetch_one(directory, listed.filter, folder, lists):
                continue
            (folder / f"{kid.hex()}.delta.cbor").unlink(missing_ok=True)
        cached = revocations.counters.get(kid)
        if listed.delta is not None and (cached is None or listed.delta.counter > cached):
            _fetch_one(directory, listed.delta, folder, lists)


def _fetch_one(directory: str, item: PublishedFile, folder: Path, lists: DirectoryLists) -> bool:
    where = f"{directory}{item.path}"
    try:
        document = _get(directory, item.path, item.size)
        item.check_document(document, where)
        lists.verifier.add_revocation_list(document)
    except ManifestError as exc:
        lists.refused.append(f"{exc.message}; keeping the cached lists")
        return False
    except (requests.RequestException, CardError) as exc:
        lists.refused.append(f"{where}: {_why(exc)}; keeping the cached lists")
        return False
    write_file_atomically(folder / f"{item.issuer}.{item.kind}.cbor", document)
    return True


def _get(directory: str, path: str, size: int | None) -> bytes:
    limit = MAX_DOCUMENT_BYTES if size is None else min(size + 1, MAX_DOCUMENT_BYTES)
    with requests.get(f"{directory}{path}", timeout=TIMEOUT_SECONDS, stream=True) as response:
        response.raise_for_status()
        content = response.raw.read(limit, decode_content=True)
    return bytes(content)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _read_state(folder: Path) -> datetime | None:
    content = _read(folder / STATE_FILE)
    if content is None:
        return None
    try:
        return datetime.fromisoformat(json.loads(content)["fetched"])
    except (ValueError, KeyError, TypeError):
        return None


def _why(exc: Exception) -> str:
    return exc.message if isinstance(exc, CardError) else f"{type(exc).__name__}: {exc}"
