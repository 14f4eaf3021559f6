"""Database sessions for code that runs outside a request (the CLI, workers)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from kiosk import db
from kiosk.config import Settings


@contextmanager
def cli_session(settings: Settings) -> Iterator[Session]:
    engine = db.make_engine(settings.database_url)
    try:
        with db.session_scope(sessionmaker(engine)) as session:
            yield session
    finally:
        engine.dispose()
