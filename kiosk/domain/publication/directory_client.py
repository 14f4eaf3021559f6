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
from signing.revocation import RevocationList
from signing.revocation_cache import load_revocation_document
from signing.revocation_filter import RevocationFilter
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
    if _fetch_issuers(directory, index, folder, lists):
        # Loaded afresh from the cache, as a verifier started later will load it.
        lists.verifier = Verifier(trust, **verifier_options)
        _load_cached(folder, lists)
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
) -> bool:
    """Fetch what each issuer's cached lists lack; True if the cache folder changed.

    An issuer's files are checked together (size, SHA-256, signature, kind, counters) and
    kept only if all pass, so the cache never holds a delta that does not follow its filter.
    """
    changed = False
    revocations = lists.verifier.revocations
    for entry in lists.verifier.trust_list.entries:
        kid = entry.public_key.kid
        listed = index.issuers.get(kid.hex())
        if listed is None:
            continue
        cached = revocations.counters.get(kid)
        cached_filter = revocations.filters.get(kid)
        newest = (listed.delta or listed.filter).counter
        if (cached is not None and newest < cached) or (
            cached_filter is not None and listed.filter.counter < cached_filter.counter
        ):
            lists.refused.append(
                f"{directory}{listed.filter.path}: issuer {kid.hex()} rolled back to counter "
                f"{newest}, the cache has {cached}; keeping the cached lists"
            )
            continue
        need_filter = cached_filter is None or cached_filter.counter != listed.filter.counter
        delta = listed.delta
        if delta is not None and not need_filter and cached is not None:
            delta = delta if delta.counter > cached else None
        wanted = [item for item in (listed.filter if need_filter else None, delta) if item]
        if not wanted:
            continue
        try:
            documents = [_fetch_checked(directory, item, entry.public_key) for item in wanted]
        except (requests.RequestException, CardError) as exc:
            lists.refused.append(f"{_why(exc)}; keeping the cached lists")
            continue
        for item, document in zip(wanted, documents, strict=True):
            write_file_atomically(folder / f"{item.issuer}.{item.kind}.cbor", document)
        if need_filter and delta is None:
            (folder / f"{kid.hex()}.delta.cbor").unlink(missing_ok=True)
        changed = True
    return changed


def _fetch_checked(directory: str, item: PublishedFile, key: PublicKey) -> bytes:
    """A listed file, checked against the index and signed by `key` as the kind it is listed."""
    where = f"{directory}{item.path}"
    try:
        document = _get(directory, item.path, item.size)
    except requests.RequestException as exc:
        raise DirectoryUnavailable(f"{where}: {_why(exc)}") from exc
    item.check_document(document, where)
    try:
        loaded = load_revocation_document(document, key)
    except SignedListError as exc:
        raise SignedListError(f"{where}: {exc.message}") from exc
    since = loaded.since if isinstance(loaded, RevocationList) else 0
    kind = "filter" if isinstance(loaded, RevocationFilter) else "delta"
    listed = (item.kind, item.counter, item.since, item.issued)
    if (kind, loaded.counter, since, loaded.issued) != listed:
        raise SignedListError(
            f"{where}: a {kind} at counter {loaded.counter} (since {since}) issued "
            f"{loaded.issued}, not what the index lists"
        )
    return document


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
