"""`ehcard verify` against the national directory of three centres (see conftest.py)."""

from __future__ import annotations

from pathlib import Path

from tests.directory.conftest import Country


def test_every_card_of_every_centre_gets_its_answer(country: Country, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for card in country.cards:
        report = country.verify(card.qr_text, cache=cache)
        if card.revoked is None:
            assert report["status"] == "valid", (card, report)
        else:
            assert (report["status"], report["reason"]) == ("revoked", card.revoked.label), card
