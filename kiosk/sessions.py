"""Database sessions: the factory every part uses, and one for code outside a request."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from kiosk import db
from kiosk.config import Settings
from kiosk.domain.audit import audit_session_info
from kiosk.domain.clock import Clock, SystemClock, clock_info
from kiosk.domain.keys.instance_secrets import load_instance_secrets
from kiosk.domain.printing import queue as printing
from kiosk.domain.publication.counters import LISTS_CHANGED
from kiosk.domain.publication.publisher import ListPublisher

log = logging.getLogger(__name__)


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
    factory = sessionmaker(engine, expire_on_commit=False, info=info)
    publish_on_commit(factory, ListPublisher(settings, factory, clock))
    return factory


def publish_on_commit(factory: sessionmaker[Session], publisher: ListPublisher) -> None:
    """Whatever marked its session (a revocation, a key change) is published once it commits:
    by every path that revokes, web or CLI, and only for what was committed."""

    def committed(session: Session) -> None:
        # Fired for savepoints too: wait for the outermost transaction, the one that
        # makes the change visible to the publisher's own session.
        if session.get_nested_transaction() is not None:
            return
        if not session.info.pop(LISTS_CHANGED, False):
            return
        try:
            publisher.publish()
        except Exception:
            # The change is committed and stays; the lists catch up at the next
            # publication, at start-up or on the next day's first request.
            log.exception("the revocation lists could not be published after a change")

    def rolled_back(session: Session) -> None:
        if session.get_nested_transaction() is None:
            session.info.pop(LISTS_CHANGED, None)

    event.listen(factory, "after_commit", committed)
    event.listen(factory, "after_rollback", rolled_back)


@contextmanager
def cli_session(settings: Settings) -> Iterator[Session]:
    engine = db.make_engine(settings.database_url)
    try:
        with db.session_scope(session_factory(settings, engine, SystemClock())) as session:
            yield session
    finally:
        engine.dispose()
