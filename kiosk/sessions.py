"""Database sessions: the factory every part uses, and one for code outside a request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kiosk import db
from kiosk.config import Settings
from kiosk.services.audit import audit_session_info
from kiosk.services.instance_secrets import load_instance_secrets


def session_factory(settings: Settings, engine: Engine) -> sessionmaker[Session]:
    """Sessions that carry the audit key, so that anything they do can be audited."""
    secrets = load_instance_secrets(settings)
    return sessionmaker(engine, expire_on_commit=False, info=audit_session_info(secrets.audit_key))


@contextmanager
def cli_session(settings: Settings) -> Iterator[Session]:
    engine = db.make_engine(settings.database_url)
    try:
        with db.session_scope(session_factory(settings, engine)) as session:
            yield session
    finally:
        engine.dispose()
