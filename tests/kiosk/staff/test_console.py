"""The reception console over HTTP: find a card, read it, revoke it, reissue it, reprint it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from cards.qr import parse_qr_text, qr_text
from kiosk.db import session_scope
from kiosk.domain.cards.qrimage import write_qr_png
from kiosk.models.audit import AuditRow
from kiosk.models.registry import CardRow
from signing.issuance import IssuedCard
from tests.kiosk.staff.support import (
    CLINICAL_CODES,
    HOLDER_NAME,
    Console,
    holder_profile,
    issue,
    printed_qr_text,
    services_of,
)

FLASH = re.compile(r'<p class="flash flash-(\w+)" role="\w+">([^<]+)</p>')
FORM_ERROR = re.compile(r'<p class="error" role="alert">([^<]+)</p>')


def flashes(html: str) -> list[str]:
    return [text.replace("&#39;", "'") for _, text in FLASH.findall(html)]


def form_errors(html: str) -> list[str]:
    return [text.replace("&#39;", "'").replace("&#34;", '"') for text in FORM_ERROR.findall(html)]


def status_of(app: Flask, code: str) -> str:
    with session_scope(services_of(app).sessions) as session:
        return session.scalars(select(CardRow.status).where(CardRow.card_code == code)).one()


def code_variants(code: str) -> list[str]:
    compact = code.replace("-", "")
    confused = compact.replace("0", "O").replace("1", "I")
    return [code, code.lower(), compact, f" {code[:5]} {code[6:]} ", confused.lower()]


def test_a_card_is_found_by_its_code_however_it_is_typed(
    console_app: Flask, staff: Console
) -> None:
    card = issue(console_app).card
    for typed in code_variants(card.card_code):
        response = staff.post("/staff/search", {"code": typed})
        assert response.status_code == 302, typed
        assert response.headers["Location"] == f"/staff/cards/{card.card_code}"


@pytest.mark.parametrize(
    ("typed", "status", "message"),
    [
        ("ABC", 400, "'ABC' is neither a card code (XXXXX-XXXXX) nor a card id"),
        ("UUUUU-UUUUU", 400, "'UUUUU-UUUUU' is neither a card code"),
        ("00000-00000", 404, "no card 00000-00000 in this registry"),
    ],
)
def test_a_code_that_finds_nothing_says_why(
    staff: Console, typed: str, status: int, message: str
) -> None:
    response = staff.post("/staff/search", {"code": typed})
    assert response.status_code == status
    assert any(error.startswith(message) for error in form_errors(response.text))


def test_a_search_needs_a_code_or_a_name_with_a_birth_date(staff: Console) -> None:
    response = staff.post("/staff/search", {"name": "Amina Diallo"})
    assert response.status_code == 400
    assert form_errors(response.text) == ["Type a card code, or a name and a birth date."]


@pytest.mark.parametrize(
    ("name", "birth"),
    [
        ("Amina Diallo", "1994-03-12"),
        ("diallo  AMINA", "12/03/1994"),
        ("Amína Diallo", "12.03.1994"),
        ("Amina Diallo", "1994"),
    ],
)
def test_a_holder_is_found_by_name_and_birth_date_as_staff_type_them(
    console_app: Flask, staff: Console, name: str, birth: str
) -> None:
    card = issue(console_app).card
    response = staff.post("/staff/search", {"name": name, "birth": birth})
    assert response.status_code == 200
    assert card.card_code in response.text
    assert HOLDER_NAME in response.text and "1994-03-12" in response.text


def test_a_holder_with_only_a_birth_year_is_found_by_a_full_date(
    console_app: Flask, staff: Console
) -> None:
    card = issue(console_app, holder_profile(name="Tesfay Gebre", birth_date="1988")).card
    response = staff.post("/staff/search", {"name": "Gebre Tesfay", "birth": "1988-06-01"})
    assert card.card_code in response.text


def test_another_birth_date_finds_no_one(console_app: Flask, staff: Console) -> None:
    issue(console_app, holder_profile(name="Olena Kovalenko", birth_date="1971-02-03"))
    response = staff.post("/staff/search", {"name": "Olena Kovalenko", "birth": "1971-02-04"})
    assert "No card for this name and birth date" in response.text


def test_a_bad_birth_date_is_named(staff: Console) -> None:
    response = staff.post("/staff/search", {"name": "Amina Diallo", "birth": "31/02/1994"})
    assert response.status_code == 400
    assert form_errors(response.text) == [
        "'31/02/1994' is not a birth date: type 1994-03-12, 12/03/1994 or the year 1994"
    ]


def test_the_registry_keeps_no_name_in_clear(console_app: Flask) -> None:
    card = issue(console_app).card
    with session_scope(services_of(console_app).sessions) as session:
        row = session.scalars(select(CardRow).where(CardRow.card_id == card.card_id)).one()
        stored = repr([getattr(row, c.key) for c in CardRow.__table__.columns])
    assert "Amina" not in stored and "AMINA" not in stored and "Diallo" not in stored.title()
    assert row.confirmed_fields == "allergies,blood_group"


def test_the_card_page_shows_registry_facts_and_no_health_data(
    console_app: Flask, staff: Console
) -> None:
    card = issue(console_app).card
    page = staff.get(f"/staff/cards/{card.card_code}").text
    kid = services_of(console_app).keyring.issuer_key.kid.hex()
    for fact in (card.card_code, HOLDER_NAME, "1994-03-12", card.issued.isoformat(),
                 card.expires.isoformat(), kid, "Development reception centre",
                 "allergies, blood_group", "Active"):  # fmt: skip
        assert fact in page, fact
    for secret in (*CLINICAL_CODES, "O+", "Moussa", "+33612345678"):
        assert secret not in page, secret


def test_revoking_asks_for_confirmation_first(console_app: Flask, staff: Console) -> None:
    code = issue(console_app).card.card_code
    confirm = staff.post(f"/staff/cards/{code}/revoke", {"reason": "stolen"})
    assert confirm.status_code == 200
    assert "Reason: Stolen." in confirm.text and "This cannot be undone." in confirm.text
    assert status_of(console_app, code) == "active"
    done = staff.post(f"/staff/cards/{code}/revoke", {"reason": "stolen", "confirmed": "yes"})
    assert done.headers["Location"] == f"/staff/cards/{code}"
    page = staff.get(done.headers["Location"]).text
    assert flashes(page) == [f"Card {code} is revoked."]
    assert "Revoked" in page and "Stolen" in page
    assert status_of(console_app, code) == "revoked"


def test_a_revoked_card_cannot_be_revoked_again(console_app: Flask, staff: Console) -> None:
    code = issue(console_app).card.card_code
    staff.post(f"/staff/cards/{code}/revoke", {"reason": "lost", "confirmed": "yes"})
    again = staff.post(f"/staff/cards/{code}/revoke", {"reason": "lost", "confirmed": "yes"})
    assert again.status_code == 409
    assert f"card {code} is already revoked" in again.text


def test_reissued_is_not_a_reason_staff_can_pick(console_app: Flask, staff: Console) -> None:
    code = issue(console_app).card.card_code
    response = staff.post(f"/staff/cards/{code}/revoke", {"reason": "reissued", "confirmed": "yes"})
    assert flashes(staff.get(response.headers["Location"]).text) == [
        "Choose one of the reasons to revoke."
    ]
    assert status_of(console_app, code) == "active"


def _reissue(staff: Console, code: str, **form: object) -> str:
    """Reissue from the console; the new card's code, from where the console leads."""
    response = staff.post(f"/staff/cards/{code}/reissue", dict(form))
    assert response.status_code == 302, form_errors(response.text)
    new_code = response.headers["Location"].removeprefix("/staff/cards/")
    page = staff.get(response.headers["Location"]).text
    assert flashes(page) == [f"Card {new_code} replaces {code} and is printing."]
    return new_code


def test_reissue_from_the_old_cards_qr_text_prints_the_new_card(
    console_app: Flask, staff: Console
) -> None:
    old = issue(console_app)
    new_code = _reissue(staff, old.card.card_code, qr_text=old.qr_text)
    new_text = printed_qr_text(console_app, new_code)
    assert new_text != old.qr_text and new_text.startswith("HTTPS://EHC.EXAMPLE.ORG/V#")
    assert status_of(console_app, old.card.card_code) == "revoked"
    assert status_of(console_app, new_code) == "active"
    old_page = staff.get(f"/staff/cards/{old.card.card_code}").text
    assert "Reissued" in old_page and f"/staff/cards/{new_code}" in old_page
    new_page = staff.get(f"/staff/cards/{new_code}").text
    assert f"/staff/cards/{old.card.card_code}" in new_page
    assert "Print job: queued" in new_page
    with session_scope(services_of(console_app).sessions) as session:
        reissue_event = session.scalars(
            select(AuditRow).where(
                AuditRow.action == "card.reissue",
                AuditRow.subject == f"card:{old.card.card_code}",
            )
        ).one()
    assert json.loads(reissue_event.details)["new"] == new_code


def test_reissue_from_a_photo_of_the_old_card(
    console_app: Flask, staff: Console, tmp_path: Path
) -> None:
    old = issue(console_app)
    photo = tmp_path / "old.png"
    write_qr_png(old.symbol, photo)
    response = staff.http.post(
        f"{staff.base_url}/staff/cards/{old.card.card_code}/reissue",
        data={"csrf_token": staff.token()},
        files={"qr_image": ("old.png", photo.read_bytes(), "image/png")},
        allow_redirects=False, timeout=30,
    )
    assert response.status_code == 302
    assert status_of(console_app, old.card.card_code) == "revoked"


def test_reissue_from_a_corrected_profile(console_app: Flask, staff: Console) -> None:
    old = issue(console_app)
    corrected = json.dumps(holder_profile(blood_group="A+"))
    new_code = _reissue(staff, old.card.card_code, profile_json=corrected)
    assert status_of(console_app, new_code) == "active"


def _tampered(issued: IssuedCard) -> str:
    host, payload = parse_qr_text(issued.qr_text)
    flipped = bytearray(payload)
    flipped[20] ^= 1
    return qr_text(host, bytes(flipped))


@pytest.mark.parametrize(
    ("source", "status", "message"),
    [
        ("other", 422, "the scanned card is "),
        ("tampered", 422, "the signature does not match the card under its issuer's key"),
        ("garbage", 422, "unknown payload version 48"),
        ("bad_json", 400, "the profile is not valid JSON: Expecting property name enclosed in"),
        ("bad_profile", 422, "birth_date: is in the future"),
        ("nothing", 400, "Scan or paste the old card's QR code, or give a corrected profile."),
    ],
)
def test_reissue_refuses_what_it_cannot_trust_and_keeps_the_old_card(
    console_app: Flask, staff: Console, source: str, status: int, message: str
) -> None:
    old = issue(console_app)
    form = {
        "other": {"qr_text": issue(console_app).qr_text},
        "tampered": {"qr_text": _tampered(old)},
        "garbage": {"qr_text": "HTTPS://EHC.EXAMPLE.ORG/V#12345"},
        "bad_json": {"profile_json": "{name: Amina}"},
        "bad_profile": {"profile_json": json.dumps(holder_profile(birth_date="2999-01-01"))},
        "nothing": {},
    }[source]
    response = staff.post(f"/staff/cards/{old.card.card_code}/reissue", form)
    assert response.status_code == status
    [error] = form_errors(response.text)
    assert error.startswith(message)
    assert status_of(console_app, old.card.card_code) == "active"


def test_reprint_is_disabled_and_says_why_without_a_print_job(
    console_app: Flask, staff: Console
) -> None:
    code = issue(console_app).card.card_code
    page = staff.get(f"/staff/cards/{code}").text
    assert re.search(r'<button type="button" disabled[^>]*>Reprint</button>', page)
    assert "No print job is kept for this card: reissue it to print a new one." in page
    response = staff.post(f"/staff/cards/{code}/reprint")
    assert flashes(staff.get(response.headers["Location"]).text) == [
        "No print job is kept for this card any more: reissue it instead."
    ]


def test_a_printed_card_reprints_from_its_kept_job(console_app: Flask, staff: Console) -> None:
    old = issue(console_app)
    new_code = _reissue(staff, old.card.card_code, qr_text=old.qr_text)
    waiting = staff.post(f"/staff/cards/{new_code}/reprint")
    [refusal] = flashes(staff.get(waiting.headers["Location"]).text)
    assert refusal.endswith("is queued: nothing to reprint")
    worker = console_app.extensions["ehcard.print_worker"]
    while worker.run_once() is not None:
        pass
    page = staff.get(f"/staff/cards/{new_code}").text
    assert re.search(r'<button type="submit">Reprint</button>', page)
    again = staff.post(f"/staff/cards/{new_code}/reprint")
    assert flashes(staff.get(again.headers["Location"]).text) == [
        f"Card {new_code} is printing again."
    ]
    with session_scope(services_of(console_app).sessions) as session:
        actors = session.scalars(
            select(AuditRow.actor).where(
                AuditRow.action == "card.reprint", AuditRow.subject == f"card:{new_code}"
            )
        ).all()
    assert actors == ["user:2"]


def test_recent_actions_list_what_was_done_to_cards(console_app: Flask, staff: Console) -> None:
    code = issue(console_app).card.card_code
    staff.post(f"/staff/cards/{code}/revoke", {"reason": "deceased", "confirmed": "yes"})
    home = staff.get("/staff/").text
    assert re.search(rf"card\.revoke</td>\s*<td><a href=\"/staff/cards/{code}\">", home)


def test_the_console_speaks_french(staff: Console) -> None:
    page = staff.get("/staff/?lang=fr").text
    assert "Rechercher une carte" in page and 'lang="fr"' in page
    assert "Rechercher une carte" in staff.get("/staff/").text
