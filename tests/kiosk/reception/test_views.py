"""Review, issue, print status and every way a flow ends, over real HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from kiosk.db import session_scope
from kiosk.domain.accounts.users import add_user
from kiosk.domain.cards.issuing import PROGRESS_STATES
from kiosk.domain.clock import MovableClock
from kiosk.models.audit import AuditRow
from kiosk.models.reception import FlowRow
from kiosk.models.registry import CardRow
from kiosk.web.reception import choices
from tests.holder import Holder
from tests.kiosk.reception.conftest import build, flow_rows
from tests.servers import serving


def _audit(app: Flask, action: str) -> list[AuditRow]:
    with app.extensions["ehcard"].sessions() as session:
        return list(session.scalars(select(AuditRow).where(AuditRow.action == action)))


def _card(app: Flask, code: str) -> CardRow | None:
    with app.extensions["ehcard"].sessions() as session:
        return session.scalar(select(CardRow).where(CardRow.card_code == code))


def test_review_shows_the_card_in_the_holders_and_the_cards_language(holder: Holder) -> None:
    review = holder.walk_to_review("ar").text
    assert '<html lang="ar" dir="rtl">' in review
    assert "<bdi>حساسية الأموكسيسيلين</bdi>" in review  # the holder's language
    assert "<bdi>Allergie à l&#39;amoxicilline</bdi>" in review  # the card's language (fr)
    assert "Amina Diallo" in review and "+33612345678" in review


def test_issuing_registers_the_card_and_erases_the_answers(
    holder: Holder, kiosk_app: Flask
) -> None:
    holder.walk_to_review()
    done = holder.post("/kiosk/issue")
    assert done.url.endswith("/kiosk/done")
    assert "Amina" not in done.text
    code = done.text.split('class="card-code" dir="ltr">')[1].split("<")[0]
    row = _card(kiosk_app, code)
    assert row is not None and row.status == "active"
    event = next(e for e in _audit(kiosk_app, "card.issue") if e.subject == f"card:{code}")
    assert event.actor == "kiosk"
    assert set(json.loads(event.details)) == {"issuer", "qr_version", "clinician_confirmed"}
    for step in ("name", "review", "contact"):
        page = holder.get(f"/kiosk/{step}")
        assert page.url.endswith("/kiosk/done") and "Amina" not in page.text


def test_print_status_reports_the_print_job(holder: Holder) -> None:
    holder.walk_to_review()
    holder.post("/kiosk/issue")
    status = holder.get("/kiosk/done/status", headers={"Accept": "application/json"}).json()
    assert status == {
        "state": "queued",
        "attempts": 0,
        "message": "Waiting for the printer.",
        "final": False,
    }


def test_print_status_page_can_show_every_progress_state_in_the_holders_language(
    holder: Holder,
) -> None:
    holder.walk_to_review("ka")
    page = holder.post("/kiosk/issue").text
    for state in PROGRESS_STATES:
        text = re.search(rf'data-text-{state}="([^"]+)"', page)
        assert text is not None and any("\u10d0" <= c <= "\u10ff" for c in text.group(1)), state


def test_a_second_tap_on_issue_makes_no_second_card(holder: Holder, kiosk_app: Flask) -> None:
    holder.walk_to_review()
    before = len(_audit(kiosk_app, "card.issue"))
    holder.post("/kiosk/issue")
    again = holder.post("/kiosk/issue")
    assert again.url.endswith("/kiosk/done")
    assert len(_audit(kiosk_app, "card.issue")) == before + 1


def test_finish_wipes_the_flow(holder: Holder, kiosk_app: Flask) -> None:
    holder.walk_to_review()
    holder.post("/kiosk/issue")
    before = flow_rows(kiosk_app)
    assert holder.post("/kiosk/finish").url.endswith("/kiosk/")
    assert flow_rows(kiosk_app) == before - 1
    status = holder.get("/kiosk/done/status", headers={"Accept": "application/json"})
    assert status.status_code == 404
    for step in ("done", "review", "name"):
        assert holder.get(f"/kiosk/{step}").url.endswith("/kiosk/")


def test_cancel_wipes_the_flow_and_the_language(holder: Holder, kiosk_app: Flask) -> None:
    holder.walk_to_review("fa")
    before = flow_rows(kiosk_app)
    page = holder.post("/kiosk/cancel")
    assert page.url.endswith("/kiosk/") and '<html lang="en" dir="ltr">' in page.text
    assert flow_rows(kiosk_app) == before - 1
    assert holder.get("/kiosk/review").url.endswith("/kiosk/")


def test_start_over_keeps_the_language_and_asks_consent_again(holder: Holder) -> None:
    holder.walk_to_review("uk")
    page = holder.post("/kiosk/start-over")
    assert page.url.endswith("/kiosk/about") and '<html lang="uk"' in page.text
    holder.post("/kiosk/consent", {"answer": "yes"})
    assert 'value="Amina Diallo"' not in holder.get("/kiosk/name").text


def _sixteen(clinical_list: str) -> list[str]:
    return [c.code for c in choices.regular_concepts(clinical_list)][: choices.MAX_ITEMS]


def test_issue_refused_by_the_card_core_is_explained_on_the_review(holder: Holder) -> None:
    holder.walk_to_review(
        **{
            name: {"code": _sixteen(name), "action": "next"}
            for name in ("allergies", "medications", "conditions")
        }
    )
    response = holder.post("/kiosk/issue")
    assert response.status_code == 422
    assert "Too much for one card: please remove some medicines or illnesses." in response.text
    assert response.url.endswith("/kiosk/issue") and "Amina Diallo" in response.text


def test_still_here_pushes_back_the_idle_time_only_of_a_live_flow(holder: Holder) -> None:
    holder.get("/kiosk/")
    assert holder.post("/kiosk/still-here").json() == {"seconds": 0}
    holder.start()
    assert holder.post("/kiosk/still-here").json() == {"seconds": 120}


@pytest.fixture(scope="module")
def impatient_kiosk(
    tmp_path_factory: pytest.TempPathFactory, shared_database_url: str
) -> Iterator[tuple[Flask, str]]:
    """A kiosk whose idle timeout is one second, on a clock the tests move."""
    app = build(
        tmp_path_factory.mktemp("impatient"),
        shared_database_url,
        idle_timeout_seconds=1,
        CLOCK=MovableClock(),
    )
    with serving(app) as url:
        yield app, url


def test_idle_timeout_wipes_the_flow_on_the_server(impatient_kiosk: tuple[Flask, str]) -> None:
    app, url = impatient_kiosk
    holder = Holder(url)
    holder.start()
    holder.answer("name", {"name": "Amina Diallo"})
    before = flow_rows(app)
    app.extensions["ehcard"].clock.advance(timedelta(seconds=1))
    assert holder.get("/kiosk/birth").url.endswith("/kiosk/")
    assert flow_rows(app) == before - 1


def test_timeout_post_wipes_the_flow_and_logs_the_clinician_out(
    holder: Holder, kiosk_app: Flask
) -> None:
    _add_clinician(kiosk_app, "nurse.timeout")
    _log_in(holder, "nurse.timeout")
    holder.walk_to_review()
    assert holder.post("/kiosk/timeout").url.endswith("/kiosk/")
    assert holder.get("/kiosk/review").url.endswith("/kiosk/")
    assert "Clinician mode" not in holder.get("/kiosk/").text


PASSWORD = "correct horse battery"


def _add_clinician(app: Flask, username: str, role: str = "clinician") -> int:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        return add_user(session, username, PASSWORD, role, display_name="Dr Test").id


def _log_in(holder: Holder, username: str, password: str = PASSWORD) -> None:
    holder.get("/kiosk/clinician-login")
    response = holder.post("/kiosk/clinician-login", {"username": username, "password": password})
    assert response.url.endswith("/kiosk/"), response.text


def test_clinician_mode_marks_the_entered_items_confirmed(holder: Holder, kiosk_app: Flask) -> None:
    staff_id = _add_clinician(kiosk_app, "nurse.amal")
    _log_in(holder, "nurse.amal")
    review = holder.walk_to_review()
    assert "Clinician mode: Dr Test." in review.text
    # blood group, allergies and conditions were answered; medications were "I don't know"
    assert review.text.count("confirmed by a clinician") == 3
    done = holder.post("/kiosk/issue")
    code = done.text.split('class="card-code" dir="ltr">')[1].split("<")[0]
    event = next(e for e in _audit(kiosk_app, "card.issue") if e.subject == f"card:{code}")
    assert event.actor == f"user:{staff_id}"
    assert json.loads(event.details)["clinician_confirmed"] == 3
    assert staff_id > 0


@pytest.mark.parametrize(
    ("username", "role", "password"),
    [("nurse.wrong", "clinician", "not the password"), ("desk.clerk", "staff", PASSWORD)],
)
def test_clinician_login_refuses_wrong_passwords_and_other_roles(
    holder: Holder, kiosk_app: Flask, username: str, role: str, password: str
) -> None:
    user_id = _add_clinician(kiosk_app, username, role)
    holder.get("/kiosk/clinician-login")
    response = holder.post("/kiosk/clinician-login", {"username": username, "password": password})
    assert response.status_code == 401
    assert "Wrong user name or password, or this account is not a clinician&#39;s." in response.text
    failures = _audit(kiosk_app, "user.login_failed")
    assert any(e.subject == f"user:{user_id}" for e in failures)
    assert not any(username in f"{e.actor} {e.subject} {e.details}" for e in failures)


def test_sealed_answers_hold_nothing_readable(holder: Holder, kiosk_app: Flask) -> None:
    holder.walk_to_review()
    with kiosk_app.extensions["ehcard"].sessions() as session:
        sealed = [row.sealed for row in session.scalars(select(FlowRow))]
    assert sealed and not any(b"Amina" in blob or b"Diallo" in blob for blob in sealed)
    assert not any(b"33612345678" in blob for blob in sealed)
