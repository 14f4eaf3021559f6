"""`ehcard publish --out DIR`: a centre's revocation data as static files for the directory.

Per issuer key in the installed trust list, one signed filter and at most one cumulative
delta after it (formats in manifest.py and docs/directory.md). A fresh filter is built
on a new day, when the delta would pass FULL_FILTER_AFTER entries, or when the last
filter revoked nothing (a delta after counter 0 would read as a full list); otherwise
only the delta is signed again. Files go first, under content-addressed names, and
publication.json last by rename; the previous publication's files stay, so that a
verifier or directory half-way through an update still finds what it was told.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from cards import cbor
from kiosk.config import Settings
from kiosk.db import session_scope
from kiosk.domain.clock import Clock
from kiosk.domain.keys.keyring import Keyring, load_keyring
from kiosk.domain.keys.trust_admin import pending_trust_list
from kiosk.domain.publication.counters import list_counters
from kiosk.domain.publication.filters import build_filter, cumulative_delta
from kiosk.domain.publication.manifest import (
    PUBLICATION_FILE,
    Publication,
    PublishedFile,
    PublishedIssuer,
    json_bytes,
    read_publication,
    write_file_atomically,
)
from signing.keys import PrivateKey
from signing.revocation import sign_revocation_list
from signing.revocation_filter import sign_revocation_filter
from signing.trust import TrustEntry, encode_trust_entry

# Past this many entries a cumulative delta costs more than a new filter of the day.
FULL_FILTER_AFTER = 2000
REVOCATIONS_FOLDER = "revocations"


def publish_folder(
    settings: Settings,
    sessions: sessionmaker[Session],
    clock: Clock,
    out: Path,
    *,
    full_filter_after: int = FULL_FILTER_AFTER,
) -> Publication:
    """Bring OUT up to date with the registry and the day; return what publication.json says.

    `full_filter_after`: the most entries a cumulative delta may hold before a new filter."""
    keyring = load_keyring(settings)
    out.mkdir(parents=True, exist_ok=True)
    with _exclusive(out):
        manifest = out / PUBLICATION_FILE
        previous = read_publication(manifest) if manifest.exists() else None
        now = clock.now()
        documents: dict[str, bytes] = {}
        files: list[PublishedFile] = []
        with session_scope(sessions) as session:
            counters = list_counters(session)
            for kid, key in sorted(keyring.issuer_keys.items()):
                if not any(e.public_key == key.public for e in keyring.trust_list.entries):
                    continue  # a rotated key waiting for the root: it signs no card yet
                counter = counters.get(kid, 0)
                made = _issuer_files(session, key, counter, previous, out, now, full_filter_after)
                for item, document in made:
                    files.append(item)
                    if document is not None:
                        documents[item.path] = document
        publication = Publication(
            centre=settings.centre_name,
            host=settings.card_host.upper(),
            published=now,
            issuers=_issuers(settings, keyring),
            files=tuple(files),
        )
        for path, document in documents.items():
            if not (out / path).exists():
                write_file_atomically(out / path, document)
        write_file_atomically(manifest, json_bytes(publication.to_json()))
        _prune(out, publication, previous)
    return publication


def _issuer_files(
    session: Session,
    key: PrivateKey,
    counter: int,
    previous: Publication | None,
    out: Path,
    now: datetime,
    full_filter_after: int,
) -> Iterator[tuple[PublishedFile, bytes | None]]:
    """The issuer's filter (the last one kept, or a new one) and its delta, if any."""
    day = now.date()
    kid = key.kid
    last = previous.file(kid.hex(), "filter") if previous is not None else None
    if (
        last is not None
        and last.issued == day
        and (last.counter > 0 or counter == 0)
        and last.counter <= counter
        and (out / last.path).exists()
    ):
        if counter == last.counter:
            yield last, None
            return
        delta = cumulative_delta(session, key, since=last.counter, counter=counter, today=day)
        if len(delta.entries) <= full_filter_after:
            yield last, None
            document = sign_revocation_list(delta, key)
            yield PublishedFile.of("delta", kid, counter, last.counter, day, document), document
            return
    revocations = build_filter(session, key, counter=counter, now=now)
    document = sign_revocation_filter(revocations, key)
    yield PublishedFile.of("filter", kid, counter, 0, day, document), document


def _issuers(settings: Settings, keyring: Keyring) -> tuple[PublishedIssuer, ...]:
    """Every issuer key with its trust entry (a waiting one's from the pending list)."""
    pending = pending_trust_list(settings)
    listed: list[TrustEntry] = [*(pending.entries if pending else ()), *keyring.trust_list.entries]
    issuers = []
    for kid, key in sorted(keyring.issuer_keys.items()):
        entry = next((e for e in listed if e.public_key == key.public), None)
        if entry is None:
            continue
        issuers.append(
            PublishedIssuer(
                kid=kid.hex(),
                public_key=key.public.raw.hex(),
                trust_entry=cbor.dumps(encode_trust_entry(entry)).hex(),
            )
        )
    return tuple(issuers)


def _prune(out: Path, publication: Publication, previous: Publication | None) -> None:
    """Remove the files neither this publication nor the one before names."""
    kept = {f.path for f in publication.files}
    if previous is not None:
        kept.update(f.path for f in previous.files)
    folder = out / REVOCATIONS_FOLDER
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*.cbor")):
        if path.relative_to(out).as_posix() not in kept:
            path.unlink()
    for issuer_folder in folder.iterdir():
        if issuer_folder.is_dir() and not any(issuer_folder.iterdir()):
            shutil.rmtree(issuer_folder)


@contextmanager
def _exclusive(out: Path) -> Iterator[None]:
    """One publisher at a time in OUT (a timer and an operator may overlap)."""
    with (out / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
