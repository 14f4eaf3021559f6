"""Finding 11 (names): N’Diaye, Марʼяна — the apostrophes keyboards type are apostrophes.

The kiosk says "letters, spaces, hyphens and apostrophes" and now means it for
U+2019, U+2018, U+02BC and U+FF07 as for the ASCII one: over HTTP, the card
carries the name with the ASCII apostrophe, decodes back to it and prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from kiosk.models.printing import PrintJobRow
from signing.verifier import Verifier
from tests.databases import fresh_database
from tests.holder import Holder, field_errors
from tests.kiosk.reception.conftest import build
from tests.kiosk.staff.support import printed_qr_text
from tests.servers import serving


@pytest.fixture(params=["sqlite", "postgresql"])
def kiosk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    with fresh_database(request.param, tmp_path) as url:
        app = build(tmp_path / "instance", url)
        with serving(app) as base:
            yield app, base


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Aïssatou N\u2019Diaye", "Aïssatou N'Diaye"),
        ("Aïssatou N\u2018Diaye", "Aïssatou N'Diaye"),
        ("Aïssatou N\u02bcDiaye", "Aïssatou N'Diaye"),
        ("Aïssatou N\uff07Diaye", "Aïssatou N'Diaye"),
        ("Мар\u2019яна Григор\u02bcєва", "Мар'яна Григор'єва"),
    ],
)
def test_a_name_with_a_typographic_apostrophe_is_accepted_and_printed(
    kiosk: tuple[Flask, str], typed: str, printed: str
) -> None:
    app, base = kiosk
    holder = Holder(base)
    holder.start()
    named = holder.answer("name", {"name": typed, "action": "none"}, allow_redirects=False)
    assert named.status_code == 302, field_errors(named)
    holder.walk_to_review(name={"name": typed, "action": "none"}, contact={
        "contact_name": "Moussa N\u2019Diaye", "contact_phone": "+33612345678",
    })  # fmt: skip
    done = holder.post("/kiosk/issue")
    assert done.url.endswith("/kiosk/done")
    code = done.text.split('class="card-code" dir="ltr">')[1].split("<")[0]
    services = app.extensions["ehcard"]
    card = Verifier(trust_list=services.keyring.trust_list).verify(
        printed_qr_text(app, code)
    ).card
    assert card.holder.name == printed
    assert card.emergency.contact is not None
    assert card.emergency.contact.name == "Moussa N'Diaye"
    worker = app.extensions["ehcard.print_worker"]
    while worker.run_once() is not None:
        pass
    with services.sessions() as session:
        statuses = session.scalars(
            select(PrintJobRow.status).where(PrintJobRow.card_id == card.card_id)
        ).all()
    assert sorted(statuses) == ["done", "done"]
