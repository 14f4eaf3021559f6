"""Each question page over real HTTP: good answers move on, each bad one is named at its field."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.support import Translations
from flask import Flask

from cards import valuesets
from kiosk.web.reception.answers import STEPS, Answers
from kiosk.web.reception.flow import step_url
from tests.holder import Holder, field_errors
from tests.kiosk.reception.conftest import flow_rows

LANGUAGE_BUTTONS = [
    "العربية", "فارسی", "پښتو", "ትግርኛ", "Українська", "Русский",
    "ქართული", "Español", "Português", "English", "Français",
]  # fmt: skip


def test_language_picker_names_every_language_in_its_own_script(holder: Holder) -> None:
    page = holder.get("/kiosk/").text
    positions = [page.index(f">{name}</button>") for name in LANGUAGE_BUTTONS]
    assert positions == sorted(positions)
    assert "<img" not in page and "flag" not in page.lower()


def test_chosen_language_is_the_page_language_and_arabic_is_right_to_left(holder: Holder) -> None:
    holder.get("/kiosk/")
    page = holder.post("/kiosk/", {"lang": "ar"})
    assert page.url.endswith("/kiosk/about")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert 'name="answer" value="yes"' in page.text


def test_unknown_language_is_refused(holder: Holder) -> None:
    holder.get("/kiosk/")
    response = holder.post("/kiosk/", {"lang": "xx"})
    assert response.status_code == 400
    assert "&#39;xx&#39; is not a kiosk language" in response.text


def test_declining_consent_stores_nothing_and_leaves(holder: Holder, kiosk_app: Flask) -> None:
    before = flow_rows(kiosk_app)
    holder.get("/kiosk/")
    holder.post("/kiosk/", {"lang": "fr"})
    response = holder.post("/kiosk/consent", {"answer": "no"})
    assert response.url.endswith("/kiosk/")
    assert flow_rows(kiosk_app) == before
    assert holder.get("/kiosk/name").url.endswith("/kiosk/")


def test_consent_begins_the_flow_at_the_name(holder: Holder, kiosk_app: Flask) -> None:
    before = flow_rows(kiosk_app)
    response = holder.start("fr")
    assert response.url.endswith("/kiosk/name")
    assert flow_rows(kiosk_app) == before + 1


def test_a_step_not_yet_reached_sends_back_to_the_furthest_reached(holder: Holder) -> None:
    holder.start()
    assert holder.get("/kiosk/review").url.endswith("/kiosk/name")
    holder.answer("name", {"name": "Amina Diallo"})
    assert holder.get("/kiosk/contact").url.endswith("/kiosk/birth")


def test_without_a_flow_every_step_shows_the_start_page(holder: Holder) -> None:
    for step in ("name", "birth", "allergies", "review", "done"):
        assert holder.get(f"/kiosk/{step}").url.endswith("/kiosk/")


BAD_NAMES = [
    ("", "Please write your name."),
    ("   ", "Please write your name."),
    (
        "Amina\u202eollaiD",
        "Only letters, spaces, hyphens and apostrophes can be printed in a name.",
    ),
    ("Amina 2", "Only letters, spaces, hyphens and apostrophes can be printed in a name."),
    ("A" * 65, "Too long: at most 64 characters."),
]


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_bad_name_is_refused_next_to_the_field(reviewing: Holder, name: str, message: str) -> None:
    response = reviewing.answer("name", {"name": name})
    assert response.status_code == 422
    assert field_errors(response) == {"name": message}
    assert 'aria-invalid="true" aria-describedby="error-name"' in response.text


def test_error_is_shown_in_the_holders_language(holder: Holder) -> None:
    holder.start("fr")
    response = holder.answer("name", {"name": "Amina\u202eollaiD"})
    assert field_errors(response) == {
        "name": "Un nom ne peut contenir que des lettres, des espaces, des traits d’union "
        "et des apostrophes."
    }


def test_spaces_from_a_touch_keyboard_are_tidied(holder: Holder) -> None:
    holder.start()
    response = holder.answer("name", {"name": "  Amina   Diallo "})
    assert response.url.endswith("/kiosk/birth")
    assert 'value="Amina Diallo"' in holder.get("/kiosk/name").text


def test_a_script_without_a_transliteration_table_needs_a_latin_spelling(holder: Holder) -> None:
    holder.start("ti")
    response = holder.answer("name", {"name": "ሰላም ተስፋይ"})
    assert response.status_code == 422
    assert list(field_errors(response)) == ["name_latin"]
    assert 'value="ሰላም ተስፋይ"' in response.text  # nothing typed is lost
    response = holder.answer("name", {"name": "ሰላም ተስፋይ", "name_latin": "Selam Tesfay"})
    assert response.url.endswith("/kiosk/birth")


def test_latin_spelling_must_be_latin(holder: Holder) -> None:
    holder.start("ka")
    response = holder.answer("name", {"name": "ნინო", "name_latin": "ნინო"})
    assert field_errors(response) == {
        "name_latin": "გამოიყენეთ მხოლოდ ლათინური ასოები A-დან Z-მდე."
    }


def test_year_of_birth_alone_is_enough(holder: Holder) -> None:
    holder.start()
    holder.answer("name", {"name": "Amina Diallo"})
    assert holder.answer("birth", {"year": "1994"}).url.endswith("/kiosk/blood")


NEXT_YEAR = str(datetime.now(UTC).year + 1)
BAD_BIRTHS = [
    ({}, "Please choose the year you were born."),
    ({"year": NEXT_YEAR}, "This date is in the future."),
    ({"year": "1850"}, "Please choose from the lists."),
    ({"year": "19x4"}, "Please choose from the lists."),
    ({"year": "1994", "month": "3"}, "Choose the day and the month, or neither of them."),
    ({"year": "1994", "month": "2", "day": "30"}, "This date does not exist."),
    ({"year": "1994", "month": "13", "day": "1"}, "Please choose from the lists."),
]


@pytest.mark.parametrize(("form", "message"), BAD_BIRTHS)
def test_bad_birth_date_is_refused(reviewing: Holder, form: dict[str, str], message: str) -> None:
    response = reviewing.answer("birth", form)
    assert response.status_code == 422
    assert field_errors(response) == {"birth": message}


def test_bad_answers_change_nothing(reviewing: Holder) -> None:
    reviewing.answer("name", {"name": "Amina\u202eollaiD"})
    reviewing.answer("contact", {"contact_name": "Moussa", "contact_phone": "0612"})
    review = reviewing.get("/kiosk/review").text
    assert "Amina Diallo" in review and "\u202e" not in review and "+33612345678" in review


def test_blood_group_outside_the_value_set_is_refused(reviewing: Holder) -> None:
    response = reviewing.answer("blood", {"blood_group": "Z+"})
    assert field_errors(response) == {"blood_group": "Please tap one of the buttons."}


NOT_IN_LIST = "One of the items is not in the list. Please choose again."
PRIVATE_HERE = "This item is private: it can be added only in the private step."
BAD_CHOICES = [
    ({"code": ["123456"], "action": "next"}, NOT_IN_LIST),
    ({"code": ["713707006"], "action": "next"}, PRIVATE_HERE),  # abacavir allergy
    ({"action": "next"}, "Choose at least one item, or tap “None” or “I don't know”."),
]


@pytest.mark.parametrize(("form", "message"), BAD_CHOICES)
def test_bad_allergy_choice_is_refused(
    reviewing: Holder, form: dict[str, str], message: str
) -> None:
    response = reviewing.answer("allergies", form)
    assert response.status_code == 422
    assert field_errors(response) == {"codes": message}


def test_too_many_items_are_refused(reviewing: Holder) -> None:
    page = reviewing.get("/kiosk/medications").text
    codes = sorted(set(re.findall(r'name="code" value="([A-Z0-9]{7})"', page)))[:17]
    response = reviewing.answer("medications", {"code": codes, "action": "next"})
    assert field_errors(response) == {"codes": "At most 16 items fit on the card."}


def test_search_keeps_what_was_ticked_and_hides_the_rest(holder: Holder) -> None:
    holder.walk_to_review()
    page = holder.answer("conditions", {"code": ["J45"], "q": "diab", "action": "search"})
    assert page.status_code == 200 and page.url.endswith("/kiosk/conditions")
    assert 'value="J45" checked' in page.text
    assert 'class="tile" data-group="drop"' in page.text  # diabetes shown
    assert 'class="tile hidden" data-group="heart"' in page.text  # heart failure hidden


def test_none_and_i_dont_know_are_different_answers(holder: Holder) -> None:
    holder.walk_to_review()
    holder.answer("allergies", {"action": "none"})
    holder.answer("medications", {"action": "unknown"})
    review = holder.get("/kiosk/review").text
    assert valuesets.term("state.none_known", "en") in review
    # The holder's own answer in the holder's column; the card (French) prints "not asked".
    assert "<bdi>I don&#39;t know</bdi>" in review
    assert f"<bdi>{valuesets.term('state.not_asked', 'fr')}</bdi>" in review
    assert valuesets.term("state.not_asked", "en") not in review


# The "I don't know" button of each language, as the holder tapped it (the kiosk catalogue).
I_DONT_KNOW = {
    "ar": "لا أعرف", "fa": "نمی‌دانم", "ps": "نه پوهېږم", "ti": "ኣይፈልጥን", "uk": "Не знаю",
    "ru": "Не знаю", "ka": "არ ვიცი", "es": "No lo sé", "pt": "Não sei", "en": "I don't know",
    "fr": "Je ne sais pas",
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(I_DONT_KNOW))
def test_i_dont_know_is_shown_back_as_the_holders_answer(holder: Holder, language: str) -> None:
    review = holder.walk_to_review(language).text  # medications: "I don't know"
    row = review[review.index('data-field="medications"') :]
    row = row[: row.index('class="button small change"')]
    holder_column = row[: row.index("</ul>")]
    assert f"<bdi>{I_DONT_KNOW[language]}</bdi>" in html.unescape(holder_column)
    assert valuesets.term("state.not_asked", language) not in holder_column


BAD_PHONES = ["0612345678", "+0612345678", "+33 6 12", "+33 6 12 34 56 78 90 12 34", "phone"]


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_phone_without_country_code_is_refused(reviewing: Holder, phone: str) -> None:
    response = reviewing.answer("contact", {"contact_name": "Moussa", "contact_phone": phone})
    assert response.status_code == 422
    assert field_errors(response) == {
        "contact_phone": "Write the number with its country code, for example +33 6 12 34 56 78."
    }
    assert 'value="Moussa"' in response.text and f'value="{phone}"' in response.text


def test_phone_with_00_prefix_is_written_as_e164(holder: Holder) -> None:
    holder.walk_to_review()
    holder.answer("contact", {"contact_name": "Moussa", "contact_phone": "0033 6-12-34-56-78"})
    assert "+33612345678" in holder.get("/kiosk/review").text


def test_contact_needs_a_name(reviewing: Holder) -> None:
    response = reviewing.answer("contact", {"contact_phone": "+33612345678"})
    assert field_errors(response) == {
        "contact_name": "Please write the name of the person to call."
    }


def test_unknown_language_code_is_refused(reviewing: Holder) -> None:
    response = reviewing.answer("languages", {"code": ["fr", "xx"], "action": "next"})
    assert field_errors(response) == {
        "codes": "One of the items is not in the list. Please choose again."
    }


def test_private_items_need_the_private_step_opened(reviewing: Holder) -> None:
    response = reviewing.answer("sensitive", {"code": ["conditions/B24"], "action": "next"})
    assert field_errors(response) == {"codes": "Open this step first to choose private items."}
    assert "HIV infection" not in reviewing.get("/kiosk/review").text


def test_private_item_is_printed_only_while_its_step_is_open(holder: Holder) -> None:
    holder.walk_to_review()
    assert "HIV infection" not in holder.get("/kiosk/sensitive").text  # closed by default
    holder.answer("sensitive", {"action": "open"})
    holder.answer("sensitive", {"code": ["conditions/B24"], "action": "next"})
    assert "HIV infection" in holder.get("/kiosk/review").text
    holder.answer("sensitive", {"action": "close"})
    assert "HIV infection" not in holder.get("/kiosk/review").text


def test_post_without_csrf_token_is_refused(holder: Holder) -> None:
    holder.start()
    response = holder.http.post(f"{holder.base}/kiosk/name", data={"name": "Amina"}, timeout=10)
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.text


def test_oversized_form_is_refused(holder: Holder) -> None:
    holder.start()
    response = holder.answer("name", {"name": "A" * 1_000_000})
    assert response.status_code == 413


def test_kiosk_pages_are_never_cached(holder: Holder) -> None:
    holder.start()
    for path in ("/kiosk/", "/kiosk/about", "/kiosk/name"):
        assert holder.get(path).headers["Cache-Control"] == "no-store"


def test_every_question_of_the_flow_has_its_page_url_and_endpoint(kiosk_app: Flask) -> None:
    rules = {
        rule.endpoint: (rule.rule, rule.methods)
        for rule in kiosk_app.url_map.iter_rules()
        if rule.endpoint.startswith("reception.")
    }
    both = {"GET", "HEAD", "OPTIONS", "POST"}
    for step in ("name", "birth", "blood", "contact", "languages", "sensitive", "pin"):
        assert rules[f"reception.{step}"] == (f"/kiosk/{step}", both)
    assert rules["reception.clinical"] == (
        "/kiosk/<any(allergies, medications, conditions):clinical_list>",
        both,
    )
    with kiosk_app.test_request_context():
        assert [step_url(step) for step in STEPS[:-1]] == [f"/kiosk/{step}" for step in STEPS[:-1]]


NAME_LANGUAGES = ("ar", "fa", "ps", "ti", "uk", "ru", "ka", "es", "pt", "en", "fr")


def _catalogue(language: str) -> Translations:
    folder = Path(__file__).resolve().parents[3] / "kiosk" / "web" / "reception" / "translations"
    return Translations.load(str(folder), [language])


@pytest.mark.parametrize("name", ["محمد الخطيب", "علی رضایی", "Олена Шевченко", "ნინო"])
def test_a_name_outside_the_latin_script_is_asked_for_its_documents_spelling(
    holder: Holder, name: str
) -> None:
    holder.start("en")
    response = holder.answer("name", {"name": name})
    assert field_errors(response) == {
        "name_latin": "Write your name as in your documents, or tap “I have none”."
    }
    assert f'value="{name}"' in response.text
    response = holder.answer("name", {"name": name, "action": "none"})
    assert response.url.endswith("/kiosk/birth")


def test_a_name_no_rule_can_spell_needs_its_spelling_even_with_i_have_none(holder: Holder) -> None:
    holder.start("en")
    response = holder.answer("name", {"name": "張偉", "action": "none"})
    assert field_errors(response) == {
        "name_latin": "This name cannot be spelled for you: please type it in Latin letters."
    }
    response = holder.answer("name", {"name": "張偉", "name_latin": "Zhang Wei"})
    assert response.url.endswith("/kiosk/birth")


@pytest.mark.parametrize("language", NAME_LANGUAGES)
@pytest.mark.parametrize(
    ("spelling", "message"),
    [
        ("Mohammed 2", "Use only the Latin letters A to Z."),
        ("Moh\x07ammed", "Use only the Latin letters A to Z."),
        ("M" * 65, "Too long: at most %(count)d characters."),
    ],
    ids=["digits", "control", "overlong"],
)
def test_a_bad_spelling_is_named_in_the_holders_language_and_loses_nothing(
    holder: Holder, language: str, spelling: str, message: str
) -> None:
    holder.start(language)
    response = holder.answer("name", {"name": "محمد الخطيب", "name_latin": spelling})
    assert response.status_code == 422
    expected = _catalogue(language).gettext(message) % ({"count": 64} if "%" in message else {})
    assert expected and (language == "en" or expected != message % {"count": 64})
    assert field_errors(response) == {"name_latin": expected}
    assert 'value="محمد الخطيب"' in response.text  # nothing typed is lost
    if spelling.isprintable():
        assert f'value="{spelling}"' in response.text


@pytest.mark.parametrize(
    ("name", "latin", "latin_none", "stored"),
    [
        ("محمد الخطيب", "", True, None),  # the verifier computes it: the card does not grow
        ("محمد الخطيب", "Mohamad Khateeb", False, "Mohamad Khateeb"),
        ("ሰላም ተስፋይ", "", True, "SELAM TESFAY"),  # no ICAO table: the readable one is stored
        ("ნინო ბერიძე", "", True, "NINO BERIDZE"),
        ("Amina Diallo", "", False, None),
    ],
)
def test_the_profile_stores_a_spelling_only_where_the_verifier_cannot_compute_it(
    name: str, latin: str, latin_none: bool, stored: str | None
) -> None:
    answers = Answers(name=name, name_latin=latin, latin_none=latin_none, birth_year="1990")
    assert answers.profile().get("name_latin") == stored


def test_persian_and_arabic_indic_digits_count_as_digits_everywhere(holder: Holder) -> None:
    review = holder.walk_to_review(
        "fa",
        birth={"year": "۱۹۹۴", "month": "۳", "day": "١٢"},
        contact={"contact_name": "مریم", "contact_phone": "+۳۳ ۶ ۱۲ ۳۴ ۵۶ ۷۸"},
        pin={"pin": "۴۲۸۶۱۳", "pin_again": "٤٢٨٦١٣"},
    ).text
    assert "<bdi>1994-03-12</bdi>" in review and "<bdi>+33612345678</bdi>" in review


def test_a_wrong_phone_in_persian_digits_is_shown_back_as_typed(reviewing: Holder) -> None:
    response = reviewing.answer("contact", {"contact_name": "مریم", "contact_phone": "۰۶۱۲۳۴۵۶۷۸"})
    assert response.status_code == 422 and "contact_phone" in field_errors(response)
    assert 'value="۰۶۱۲۳۴۵۶۷۸"' in response.text


def test_spoken_languages_are_kept_in_the_order_tapped(holder: Holder) -> None:
    holder.walk_to_review(
        languages={"code": ["fr", "ar", "ti"], "order": "ti fr ar", "action": "next"}
    )
    review = holder.get("/kiosk/review").text
    row = review[review.index('data-field="languages"') :]
    assert row.index("ትግርኛ") < row.index("Français") < row.index("العربية")
    # Without the page's script (no order posted), earlier choices keep their place.
    holder.answer("languages", {"code": ["en", "fr", "ar", "ti"], "action": "next"})
    row = holder.get("/kiosk/review").text
    row = row[row.index('data-field="languages"') :]
    assert row.index("ትግርኛ") < row.index("Français") < row.index("العربية") < row.index("English")
