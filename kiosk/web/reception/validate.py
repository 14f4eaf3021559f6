"""Check each step's form; every fault is a message for the field, in the holder's language.

Each `check_*` takes the posted form and the answers so far and returns the
new answers and the errors (field -> message). On an error the new answers
still hold what was typed, so the page shows it again and nothing is lost.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from cards import valuesets
from cards.packing import check_name, plain_apostrophes
from cards.spelling import readable_latin
from kiosk.domain.records.credentials import PIN_PATTERN, PinRefused, check_pin
from kiosk.web.reception import choices
from kiosk.web.reception.answers import CLINICAL_LISTS, Answers

Errors = dict[str, str]
NAME_MAX = 64
CONTACT_NAME_MAX = 40
PHONE_FIELD_MAX = 32
FIRST_BIRTH_YEAR = 1900
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_PHONE_SEPARATORS = str.maketrans("", "", " -.()/\u00a0")


def _ascii_digits(typed: str) -> str:
    """Digits from any script as 0-9: a Persian or Arabic keyboard types ۱۲۳ or ١٢٣."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in typed)


def _clean(text: str) -> str:
    """NFC, single spaces, no ends: what touch keyboards add is not the holder's fault."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _clean_name(text: str) -> str:
    """A name cleaned, its apostrophes (N’Diaye, Марʼяна) written as the card prints them."""
    return plain_apostrophes(_clean(text))


def _name_problem(name: str, limit: int) -> str | None:
    if not name:
        return None
    if len(name) > limit:
        return str(_("Too long: at most %(count)d characters.", count=limit))
    if check_name(name):
        return str(_("Only letters, spaces, hyphens and apostrophes can be printed in a name."))
    return None


def needs_latin(name: str) -> bool:
    """True when the name has a letter outside the Latin script: the kiosk asks how the
    holder's documents spell it, since that line is the one a doctor reads aloud."""
    return any(
        char.isalpha() and not unicodedata.name(char, "").startswith("LATIN") for char in name
    )


def check_name_step(form: MultiDict[str, str], answers: Answers) -> tuple[Answers, Errors]:
    """The name, and its spelling in the documents or "I have none" ("none")."""
    name = _clean_name(form.get("name", ""))
    latin_none = form.get("action") == "none"
    latin = "" if latin_none else _clean_name(form.get("name_latin", ""))
    answers = replace(answers, name=name, name_latin=latin, latin_none=latin_none)
    errors: Errors = {}
    if not name:
        errors["name"] = _("Please write your name.")
    elif problem := _name_problem(name, NAME_MAX):
        errors["name"] = problem
    if latin:
        if len(latin) > NAME_MAX:
            errors["name_latin"] = _("Too long: at most %(count)d characters.", count=NAME_MAX)
        elif not latin.isascii() or check_name(latin):
            errors["name_latin"] = _("Use only the Latin letters A to Z.")
    elif "name" in errors or not needs_latin(name):
        pass
    elif not latin_none:
        errors["name_latin"] = _("Write your name as in your documents, or tap “I have none”.")
    elif readable_latin(name) is None:
        errors["name_latin"] = _(
            "This name cannot be spelled for you: please type it in Latin letters."
        )
    return answers, errors


def check_birth_step(
    form: MultiDict[str, str], answers: Answers, *, today: date
) -> tuple[Answers, Errors]:
    year, month, day = (
        _ascii_digits(form.get(k, "").strip())[:4] for k in ("year", "month", "day")
    )
    answers = replace(answers, birth_year=year, birth_month=month, birth_day=day)
    if not year:
        return answers, {"birth": _("Please choose the year you were born.")}
    if not (year.isdigit() and month in ("", *map(str, range(1, 13)))):
        return answers, {"birth": _("Please choose from the lists.")}
    if not (day == "" or day.isdigit()):
        return answers, {"birth": _("Please choose from the lists.")}
    if int(year) > today.year:
        return answers, {"birth": _("This date is in the future.")}
    if int(year) < FIRST_BIRTH_YEAR:
        return answers, {"birth": _("Please choose from the lists.")}
    if bool(month) != bool(day):
        return answers, {"birth": _("Choose the day and the month, or neither of them.")}
    if month:
        try:
            born = date(int(year), int(month), int(day))
        except ValueError:
            return answers, {"birth": _("This date does not exist.")}
        if born > today:
            return answers, {"birth": _("This date is in the future.")}
    return answers, {}


def check_blood_step(form: MultiDict[str, str], answers: Answers) -> tuple[Answers, Errors]:
    code = form.get("blood_group", "")
    if code not in valuesets.blood_groups():
        return answers, {"blood_group": _("Please tap one of the buttons.")}
    return replace(answers, blood_group=code), {}


def _code_errors(codes: list[str], offered: set[str], private: set[str], limit: int) -> Errors:
    if len(codes) > limit:
        return {"codes": _("At most %(count)d items fit on the card.", count=limit)}
    if any(code in private for code in codes):
        return {"codes": _("This item is private: it can be added only in the private step.")}
    if any(code not in offered for code in codes):
        return {"codes": _("One of the items is not in the list. Please choose again.")}
    return {}


def check_clinical_step(
    clinical_list: str, form: MultiDict[str, str], answers: Answers
) -> tuple[Answers, Errors]:
    action = form.get("action", "")
    codes = list(dict.fromkeys(form.getlist("code")))
    if action == "none":
        return answers.answering(clinical_list, ()), {}
    if action == "unknown":
        return answers.answering(clinical_list, None), {}
    value_set = choices.VALUE_SETS[clinical_list]()
    private = {c for c in codes if c in value_set and value_set[c].sensitive}
    offered = {c for c in codes if choices.offered(clinical_list, c, sensitive=False)}
    errors = _code_errors(codes, offered, private, choices.MAX_ITEMS)
    if errors:
        return answers, errors
    # A search or a filter keeps what was ticked; only "next" needs a choice.
    answers = answers.answering(clinical_list, tuple(codes))
    if action == "next" and not codes:
        return answers, {"codes": _("Choose at least one item, or tap “None” or “I don't know”.")}
    return answers, {}


def normalise_phone(raw: str) -> str:
    phone = _ascii_digits(raw.strip()).translate(_PHONE_SEPARATORS)
    return "+" + phone[2:] if phone.startswith("00") else phone


def check_contact_step(form: MultiDict[str, str], answers: Answers) -> tuple[Answers, Errors]:
    if form.get("action") == "skip":
        return replace(answers, contact_name="", contact_phone=""), {}
    name = _clean_name(form.get("contact_name", ""))
    raw_phone = form.get("contact_phone", "").strip()
    answers = replace(answers, contact_name=name, contact_phone=raw_phone)
    errors: Errors = {}
    if not name:
        errors["contact_name"] = _("Please write the name of the person to call.")
    elif problem := _name_problem(name, CONTACT_NAME_MAX):
        errors["contact_name"] = problem
    phone = normalise_phone(raw_phone)
    if not raw_phone:
        errors["contact_phone"] = _("Please write the phone number.")
    elif len(raw_phone) > PHONE_FIELD_MAX or not E164.match(phone):
        errors["contact_phone"] = _(
            "Write the number with its country code, for example +33 6 12 34 56 78."
        )
    if errors:
        return answers, errors
    return replace(answers, contact_phone=phone), {}


def check_pin_step(form: MultiDict[str, str], answers: Answers) -> tuple[Answers, Errors]:
    """The record's PIN, typed twice; "skip" keeps a PIN chosen before (back from review)."""
    if form.get("action") == "skip" and answers.pin:
        return answers, {}
    pin = _ascii_digits("".join(form.get("pin", "").split()))
    again = _ascii_digits("".join(form.get("pin_again", "").split()))
    errors: Errors = {}
    if not pin:
        errors["pin"] = _("Please choose a PIN.")
    elif not pin.isascii() or not pin.isdigit():
        errors["pin"] = _("A PIN has only digits, from 0 to 9.")
    elif not PIN_PATTERN.match(pin):
        errors["pin"] = _("A PIN has 6 to 12 digits.")
    else:
        try:
            check_pin(pin)
        except PinRefused:
            errors["pin"] = _(
                "This PIN is too easy to guess: avoid repeated or consecutive digits."
            )
    if not errors and not again:
        errors["pin_again"] = _("Please type the same PIN a second time.")
    elif not errors and again != pin:
        errors["pin_again"] = _("The two PINs are not the same. Please type them again.")
    if errors:
        return answers, errors
    return replace(answers, pin=pin), {}


def check_languages_step(form: MultiDict[str, str], answers: Answers) -> tuple[Answers, Errors]:
    """The languages in the order tapped: the first is the card's first spoken language.

    reception.js posts that order in `order`; without it, languages chosen before keep
    their place and new ones follow in list order.
    """
    codes = list(dict.fromkeys(form.getlist("code")))
    order = [*form.get("order", "").split(), *answers.languages]
    codes.sort(key=lambda code: order.index(code) if code in order else len(order))
    known = set(valuesets.languages().concepts)
    errors = _code_errors(codes, known, set(), choices.MAX_LANGUAGES)
    if errors:
        return answers, errors
    return replace(answers, languages=tuple(codes)), {}


def check_sensitive_step(form: MultiDict[str, str], answers: Answers) -> tuple[Answers, Errors]:
    action = form.get("action", "")
    if action == "open":
        return replace(answers, sensitive_open=True), {}
    if action in ("skip", "close"):
        return replace(answers, sensitive_open=False, sensitive=()), {}
    items = list(dict.fromkeys(form.getlist("code")))
    if not answers.sensitive_open:
        return answers, {"codes": _("Open this step first to choose private items.")}
    offered = {
        item
        for item in items
        if (parts := item.partition("/"))[0] in choices.VALUE_SETS
        and choices.offered(parts[0], parts[2], sensitive=True)
    }
    errors = _code_errors(items, offered, set(), choices.MAX_ITEMS)
    if errors:
        return answers, errors
    answers = replace(answers, sensitive=tuple(items))
    too_many = [
        name
        for name in CLINICAL_LISTS
        if len(answers.printed_codes(name) or ()) > choices.MAX_ITEMS
    ]
    if too_many:
        return answers, {
            "codes": _("At most %(count)d items fit on the card.", count=choices.MAX_ITEMS)
        }
    return answers, {}
