"""An issuer's revocation filter and cumulative delta, built from the registry.

The filter answers for the issuer's cards issued up to `covers`, yesterday as it was ten
minutes ago: a card signed before then has long committed, so the set of issued ids is
whole. Cards expired for more than EXPIRED_GRACE leave the set (no verifier accepts them
anyway). Revocations of cards the set does not hold (issued after `covers`) go out as
explicit entries in the filter itself, and revocations after the filter's counter in a
cumulative delta (an explicit list after that counter).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cards.model import revocation_id
from kiosk.domain.publication.counters import EXPIRED_GRACE, entries_after
from kiosk.models.registry import CardRow, RevocationRow
from signing.keys import PrivateKey
from signing.revocation import Reason, Revocation, RevocationList
from signing.revocation_filter import RevocationFilter, build_layers

# A card signed this long before a filter is built has committed to the registry.
COMMIT_MARGIN = timedelta(minutes=10)


def covers_day(now: datetime) -> date:
    """The last issue day a filter built `now` answers for."""
    return (now - COMMIT_MARGIN).date() - timedelta(days=1)


def build_filter(
    session: Session, issuer_key: PrivateKey, *, counter: int, now: datetime
) -> RevocationFilter:
    """The issuer's filter of its revocations up to `counter`, exact for every covered card."""
    kid = issuer_key.kid
    today = now.date()
    covers = covers_day(now)
    expired_before = today - EXPIRED_GRACE
    cards = session.execute(
        select(CardRow.card_id, CardRow.issued).where(
            CardRow.issuer_kid == kid, CardRow.expires >= expired_before
        )
    )
    issued_on = {revocation_id(bytes(card_id)): issued for card_id, issued in cards}
    covered = {rid for rid, issued in issued_on.items() if issued <= covers}
    row = RevocationRow
    revocations = session.execute(
        select(row.rid, row.reason, row.revoked_on, row.until).where(
            row.issuer_kid == kid, row.counter <= counter
        )
    )
    revoked: dict[bytes, Reason] = {}
    entries: list[Revocation] = []
    for rid_value, reason, revoked_on, until in revocations:
        rid = bytes(rid_value)
        if until is not None and until < expired_before:
            continue
        if rid in covered:
            revoked[rid] = Reason(reason)
        else:
            entries.append(Revocation(rid, Reason(reason), revoked_on))
    return RevocationFilter(
        issuer_kid=kid,
        counter=counter,
        issued=today,
        covers=covers,
        expired_before=expired_before,
        issued_count=len(covered),
        layers=build_layers(covered, revoked),
        entries=tuple(entries),
    )


def cumulative_delta(
    session: Session, issuer_key: PrivateKey, *, since: int, counter: int, today: date
) -> RevocationList:
    """Every revocation after the filter's counter `since`, up to `counter`."""
    entries = entries_after(session, issuer_key.kid, since, upto=counter, today=today)
    return RevocationList(
        issuer_key.kid, counter, today, tuple(entry for _, entry in entries), since=since
    )
