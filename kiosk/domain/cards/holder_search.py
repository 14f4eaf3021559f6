"""Staff search of card holders by any spelling, over the keyed name index.

The index (`holder_name_keys`) answers "which cards share these name tokens in
this birth year": one indexed look-up per typed token. The candidates sharing
most tokens (at most CANDIDATES) have their sealed names opened and are ranked
by `holder_index.rank`; a search's cost grows with the number of holders born
that year whose names sound like the typed words, not with the registry.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cards.model import Holder
from kiosk.config import Settings
from kiosk.domain.cards import holder_index
from kiosk.domain.cards.holder_index import HolderDisplay, HolderSearchError
from kiosk.domain.keys.instance_secrets import InstanceSecrets, load_instance_secrets
from kiosk.models.registry import CardRow, HolderNameKeyRow

CANDIDATES = 200
RESULTS = 50
_REINDEX_BATCH = 500


def index_holder(session: Session, secrets: InstanceSecrets, row: CardRow, holder: Holder) -> None:
    """Write the look-up keys of a card's holder (the card row is flushed already)."""
    session.execute(delete(HolderNameKeyRow).where(HolderNameKeyRow.card_row == row.id))
    session.add_all(
        HolderNameKeyRow(key=key, card_row=row.id)
        for key in sorted(holder_index.holder_keys(secrets, holder))
    )
    row.name_index = holder_index.NAME_INDEX_VERSION


def find_holders(
    session: Session, settings: Settings, typed_name: str, typed_birth: str
) -> list[tuple[CardRow, HolderDisplay]]:
    """Cards whose holder answers the typed name and birth date, best match first."""
    secrets = load_instance_secrets(settings)
    query = holder_index.holder_query(secrets, typed_name, typed_birth)
    shared = func.count(HolderNameKeyRow.key)
    candidates = session.execute(
        select(HolderNameKeyRow.card_row, shared)
        .where(HolderNameKeyRow.key.in_(sorted(query.keys)))
        .group_by(HolderNameKeyRow.card_row)
        .order_by(shared.desc(), HolderNameKeyRow.card_row.desc())
        .limit(CANDIDATES)
    ).all()
    rows = session.scalars(select(CardRow).where(CardRow.id.in_([c[0] for c in candidates])))
    ranked = []
    for row in rows:
        if row.holder_sealed is None:
            continue
        try:
            shown = holder_index.open_holder(secrets, row.card_id, row.holder_sealed)
        except HolderSearchError:
            continue
        found = holder_index.rank(query, shown)
        if found is not None:
            ranked.append((found.key(), row.issued, row.id, row, shown))
    ranked.sort(key=lambda item: item[:3], reverse=True)
    return [(row, shown) for *_order, row, shown in ranked[:RESULTS]]


def reindex_holders(session: Session, secrets: InstanceSecrets) -> int:
    """Index again every card indexed under an older NAME_INDEX_VERSION (or none): after
    an upgrade, from their sealed names. Returns how many cards were indexed."""
    done = 0
    while True:
        rows = session.scalars(
            select(CardRow)
            .where(CardRow.holder_sealed.is_not(None))
            .where(
                (CardRow.name_index.is_(None))
                | (CardRow.name_index < holder_index.NAME_INDEX_VERSION)
            )
            .limit(_REINDEX_BATCH)
        ).all()
        if not rows:
            return done
        for row in rows:
            try:
                holder = holder_index.sealed_holder(secrets, row.card_id, row.holder_sealed or b"")
            except HolderSearchError:
                # A seal this instance cannot open: leave it out of the index, for good.
                row.name_index = holder_index.NAME_INDEX_VERSION
                continue
            index_holder(session, secrets, row, holder)
        session.flush()
        done += len(rows)
