"""Record items built directly from the model, for tests that need a full record."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image

from cards.record import Attachment, Confirmation, ItemKind, MediaType, RecordItem

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
