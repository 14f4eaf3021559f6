"""What request handlers share: the Services of the running app, and the accessor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import cast

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import Settings
from kiosk.db import session_scope
from kiosk.domain.clock import Clock
from kiosk.domain.keys import keyring as keyring_service


@dataclass
class Services:
    """What the request handlers share; one instance in app.extensions["ehcard"].

    `clock` is the one every expiry, timeout and countdown reads (kiosk.domain.clock).
    """

    settings: Settings
    keyring: keyring_service.Keyring
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    keyring_stamp: tuple[int, ...] = ()

    def refresh_keyring(self) -> None:
        """Reload keys and trust list if a rotation or import changed them (any worker)."""
        stamp = keyring_service.keyring_fingerprint(self.settings)
        if stamp != self.keyring_stamp:
            self.keyring = keyring_service.load_keyring(self.settings)
            self.keyring_stamp = stamp


def services() -> Services:
    return cast(Services, current_app.extensions["ehcard"])


@contextmanager
def transaction() -> Iterator[Session]:
    """The one way a request reaches the database: a transaction on the app's sessions,
    committed when the block ends, rolled back if it raises."""
    with session_scope(services().sessions) as session:
        yield session
