"""Publishing the revocation lists into the instance folder, and reading them back per process.

`ListPublisher.publish()` brings every issuer's bundle up to date with the database
(its counter) and the day (lists are signed with the day they were current on). It
runs once a change commits, at start-up, and on the first request of a new day;
across processes a file lock makes one of them do it and the others find it done.

`PublishedLists` is a web process's view: one `os.stat` per request says whether
another process published since, and the bytes come from memory.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import Settings
from kiosk.db import session_scope
from kiosk.domain.clock import Clock, today
from kiosk.domain.keys.keyring import load_keyring
from kiosk.domain.publication.bundle import (
    Bundle,
    ListRequestError,
    build_bundle,
    decode_bundle,
    read_header,
    write_atomically,
)
from kiosk.domain.publication.counters import entries_after, list_counters

log = logging.getLogger(__name__)
LISTS_FOLDER = "lists"
# After a failed re-publication (say, the database is down) the old lists are served
# and the next try waits this long.
RETRY_SECONDS = 30.0


class ListPublisher:
    """Writes the signed lists under INSTANCE/lists/, one bundle file per issuer."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.settings = settings
        self.sessions = sessions
        self.clock = clock
        self.folder = settings.instance / LISTS_FOLDER

    def path(self, issuer_kid: bytes) -> Path:
        return self.folder / f"revocations-{issuer_kid.hex()}.bundle"

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def publish(self) -> list[bytes]:
        """Re-sign every issuer's lists whose counter or day changed; the kids re-signed.

        Under the lock the database is read afresh, so whichever process comes last
        writes the newest state and no publication ever replaces a newer one."""
        keyring = load_keyring(self.settings)
        with self._exclusive(), session_scope(self.sessions) as session:
            day = today(self.clock)
            counters = list_counters(session)
            written = []
            for kid, key in sorted(keyring.issuer_keys.items()):
                counter = counters.get(kid, 0)
                path = self.path(kid)
                if read_header(path) == (counter, day):
                    continue
                entries = entries_after(session, kid, 0, upto=counter, today=day)
                bundle = build_bundle(key, counter, entries, issued=day)
                write_atomically(path, bundle.encode())
                written.append(kid)
        if written:
            log.info("published the revocation lists of %s", ", ".join(k.hex() for k in written))
        return written


@dataclass(frozen=True)
class _Loaded:
    stamp: tuple[int, int, int]
    bundle: Bundle


class PublishedLists:
    """A process's copy of the published bundles, reloaded when their files change."""

    def __init__(self, publisher: ListPublisher) -> None:
        self.publisher = publisher
        self._loaded: dict[bytes, _Loaded] = {}
        self._lock = threading.Lock()
        self._retry_at = 0.0

    def bundle(self, issuer_kid: bytes) -> Bundle:
        """The newest published bundle of `issuer_kid` (an issuer whose key this server holds)."""
        loaded = self._loaded.get(issuer_kid)
        stamp = _stamp(self.publisher.path(issuer_kid))
        if loaded is None or loaded.stamp != stamp:
            loaded = self._load(issuer_kid)
        if loaded.bundle.issued != today(self.publisher.clock):
            loaded = self._republish(issuer_kid, loaded)
        return loaded.bundle

    def _load(self, issuer_kid: bytes) -> _Loaded:
        path = self.publisher.path(issuer_kid)
        with self._lock:
            if _stamp(path) is None:
                # A key added by another process, not yet published: publish it now.
                self.publisher.publish()
            if _stamp(path) is None:
                raise ListRequestError(
                    f"this server publishes no revocation list for issuer {issuer_kid.hex()}",
                    code="unknown_list_issuer",
                )
            # Stat the open file: os.replace may swap the path between stat and read.
            with path.open("rb") as handle:
                info = os.fstat(handle.fileno())
                loaded = _Loaded(
                    (info.st_ino, info.st_mtime_ns, info.st_size), decode_bundle(handle.read())
                )
            self._loaded[issuer_kid] = loaded
            return loaded

    def _republish(self, issuer_kid: bytes, loaded: _Loaded) -> _Loaded:
        """A new day: sign the lists again once, or keep serving yesterday's if that fails."""
        if time.monotonic() < self._retry_at:
            return loaded
        try:
            self.publisher.publish()
        except Exception:
            # Yesterday's signed lists still verify; a verifier shows their age.
            log.exception("could not re-sign the revocation lists for a new day")
            self._retry_at = time.monotonic() + RETRY_SECONDS
            return loaded
        return self._load(issuer_kid)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)
