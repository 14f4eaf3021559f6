"""Fixtures of the record tests: a card in the registry with a full record behind it."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from PIL import Image

from cards.model import Card
from cards.record import Attachment, Confirmation, ItemKind, MediaType, RecordItem
from kiosk.auth import add_user
from kiosk.db import session_scope
from kiosk.models.registry import CardRow
from kiosk.records.store import create_record
from kiosk.records.uploads import UploadLimits
from signing import records as crypto
from tests.builders import make_card

PIN = "482915"
CLINICIAN_PASSWORD = "correct horse battery"
LIMITS = UploadLimits(max_bytes=2 * 1024 * 1024, max_pixels=4_000_000)
# Words that appear in the record and must never appear in clear anywhere on the server.
SECRET_WORDS = ("Penicillin", "Salbutamol", "Epilepsy", "Appendectomy", "Tetanus",
                "Cochlear", "Fatoumata", "Organ-donor-yes", "Do-not-resuscitate",
                "Lamotrigine", "Amina Diallo")  # fmt: skip


def scan_png(text_colour: tuple[int, int, int] = (20, 20, 20)) -> bytes:
    image = Image.new("RGB", (64, 48), (250, 250, 250))
    for x in range(10, 54):
        image.putpixel((x, 24), text_colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def record_items() -> list[RecordItem]:
    confirmed = Confirmation(by="Dr N. Haddad", on=date(2026, 11, 2), staff_id=3)
    return [
        RecordItem(ItemKind.ALLERGY, "Penicillin", code="294505008", when="2019",
                   note="Hives and swelling", confirmed=confirmed),
        RecordItem(ItemKind.MEDICATION, "Salbutamol inhaler", code="R03AC02"),
        RecordItem(ItemKind.CONDITION, "Epilepsy", code="G40", when="2015-06",
                   note="Lamotrigine twice a day"),
        RecordItem(ItemKind.SURGERY, "Appendectomy", when="2012"),
        RecordItem(ItemKind.VACCINATION, "Tetanus booster", when="2024-03-01"),
        RecordItem(ItemKind.IMPLANT, "Cochlear implant, left ear"),
        RecordItem(ItemKind.TRUSTED_PERSON, "Fatoumata Diallo", phone="+33612345678"),
        RecordItem(ItemKind.ORGAN_DONATION, "Organ-donor-yes"),
        RecordItem(ItemKind.ADVANCE_DIRECTIVE, "Do-not-resuscitate order signed 2025"),
        RecordItem(ItemKind.DOCUMENT, "Vaccination booklet",
                   attachment=Attachment(MediaType.PNG, scan_png())),
    ]  # fmt: skip


@dataclass(frozen=True)
class IssuedRecord:
    card: Card
    recovery_code: str
    fragment: str  # what the card's link carries after /R#
    manifest_id: str
    file_key: bytes


def issue_record(app: Flask, items: list[RecordItem] | None = None, pin: str = PIN) -> IssuedRecord:
    """A fresh card in the registry and its encrypted record, as the kiosk makes them."""
    card = replace(make_card(), card_id=secrets.token_bytes(8), record_key=secrets.token_bytes(16))
    with session_scope(app.extensions["ehcard"].sessions) as session:
        session.add(
            CardRow(
                card_id=card.card_id,
                card_code=card.card_code,
                issuer_kid=bytes(8),
                issued=card.issued,
                expires=card.expires,
                status="active",
                created_at=datetime.now(UTC),
            )
        )
        session.flush()
        recovery = create_record(
            session,
            card=card,
            pin=pin,
            items=record_items() if items is None else items,
            language="fr",
            centre="Centre de test",
            limits=LIMITS,
        )
    key = crypto.file_key(card.record_key, card.record_id)
    return IssuedRecord(card, recovery, f"{card.record_id}.{crypto.b64url(card.record_key)}",
                        crypto.manifest_id(key, card.record_id), key)  # fmt: skip


@pytest.fixture
def record(app: Flask) -> IssuedRecord:
    return issue_record(app)


@pytest.fixture
def clinician(app: Flask) -> tuple[str, str]:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        add_user(session, "dr.haddad", CLINICIAN_PASSWORD, "clinician",
                 display_name="Dr N. Haddad", facility="CHU Lyon Sud")  # fmt: skip
    return "dr.haddad", CLINICIAN_PASSWORD
