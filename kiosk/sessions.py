"""Database sessions: the factory every part uses, and one for code outside a request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kiosk import db
from kiosk.config import Settings
from kiosk.domain.audit import audit_session_info
from kiosk.domain.clock import Clock, SystemClock, clock_info
from kiosk.domain.keys.instance_secrets import load_instance_secrets
from kiosk.domain.printing import queue as printing


def session_factory(settings: Settings, engine: Engine, clock: Clock) -> sessionmaker[Session]:
    """Sessions that carry the audit key, the print job key and the clock, so that anything
    they do can be audited, any print job sealed and any time stamped by the app's one clock;
    web processes, CLI and print worker alike."""
    secrets = load_instance_secrets(settings)
    grace = timedelta(minutes=settings.print_job_grace_minutes)
    info = {
        **audit_session_info(secrets.audit_key),
        **printing.session_info(printing.load_job_key(settings), grace=grace),
        **clock_info(clock),
    }
    return sessionmaker(engine, expire_on_commit=False, info=info)


@contextmanager
def cli_session(settings: Settings) -> Iterator[Session]:
    engine = db.make_engine(settings.database_url)
    try:
        with db.session_scope(session_factory(settings, engine, SystemClock())) as session:
            yield session
    finally:
        engine.dispose()
