"""Start, consent, review, issue and the end of a flow (done, finish, cancel, idle timeout)."""

from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import logout_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cards.errors import ProfileError
from cards.valuesets import UI_LANGUAGES
from kiosk.context import services, transaction
from kiosk.domain.cards.issuing import card_progress, entered_clinical_fields, issue_for_holder
from kiosk.domain.cards.registry import card_issued_for
from kiosk.web.i18n import current_language
from kiosk.web.reception import review as review_content
from kiosk.web.reception import store
from kiosk.web.reception.answers import STEPS, Answers
from kiosk.web.reception.blueprint import bp
from kiosk.web.reception.flow import (
    FLOW_KEY,
    LANGUAGE_KEY,
    NATIVE_NAMES,
    clinician,
    end_flow,
    flow_view,
    frame,
    idle,
    load_answers,
    now,
    render_step,
    save_answers,
    start_url,
    step_url,
)


@bp.get("/")
def start() -> ResponseReturnValue:
    return render_template("reception/start.html", languages=NATIVE_NAMES.items(), **frame())


@bp.post("/")
def choose_language() -> ResponseReturnValue:
    language = request.form.get("lang", "")
    if language not in UI_LANGUAGES:
        abort(400, description=f"{language!r} is not a kiosk language")
    session[LANGUAGE_KEY] = language
    with transaction() as db_session:
        answers = load_answers(db_session)
    if answers is None:
        return redirect(url_for("reception.about"))
    return redirect(step_url(STEPS[answers.reached]))


@bp.get("/about")
def about() -> ResponseReturnValue:
    return render_template("reception/about.html", **frame())


@bp.post("/consent")
def consent() -> ResponseReturnValue:
    """Yes: a flow begins (the first thing stored). No: the holder leaves, nothing stored."""
    if request.form.get("answer") != "yes":
        return cancel()
    with transaction() as db_session:
        answers = load_answers(db_session)
        if answers is None:
            answers = Answers(issuance_key=store.new_issuance_key())
            save_answers(db_session, answers)
    return redirect(step_url(STEPS[answers.reached]))


@bp.post("/cancel")
def cancel() -> ResponseReturnValue:
    with transaction() as db_session:
        end_flow(db_session)
    session.pop(LANGUAGE_KEY, None)
    return redirect(start_url())


@bp.post("/start-over")
def start_over() -> ResponseReturnValue:
    """Same language, a blank flow: back to the explanation and the consent."""
    with transaction() as db_session:
        end_flow(db_session)
    return redirect(url_for("reception.about"))


@bp.post("/timeout")
def timeout() -> ResponseReturnValue:
    """The idle countdown ran out: wipe everything, the clinician's login too."""
    logout_user()
    return cancel()


@bp.post("/still-here")
def still_here() -> ResponseReturnValue:
    """The holder touched the screen: push back the idle timeout of the flow."""
    token = session.get(FLOW_KEY)
    with transaction() as db_session:
        alive = isinstance(token, str) and store.touch(db_session, token, now=now(), idle=idle())
    return jsonify({"seconds": services().settings.idle_timeout_seconds if alive else 0})


@bp.get("/review")
@flow_view("review")
def review(db_session: Session, answers: Answers) -> ResponseReturnValue:
    return _review_page(answers, error="")


def _review_page(answers: Answers, *, error: str) -> ResponseReturnValue:
    holder_language = current_language()
    card_language = services().settings.card_language
    sections = review_content.sections(answers, holder_language, card_language)
    confirming = clinician()
    confirmed = set(entered_clinical_fields(answers.profile())) if confirming else set()
    page = render_step(
        "reception/review.html",
        "review",
        answers,
        sections=sections,
        confirmed=confirmed,
        two_languages=holder_language != card_language,
        error=error,
    )
    return page, (422 if error else 200)


@bp.post("/issue")
@flow_view("review")
def issue(db_session: Session, answers: Answers) -> ResponseReturnValue:
    """Issue the card, its record and its slip; the answers and the PIN are erased at once.

    The same submit may arrive again (a lost answer, a killed worker, a second tap while the
    first runs): the flow's issuance key finds the card already issued, never a second one.
    """
    if not answers.pin:
        return redirect(step_url("pin"))
    key = answers.issuance_key or store.new_issuance_key()
    card_code = _issued_for(db_session, key)
    if card_code is None:
        try:
            with db_session.begin_nested():
                card_code = issue_for_holder(
                    db_session,
                    services(),
                    answers.profile(),
                    holder_language=current_language(),
                    clinician=clinician(),
                    pin=answers.pin,
                    issuance_key=key,
                ).card_code
        except ProfileError as error:
            db_session.rollback()
            return _review_page(answers, error=_profile_error_text(error))
        except IntegrityError:
            # Another copy of this submit registered the card first (the unique key).
            card_code = _issued_for(db_session, key)
            if card_code is None:
                raise
    save_answers(db_session, Answers(reached=answers.reached, issued_card=card_code))
    return redirect(url_for("reception.done"))


def _issued_for(db_session: Session, issuance_key: str) -> str | None:
    row = card_issued_for(db_session, issuance_key)
    return None if row is None else row.card_code


def _profile_error_text(error: ProfileError) -> str:
    if error.field == "profile":
        return str(_("Too much for one card: please remove some medicines or illnesses."))
    return str(_("Some answers cannot be put on a card. Please check them."))


@bp.get("/done")
@flow_view("done")
def done(db_session: Session, answers: Answers) -> ResponseReturnValue:
    progress = card_progress(db_session, answers.issued_card)
    return render_template(
        "reception/done.html",
        card_code=answers.issued_card,
        progress=progress,
        has_flow=True,
        **frame(),
    )


@bp.get("/done/status")
def done_status() -> ResponseReturnValue:
    """The print status page's poll: the card's progress as JSON (404 once the flow ended)."""
    with transaction() as db_session:
        answers = load_answers(db_session)
        if answers is None or not answers.issued_card:
            abort(404, description="no card was issued in this kiosk session")
        progress = card_progress(db_session, answers.issued_card)
    return jsonify(
        {
            "state": progress.state,
            "attempts": progress.attempts,
            "message": progress.message,
            "final": progress.final,
        }
    )


@bp.post("/finish")
def finish() -> ResponseReturnValue:
    """The holder took the card: wipe the flow, the next person starts from the beginning."""
    return cancel()
