"""The question pages, from the name to the private items; each GET shows, each POST checks."""

from __future__ import annotations

from babel.dates import get_month_names
from flask import request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from cards import valuesets
from kiosk.web.i18n import current_language
from kiosk.web.reception import choices, validate
from kiosk.web.reception.answers import Answers
from kiosk.web.reception.blueprint import bp
from kiosk.web.reception.flow import (
    after_step,
    flow_view,
    next_step,
    now,
    render_step,
    save_answers,
)
from kiosk.web.reception.validate import Errors

LATIN_SCRIPT_LANGUAGES = frozenset({"en", "fr", "es", "pt"})


def _back_to_review() -> bool:
    return request.values.get("from") == "review"


def _finish(step: str, answers: Answers, errors: Errors, db_session: Session) -> bool:
    """Keep valid answers; True when the step is done and the flow moves on.

    Answers with an error are not kept: the page shows them again as typed.
    """
    if errors:
        return False
    done = request.form.get("action", "next") in ("next", "none", "unknown", "skip")
    if done:
        answers = next_step(step, answers, back_to_review=_back_to_review())
    save_answers(db_session, answers)
    return done


@bp.route("/name", methods=["GET", "POST"])
@flow_view("name")
def name(db_session: Session, answers: Answers) -> ResponseReturnValue:
    errors: Errors = {}
    if request.method == "POST":
        answers, errors = validate.check_name_step(request.form, answers)
        if _finish("name", answers, errors, db_session):
            return after_step("name", back_to_review=_back_to_review())
    show_latin = (
        current_language() not in LATIN_SCRIPT_LANGUAGES
        or bool(answers.name_latin)
        or validate.needs_latin(answers.name)
    )
    return render_step(
        "reception/name.html", "name", answers, errors=errors, show_latin=show_latin
    ), (422 if errors else 200)


@bp.route("/birth", methods=["GET", "POST"])
@flow_view("birth")
def birth(db_session: Session, answers: Answers) -> ResponseReturnValue:
    errors: Errors = {}
    today = now().date()
    if request.method == "POST":
        answers, errors = validate.check_birth_step(request.form, answers, today=today)
        if _finish("birth", answers, errors, db_session):
            return after_step("birth", back_to_review=_back_to_review())
    months = get_month_names("wide", context="stand-alone", locale=current_language())
    return render_step(
        "reception/birth.html",
        "birth",
        answers,
        errors=errors,
        years=range(today.year, validate.FIRST_BIRTH_YEAR - 1, -1),
        months=[(str(number), months[number]) for number in range(1, 13)],
        days=range(1, 32),
    ), (422 if errors else 200)


@bp.route("/blood", methods=["GET", "POST"])
@flow_view("blood")
def blood(db_session: Session, answers: Answers) -> ResponseReturnValue:
    errors: Errors = {}
    if request.method == "POST":
        answers, errors = validate.check_blood_step(request.form, answers)
        if _finish("blood", answers, errors, db_session):
            return after_step("blood", back_to_review=_back_to_review())
    groups = [code for code in valuesets.blood_groups().concepts if code != "unknown"]
    return render_step("reception/blood.html", "blood", answers, errors=errors, groups=groups), (
        422 if errors else 200
    )


@bp.route("/<any(allergies, medications, conditions):clinical_list>", methods=["GET", "POST"])
@flow_view(None)
def clinical(db_session: Session, answers: Answers, clinical_list: str) -> ResponseReturnValue:
    errors: Errors = {}
    if request.method == "POST":
        answers, errors = validate.check_clinical_step(clinical_list, request.form, answers)
        if _finish(clinical_list, answers, errors, db_session):
            return after_step(clinical_list, back_to_review=_back_to_review())
    language = current_language()
    concepts = choices.regular_concepts(clinical_list)
    query = request.values.get("q", "")[:64]
    action = request.form.get("action", "")
    group = action.removeprefix("filter:")[:32] if action.startswith("filter:") else ""
    selected: tuple[str, ...] = getattr(answers, clinical_list) or ()
    return render_step(
        "reception/clinical.html",
        clinical_list,
        answers,
        errors=errors,
        clinical_list=clinical_list,
        query=query,
        group=group,
        groups=choices.groups(concepts, language),
        tiles=choices.tiles(
            ((c.code, c) for c in concepts), language, selected, query=query, group=group
        ),
    ), (422 if errors else 200)


@bp.route("/contact", methods=["GET", "POST"])
@flow_view("contact")
def contact(db_session: Session, answers: Answers) -> ResponseReturnValue:
    errors: Errors = {}
    if request.method == "POST":
        answers, errors = validate.check_contact_step(request.form, answers)
        if _finish("contact", answers, errors, db_session):
            return after_step("contact", back_to_review=_back_to_review())
    return render_step("reception/contact.html", "contact", answers, errors=errors), (
        422 if errors else 200
    )


@bp.route("/languages", methods=["GET", "POST"])
@flow_view("languages")
def languages(db_session: Session, answers: Answers) -> ResponseReturnValue:
    errors: Errors = {}
    if request.method == "POST":
        answers, errors = validate.check_languages_step(request.form, answers)
        if _finish("languages", answers, errors, db_session):
            return after_step("languages", back_to_review=_back_to_review())
    return render_step(
        "reception/languages.html",
        "languages",
        answers,
        errors=errors,
        tiles=choices.language_tiles(answers.languages),
    ), (422 if errors else 200)


@bp.route("/sensitive", methods=["GET", "POST"])
@flow_view("sensitive")
def sensitive(db_session: Session, answers: Answers) -> ResponseReturnValue:
    errors: Errors = {}
    if request.method == "POST":
        answers, errors = validate.check_sensitive_step(request.form, answers)
        if _finish("sensitive", answers, errors, db_session):
            return after_step("sensitive", back_to_review=_back_to_review())
    language = current_language()
    items = choices.sensitive_items()
    return render_step(
        "reception/sensitive.html",
        "sensitive",
        answers,
        errors=errors,
        tiles=choices.tiles(
            ((f"{name}/{concept.code}", concept) for name, concept in items),
            language,
            answers.sensitive,
        ),
    ), (422 if errors else 200)


@bp.route("/pin", methods=["GET", "POST"])
@flow_view("pin")
def pin(db_session: Session, answers: Answers) -> ResponseReturnValue:
    """The PIN of the full record. The page never shows a PIN, not even the one typed."""
    errors: Errors = {}
    if request.method == "POST":
        answers, errors = validate.check_pin_step(request.form, answers)
        if _finish("pin", answers, errors, db_session):
            return after_step("pin", back_to_review=_back_to_review())
    return render_step(
        "reception/pin.html",
        "pin",
        answers,
        errors=errors,
        has_pin=bool(answers.pin),
        digits=("1", "2", "3", "4", "5", "6", "7", "8", "9"),
    ), (422 if errors else 200)
