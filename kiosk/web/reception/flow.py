"""What every reception page shares: the flow of this kiosk session, its steps, its page frame."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, cast

from flask import redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session

from kiosk.context import services, transaction
from kiosk.domain.accounts.users import StaffUser
from kiosk.web.i18n import current_language
from kiosk.web.reception import store
from kiosk.web.reception.answers import CLINICAL_LISTS, STEPS, Answers

FLOW_KEY = "reception_flow"
LANGUAGE_KEY = "lang"
StepView = Callable[..., ResponseReturnValue]
# The order the picker shows, each language under its own name (no flags:
# a flag is a country, not a language).
NATIVE_NAMES = {
    "ar": "العربية",
    "fa": "فارسی",
    "ps": "پښتو",
    "ti": "ትግርኛ",
    "uk": "Українська",
    "ru": "Русский",
    "ka": "ქართული",
    "es": "Español",
    "pt": "Português",
    "en": "English",
    "fr": "Français",
}



def now() -> datetime:
    return services().clock.now()


def idle() -> timedelta:
    return timedelta(seconds=services().settings.idle_timeout_seconds)


def clinician() -> StaffUser | None:
    """The clinician logged in at this kiosk, whose confirmation goes on the card."""
    user = current_user
    if user.is_authenticated and getattr(user, "role", "") == "clinician":
        return cast(StaffUser, user)
    return None


def step_url(step: str, **params: Any) -> str:
    if step in CLINICAL_LISTS:
        return url_for("reception.clinical", clinical_list=step, **params)
    return url_for(f"reception.{step}", **params)


def start_url() -> str:
    return url_for("reception.start")


def load_answers(db_session: Session) -> Answers | None:
    token = session.get(FLOW_KEY)
    if not isinstance(token, str):
        return None
    answers = store.load(db_session, token, now=now(), idle=idle())
    if answers is None:
        session.pop(FLOW_KEY, None)
    return answers


def save_answers(db_session: Session, answers: Answers) -> None:
    token = session.get(FLOW_KEY)
    if not isinstance(token, str):
        token = store.new_token()
        session[FLOW_KEY] = token
    store.save(db_session, token, answers, now=now(), idle=idle())


def end_flow(db_session: Session) -> None:
    """Delete this kiosk session's answers, whatever step it was at."""
    token = session.pop(FLOW_KEY, None)
    if isinstance(token, str):
        store.wipe(db_session, token)


def flow_view(step: str | None) -> Callable[[StepView], StepView]:
    """Run a view in one transaction with this session's answers.

    No flow (never begun, finished, cancelled, expired) -> the start page; a
    step the holder has not reached -> the furthest reached; an issued card
    -> its print status. `step=None` takes the step from the `clinical_list`
    URL part.
    """

    def decorate(view: StepView) -> StepView:
        @wraps(view)
        def wrapped(**kwargs: Any) -> ResponseReturnValue:
            with transaction() as db_session:
                answers = load_answers(db_session)
                if answers is None:
                    return redirect(start_url())
                current = step or kwargs.get("clinical_list", "")
                if answers.issued_card and current != "done":
                    return redirect(url_for("reception.done"))
                if current in STEPS and not answers.may_open(current):
                    return redirect(step_url(STEPS[answers.reached]))
                if current == "done" and not answers.issued_card:
                    return redirect(step_url(STEPS[answers.reached]))
                return view(db_session, answers, **kwargs)

        return wrapped

    return decorate


def next_step(step: str, answers: Answers, *, back_to_review: bool) -> Answers:
    """The answers with the step after `step` opened."""
    following = STEPS[STEPS.index(step) + 1]
    return answers.reaching("review" if back_to_review else following)


def after_step(step: str, *, back_to_review: bool) -> ResponseReturnValue:
    following = STEPS[STEPS.index(step) + 1]
    return redirect(step_url("review" if back_to_review else following))


def back_url(step: str) -> str:
    index = STEPS.index(step)
    return step_url(STEPS[index - 1]) if index else url_for("reception.about")


def render_step(template: str, step: str, answers: Answers, **context: Any) -> str:
    """A flow page in the kiosk frame: progress, back/start over/cancel, idle countdown."""
    return render_template(
        template,
        step=step,
        step_number=STEPS.index(step) + 1,
        step_count=len(STEPS),
        back=back_url(step),
        answers=answers,
        has_flow=True,
        **frame(),
        **context,
    )


def frame() -> dict[str, Any]:
    """What the kiosk frame (layout.html) needs on every page."""
    return {
        "holder_language": current_language(),
        "card_language": services().settings.card_language,
        "idle_seconds": services().settings.idle_timeout_seconds,
        "clinician": clinician(),
        "language_names": NATIVE_NAMES,
        "step_url": step_url,
    }
