"""`ehcard publish --out`: when a filter, when a delta, what each holds, what files stay;
on SQLite and PostgreSQL (the `app` fixture's two databases)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from cards.model import revocation_id
from kiosk.db import session_scope
from kiosk.domain.cards.registry import issue_card, revoke_card
from kiosk.domain.clock import MovableClock
from kiosk.domain.publication.filters import covers_day
from kiosk.domain.publication.folder import publish_folder
from kiosk.domain.publication.manifest import Publication, read_publication
from kiosk.models.registry import CardRow
from kiosk.sessions import session_factory
from signing.revocation import Reason, load_revocation_list
from signing.revocation_filter import RevocationFilter, load_revocation_filter

PROFILE = {"name": "Amina Diallo", "birth_date": "1994", "allergies": ["91936005"]}
START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class Registry:
    """One centre's registry, issuing and revoking on a clock the test moves."""

    def __init__(self, app: Flask, out: Path) -> None:
        self.services = app.extensions["ehcard"]
        self.out = out
        self.cards: dict[bytes, tuple[datetime, Reason | None]] = {}

    def issue(self, on: datetime, count: int) -> list[bytes]:
        made = []
        with session_scope(self.services.sessions) as session:
            for _ in range(count):
                issued = issue_card(
                    session, self.services.settings, self.services.keyring, PROFILE,
                    today=on.date(),
                )  # fmt: skip
                made.append(issued.card.card_id)
                self.cards[issued.card.card_id] = (on, None)
        return made

    def revoke(self, card_id: bytes, reason: Reason, on: datetime) -> None:
        with session_scope(self.services.sessions) as session:
            row = session.scalar(select(CardRow).where(CardRow.card_id == card_id))
            assert row is not None
            revoke_card(session, row, reason, today=on.date())
        self.cards[card_id] = (self.cards[card_id][0], reason)

    def publish(self, at: datetime, **options: int) -> Publication:
        clock = MovableClock(at)
        sessions = session_factory(self.services.settings, self.services.engine, clock)
        return publish_folder(self.services.settings, sessions, clock, self.out, **options)

    def filter(self, publication: Publication) -> RevocationFilter:
        item = next(f for f in publication.files if f.kind == "filter")
        key = self.services.keyring.issuer_key.public
        return load_revocation_filter((self.out / item.path).read_bytes(), key)

    def files(self) -> set[str]:
        return {p.relative_to(self.out).as_posix() for p in self.out.rglob("*.cbor")}


def test_filter_then_cumulative_deltas_then_a_new_day_filter(app: Flask, tmp_path: Path) -> None:
    registry = Registry(app, tmp_path / "publication")
    old = registry.issue(START, 6)
    registry.revoke(old[0], Reason.LOST, START)
    registry.revoke(old[1], Reason.REISSUED, START)
    day = START + timedelta(days=2)
    recent = registry.issue(day, 2)  # after the filter's covers day
    registry.revoke(recent[0], Reason.STOLEN, day)

    first = registry.publish(day)
    assert [(f.kind, f.counter, f.since) for f in first.files] == [("filter", 3, 0)]
    revocations = registry.filter(first)
    assert revocations.covers == covers_day(day) == (day - timedelta(days=1)).date()
    assert revocations.issued_count == 6
    assert [e.rid for e in revocations.entries] == [revocation_id(recent[0])]
    for card_id, (issued, reason) in registry.cards.items():
        if issued.date() <= revocations.covers:
            assert revocations.lookup(revocation_id(card_id), issued.date()) is reason
    manifest = json.loads((registry.out / "publication.json").read_text())
    assert manifest["format"] == "ehcard-publication/1"
    assert manifest["files"][0]["path"].startswith(f"revocations/{first.files[0].issuer}/filter-3-")

    registry.revoke(old[2], Reason.DECEASED, day)
    second = registry.publish(day + timedelta(hours=1))
    assert [(f.kind, f.counter, f.since) for f in second.files] == [
        ("filter", 3, 0),
        ("delta", 4, 3),
    ]
    assert second.files[0] == first.files[0]  # the filter of the day is kept
    registry.revoke(old[3], Reason.WRONG_DATA, day)
    third = registry.publish(day + timedelta(hours=2))
    delta = third.files[1]
    assert (delta.kind, delta.since, delta.counter) == ("delta", 3, 5)
    key = registry.services.keyring.issuer_key.public
    entries = load_revocation_list((registry.out / delta.path).read_bytes(), key).entries
    assert {e.rid for e in entries} == {revocation_id(old[2]), revocation_id(old[3])}
    # The previous publication's delta stays for a verifier half-way through an update.
    assert second.files[1].path in registry.files()

    next_day = registry.publish(day + timedelta(days=1))
    assert [(f.kind, f.counter) for f in next_day.files] == [("filter", 5)]
    assert next_day.files[0].issued == (day + timedelta(days=1)).date()
    assert registry.files() == {f.path for f in (*next_day.files, *third.files)}
    assert read_publication(registry.out / "publication.json") == next_day
    revocations = registry.filter(next_day)
    for card_id, (issued, reason) in registry.cards.items():
        assert revocations.lookup(revocation_id(card_id), issued.date()) is reason


def test_a_delta_past_the_limit_becomes_a_new_filter(app: Flask, tmp_path: Path) -> None:
    registry = Registry(app, tmp_path / "publication")
    cards = registry.issue(START, 4)
    day = START + timedelta(days=3)
    registry.revoke(cards[0], Reason.LOST, day)
    registry.publish(day)
    registry.revoke(cards[1], Reason.LOST, day)
    assert [f.kind for f in registry.publish(day, full_filter_after=1).files] == ["filter", "delta"]
    registry.revoke(cards[2], Reason.STOLEN, day)
    latest = registry.publish(day, full_filter_after=1)
    assert [(f.kind, f.counter) for f in latest.files] == [("filter", 3)]


def test_a_registry_with_no_revocation_publishes_an_empty_filter_then_a_new_one(
    app: Flask, tmp_path: Path
) -> None:
    """A delta after counter 0 would read as a full list: the first revocation brings a filter."""
    registry = Registry(app, tmp_path / "publication")
    cards = registry.issue(START, 3)
    day = START + timedelta(days=1)
    empty = registry.publish(day)
    assert [(f.kind, f.counter) for f in empty.files] == [("filter", 0)]
    assert registry.filter(empty).layers.revoked is None
    registry.revoke(cards[0], Reason.LOST, day)
    assert [(f.kind, f.counter) for f in registry.publish(day).files] == [("filter", 1)]


def test_cards_expired_past_the_grace_drop_out(app: Flask, tmp_path: Path) -> None:
    registry = Registry(app, tmp_path / "publication")
    cards = registry.issue(START, 3)
    registry.revoke(cards[0], Reason.LOST, START)
    validity = registry.services.settings.card_validity
    later = registry.publish(START + validity + timedelta(days=31))
    revocations = registry.filter(later)
    assert revocations.issued_count == 0 and revocations.layers.revoked is None
    assert revocations.entries == ()
