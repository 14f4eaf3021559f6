"""Cards registered before the name index (migration 0004) are found by any spelling after it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from app import create_app
from cards.model import BirthDate, Holder
from kiosk.config import load_settings
from kiosk.db import alembic_config, session_scope
from kiosk.domain.cards.holder_index import seal_holder
from kiosk.domain.cards.holder_search import find_holders
from kiosk.domain.keys.instance_secrets import load_instance_secrets

BEFORE = "0003_registry_issuance_key"
CARD_ID = bytes.fromhex("00112233445566ff")


def test_an_older_card_is_indexed_at_start_up_and_found(tmp_path: Path, database_url: str) -> None:
    instance = tmp_path / "instance"
    settings = load_settings(instance, {"database_url": database_url})
    secrets = load_instance_secrets(settings)
    holder = Holder(name="محمد عبد الرحمن الخطيب", birth_date=BirthDate(1985, 4, 2))
    config = alembic_config(database_url)
    command.upgrade(config, BEFORE)
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO cards (card_id, card_code, issuer_kid, issued, expires, status,"
                " created_at, lookup_key, lookup_key_year, holder_sealed, confirmed_fields)"
                " VALUES (:id, 'OLD01-CARD1', :kid, :issued, :expires, 'active', :now,"
                " 'a', 'b', :sealed, '')"
            ),
            {"id": CARD_ID, "kid": bytes(8), "issued": date(2026, 1, 5),
             "expires": date(2028, 1, 5), "now": datetime(2026, 1, 5, tzinfo=UTC),
             "sealed": seal_holder(secrets, CARD_ID, holder)},
        )  # fmt: skip
    engine.dispose()

    app = create_app({"instance": instance, "database_url": database_url, "TESTING": True})
    services = app.extensions["ehcard"]
    try:
        with session_scope(services.sessions) as session:
            found = find_holders(session, services.settings, "Mohamed Khatib", "1985")
            assert [(row.card_code, shown.name_latin) for row, shown in found] == [
                ("OLD01-CARD1", "MOHAMMED ABDULRAHMAN AL-KHATIB")
            ]
    finally:
        services.engine.dispose()
    command.downgrade(config, BEFORE)
    command.upgrade(config, "heads")
