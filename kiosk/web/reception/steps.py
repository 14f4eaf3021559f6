"""The question pages, from the name to the private items, declared as a table.

Every step page works the same way: GET shows the page; POST checks the form, keeps
the valid answers and moves on (or shows the page again, 422, with the errors). A row of
STEP_PAGES says what differs: its endpoint and URL, its template, the check of its form
and what else its template shows. The order of the steps (and so the next one) is
answers.STEPS, which the progress bar, the back links and the flow's guard also follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from babel.dates import get_month_names
from flask import request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from cards import valuesets
from cards.valuesets import Concept
from kiosk.web.i18n import current_language
from kiosk.web.reception import choices, validate
from kiosk.web.reception.answers import Answers
from kiosk.web.reception.blueprint import bp
from kiosk.web.reception.flow import (
    StepView,
    after_step,
    flow_view,
    next_step,
    now,
    render_step,
    save_answers,
)
from kiosk.web.reception.validate import Errors

LATIN_SCRIPT_LANGUAGES = frozenset({"en", "fr", "es", "pt"})
CLINICAL = "clinical"  # one endpoint for the three clinical lists, named by the URL

Form = MultiDict[str, str]
Check = Callable[[str, Form, Answers], tuple[Answers, Errors]]
Context = Callable[[str, Answers], dict[str, Any]]


@dataclass(frozen=True)
class StepPage:
    endpoint: str  # reception.<endpoint>; the step itself, but for the clinical lists
    rule: str
    template: str
    check: Check  # (step, form, answers) -> the answers with the form's, and any errors
    context: Context  # (step, answers) -> what the template shows besides answers and errors


def _form_only(check: Callable[[Form, Answers], tuple[Answers, Errors]]) -> Check:
    """A step's check that needs only the form and the answers so far."""

    def checked(_step: str, form: Form, answers: Answers) -> tuple[Answers, Errors]:
        return check(form, answers)

    return checked


def _check_birth(_step: str, form: Form, answers: Answers) -> tuple[Answers, Errors]:
    return validate.check_birth_step(form, answers, today=now().date())


def _nothing_more(_step: str, _answers: Answers) -> dict[str, Any]:
    return {}


def _name_page(_step: str, answers: Answers) -> dict[str, Any]:
    show_latin = (
        current_language() not in LATIN_SCRIPT_LANGUAGES
        or bool(answers.name_latin)
        or validate.needs_latin(answers.name)
    )
    return {"show_latin": show_latin}


def _birth_page(_step: str, _answers: Answers) -> dict[str, Any]:
    today = now().date()
    months = get_month_names("wide", context="stand-alone", locale=current_language())
    return {
        "years": range(today.year, validate.FIRST_BIRTH_YEAR - 1, -1),
        "months": [(str(number), months[number]) for number in range(1, 13)],
        "days": range(1, 32),
    }


def _blood_page(_step: str, _answers: Answers) -> dict[str, Any]:
    return {"groups": [code for code in valuesets.blood_groups().concepts if code != "unknown"]}


def _clinical_page(clinical_list: str, answers: Answers) -> dict[str, Any]:
    language = current_language()
    concepts = choices.regular_concepts(clinical_list)
    query = request.values.get("q", "")[:64]
    action = request.form.get("action", "")
    group = action.removeprefix("filter:")[:32] if action.startswith("filter:") else ""
    selected: tuple[str, ...] = getattr(answers, clinical_list) or ()
    value_set = choices.VALUE_SETS[clinical_list]()
    curated = {c.code for c in concepts}
    # Codes chosen earlier from a search stay on the page, ticked.
    kept = [value_set[code] for code in selected if code not in curated and code in value_set]
    extra = choices.found(
        clinical_list, query, language, sensitive=False, shown=curated | set(selected)
    )
    items = [*concepts, *kept]
    return {
        "clinical_list": clinical_list,
        "query": query,
        "group": group,
        "groups": choices.groups(concepts, language),
        "tiles": choices.tiles(
            ((c.code, c) for c in items), language, selected, query=query, group=group
        )
        + choices.tiles(((c.code, c) for c in extra), language, selected),
    }


def _languages_page(_step: str, answers: Answers) -> dict[str, Any]:
    return {"tiles": choices.language_tiles(answers.languages), "chosen": answers.languages}


def _sensitive_page(_step: str, answers: Answers) -> dict[str, Any]:
    language = current_language()
    query = request.values.get("q", "")[:64]
    items = [(f"{name}/{concept.code}", concept) for name, concept in choices.sensitive_items()]
    shown = {value for value, _concept in items}
    for value in answers.sensitive:  # chosen earlier from a search
        name, _, code = value.partition("/")
        if value not in shown and name in choices.VALUE_SETS:
            items.append((value, choices.VALUE_SETS[name]()[code]))
    extra: list[tuple[str, Concept]] = []
    for name in choices.VALUE_SETS:
        codes = {v.partition("/")[2] for v in shown | set(answers.sensitive) if v.startswith(name)}
        extra += [
            (f"{name}/{c.code}", c)
            for c in choices.found(name, query, language, sensitive=True, shown=codes)
        ]
    return {
        "query": query,
        "tiles": choices.tiles(items, language, answers.sensitive, query=query)
        + choices.tiles(extra, language, answers.sensitive),
    }


def _pin_page(_step: str, answers: Answers) -> dict[str, Any]:
    """The PIN of the full record. The page never shows a PIN, not even the one typed."""
    return {"has_pin": bool(answers.pin), "digits": ("1", "2", "3", "4", "5", "6", "7", "8", "9")}


STEP_PAGES = (
    StepPage("name", "/name", "reception/name.html",
             _form_only(validate.check_name_step), _name_page),
    StepPage("birth", "/birth", "reception/birth.html", _check_birth, _birth_page),
    StepPage("blood", "/blood", "reception/blood.html",
             _form_only(validate.check_blood_step), _blood_page),
    StepPage(CLINICAL, "/<any(allergies, medications, conditions):clinical_list>",
             "reception/clinical.html", validate.check_clinical_step, _clinical_page),
    StepPage("contact", "/contact", "reception/contact.html",
             _form_only(validate.check_contact_step), _nothing_more),
    StepPage("languages", "/languages", "reception/languages.html",
             _form_only(validate.check_languages_step), _languages_page),
    StepPage("sensitive", "/sensitive", "reception/sensitive.html",
             _form_only(validate.check_sensitive_step), _sensitive_page),
    StepPage("pin", "/pin", "reception/pin.html",
             _form_only(validate.check_pin_step), _pin_page),
)  # fmt: skip


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


def step_view(page: StepPage) -> StepView:
    """The view of one row: show on GET; on POST check, keep and move on, or show the errors."""

    def view(db_session: Session, answers: Answers, **url: str) -> ResponseReturnValue:
        step = url.get("clinical_list", page.endpoint)
        errors: Errors = {}
        if request.method == "POST":
            answers, errors = page.check(step, request.form, answers)
            if _finish(step, answers, errors, db_session):
                return after_step(step, back_to_review=_back_to_review())
        html = render_step(
            page.template, step, answers, errors=errors, **page.context(step, answers)
        )
        return html, (422 if errors else 200)

    view.__name__ = page.endpoint
    # The clinical lists' step comes from the URL (flow_view's None).
    return flow_view(None if page.endpoint == CLINICAL else page.endpoint)(view)


for _page in STEP_PAGES:
    bp.add_url_rule(
        _page.rule, endpoint=_page.endpoint, view_func=step_view(_page), methods=["GET", "POST"]
    )
