"""`ehcard directory build`: every centre's publication merged into one static directory.

The directory host receives each centre's publication folder (rsync) and the root-signed
trust list, and builds OUT: trust.cbor, the centres' files under their own names, and
index.json. Every file is checked before anything is written (size and SHA-256 as its
manifest lists, signature under the issuer key the trust list holds, kind, counters and
day as listed, no filter older than OUT's), so a refusal names the file and leaves OUT as
it was. Files go first, trust.cbor next, index.json last by rename; the files the
previous index names stay for verifiers half-way through an update.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from cards.errors import CardError
from kiosk.domain.publication.index import (
    DirectoryIndex,
    DirectoryIssuer,
    TrustRef,
    parse_index,
)
from kiosk.domain.publication.manifest import (
    INDEX_FILE,
    PUBLICATION_FILE,
    TRUST_FILE,
    ManifestError,
    Publication,
    PublishedFile,
    json_bytes,
    read_publication,
    write_file_atomically,
)
from signing.errors import SignedListError
from signing.keys import PublicKey
from signing.revocation import RevocationList
from signing.revocation_cache import load_revocation_document
from signing.revocation_filter import RevocationFilter
from signing.trust import TrustList, load_trust_list


class DirectoryRefused(CardError):
    """A publication or the trust list cannot go into the directory; nothing was changed."""

    code = "directory_refused"


def build_directory(
    sources: Iterable[Path],
    trust_document: bytes,
    root_key: PublicKey,
    out: Path,
    *,
    now: datetime,
) -> DirectoryIndex:
    """Check every source and write OUT; raise DirectoryRefused naming the first bad file."""
    try:
        trust = load_trust_list(trust_document, [root_key])
    except SignedListError as exc:
        raise DirectoryRefused(f"trust list refused: {exc.message}") from exc
    previous = _previous_index(out)
    if previous is not None and trust.sequence < previous.trust.sequence:
        raise DirectoryRefused(
            f"trust list {trust.sequence} is older than the directory's {previous.trust.sequence}"
        )
    # An issuer whose centre sent nothing this time keeps its files, while the list holds it.
    listed = {entry.public_key.kid.hex(): entry.centre for entry in trust.entries}
    issuers = {
        kid: issuer
        for kid, issuer in (previous.issuers.items() if previous else ())
        if kid in listed
    }
    from_source: dict[str, Path] = {}
    documents: dict[str, bytes] = {}
    for source in sources:
        try:
            publication = read_publication(source / PUBLICATION_FILE)
        except ManifestError as exc:
            raise DirectoryRefused(exc.message, code=exc.code) from exc
        for kid in sorted({f.issuer for f in publication.files}):
            if kid in from_source:
                raise DirectoryRefused(
                    f"{source / PUBLICATION_FILE}: issuer {kid} is published by "
                    f"{from_source[kid]} too"
                )
            from_source[kid] = source
            checked = _check_issuer(source, kid, publication, trust, documents)
            _refuse_roll_back(source, kid, checked, previous)
            # The centre's name as the root signed it, not as the manifest says.
            issuers[kid] = DirectoryIssuer(listed[kid], *checked)
    trust_ref = TrustRef(
        TRUST_FILE, trust.sequence, len(trust_document), hashlib.sha256(trust_document).hexdigest()
    )
    index = DirectoryIndex(built=now, trust=trust_ref, issuers=issuers)
    for path, document in documents.items():
        if not (out / path).exists():
            write_file_atomically(out / path, document)
    write_file_atomically(out / TRUST_FILE, trust_document)
    write_file_atomically(out / INDEX_FILE, json_bytes(index.to_json()))
    _prune(out, index, previous)
    return index


def _previous_index(out: Path) -> DirectoryIndex | None:
    path = out / INDEX_FILE
    if not path.exists():
        return None
    try:
        return parse_index(path.read_bytes(), str(path))
    except ManifestError as exc:
        raise DirectoryRefused(
            f"{exc.message}: move it away to build the directory afresh", code=exc.code
        ) from exc


def _check_issuer(
    source: Path,
    kid: str,
    publication: Publication,
    trust: TrustList,
    documents: dict[str, bytes],
) -> tuple[PublishedFile, PublishedFile | None]:
    """The issuer's filter and delta, each checked against the manifest and the trust list."""
    manifest = source / PUBLICATION_FILE
    entry = next((e for e in trust.entries if e.public_key.kid.hex() == kid), None)
    if entry is None:
        raise DirectoryRefused(
            f"{manifest}: issuer {kid} is not in trust list {trust.sequence}: sign and install "
            "a trust list that holds it first"
        )
    filter_file = publication.file(kid, "filter")
    delta_file = publication.file(kid, "delta")
    if filter_file is None:
        raise DirectoryRefused(f"{manifest}: issuer {kid} has a delta but no filter")
    if delta_file is not None and delta_file.since != filter_file.counter:
        raise DirectoryRefused(
            f"{source / delta_file.path}: delta after counter {delta_file.since} does not "
            f"follow the filter's counter {filter_file.counter}"
        )
    for item in (filter_file, delta_file):
        if item is not None:
            documents[item.path] = _checked_document(source, item, entry.public_key)
    return filter_file, delta_file


def _checked_document(source: Path, item: PublishedFile, key: PublicKey) -> bytes:
    where = source / item.path
    try:
        document = where.read_bytes()
    except OSError as exc:
        raise DirectoryRefused(f"{where}: cannot be read ({exc.strerror})") from exc
    try:
        item.check_document(document, str(where))
        loaded = load_revocation_document(document, key)
    except ManifestError as exc:
        raise DirectoryRefused(exc.message, code=exc.code) from exc
    except SignedListError as exc:
        raise DirectoryRefused(f"{where}: refused: {exc.message}") from exc
    kind = "filter" if isinstance(loaded, RevocationFilter) else "delta"
    since = loaded.since if isinstance(loaded, RevocationList) else 0
    if (kind, loaded.counter, since, loaded.issued) != (
        item.kind,
        item.counter,
        item.since,
        item.issued,
    ):
        raise DirectoryRefused(
            f"{where}: is a {kind} at counter {loaded.counter} (since {since}) issued "
            f"{loaded.issued}, not what the manifest lists"
        )
    return document


def _refuse_roll_back(
    source: Path,
    kid: str,
    checked: tuple[PublishedFile, PublishedFile | None],
    previous: DirectoryIndex | None,
) -> None:
    known = previous.issuers.get(kid) if previous is not None else None
    if known is None:
        return
    filter_file, delta_file = checked
    newest = (delta_file or filter_file).counter
    known_newest = (known.delta or known.filter).counter
    if filter_file.counter < known.filter.counter or newest < known_newest:
        raise DirectoryRefused(
            f"{source / filter_file.path}: issuer {kid} rolled back to counter {newest} "
            f"(filter {filter_file.counter}); the directory has {known_newest} "
            f"(filter {known.filter.counter})",
            code="rolled_back",
        )


def _prune(out: Path, index: DirectoryIndex, previous: DirectoryIndex | None) -> None:
    """Remove the files neither this index nor the one before names."""
    kept: set[str] = set()
    for known in (index, previous):
        if known is None:
            continue
        for issuer in known.issuers.values():
            kept.update(f.path for f in (issuer.filter, issuer.delta) if f is not None)
    for path in sorted((out / "revocations").rglob("*.cbor")):
        if path.relative_to(out).as_posix() not in kept:
            path.unlink()
