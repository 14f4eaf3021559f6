"""The question board's catalogue (cards/valuesets/data/board.json): every question, answer,
request, body region and button in all eleven languages, each word used, the unreviewed
translations listed honestly, the labels bundles carrying them; and the board's code, which
has no way to send or store an answer."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from cards.valuesets import FALLBACK_LANGUAGE, UI_LANGUAGES
from kiosk.web.verify.labels import labels_bundle
from tests.kiosk.verify.board_pages import BOARD_MODULES

BOARD: dict[str, Any] = json.loads(
    resources.files("cards.valuesets").joinpath("data/board.json").read_text("utf-8")
)
TERMS: dict[str, dict[str, str]] = BOARD["terms"]
# Every way a script can send or keep data; the board's modules use none of them.
FORBIDDEN = re.compile(
    r"\bfetch\s*\(|XMLHttpRequest|sendBeacon|WebSocket|EventSource|localStorage|sessionStorage"
    r"|indexedDB|document\.cookie|caches\.|postMessage|\.src\s*=|\.href\s*=|\.action\s*="
)
EMERGENCY_QUESTIONS = {
    "pain", "allergy_medicine", "pregnant", "medicine_today", "diabetes", "epilepsy", "heart",
    "last_meal", "fainting", "breathing", "bleeding", "understand", "interpreter", "call_contact",
}  # fmt: skip
REQUESTS = ["pain", "toilet", "thirst", "cold", "call_family", "dont_understand"]


def keys_of_the_catalogue() -> set[str]:
    """The keys the board builds from the catalogue's own structure."""
    keys = {f"board.q.{q['id']}" for q in BOARD["questions"]}
    keys |= {f"board.answer.{a}" for q in BOARD["questions"] for a in q.get("answers", [])}
    keys |= {f"board.request.{r['id']}" for r in BOARD["requests"]}
    keys |= {f"board.region.{r}" for regions in BOARD["regions"].values() for r in regions}
    keys |= {f"board.view_{view}" for view in BOARD["regions"]}
    return keys


def keys_in_the_modules() -> set[str]:
    sources = [module.read_text("utf-8") for module in BOARD_MODULES]
    return {key for source in sources for key in re.findall(r'"(board\.[a-z_.]+)"', source)}


def test_every_emergency_question_and_request_is_there() -> None:
    assert {q["id"] for q in BOARD["questions"]} == EMERGENCY_QUESTIONS
    assert [r["id"] for r in BOARD["requests"]] == REQUESTS
    kinds = {q["id"]: q["kind"] for q in BOARD["questions"]}
    assert kinds.pop("pain") == "pain" and set(kinds.values()) == {"choice"}
    yes_no = [q["id"] for q in BOARD["questions"] if q.get("answers") == ["yes", "no", "dont_know"]]
    assert len(yes_no) == 12  # all but pain and the time of the last meal
    assert set(BOARD["regions"]) == {"front", "back"}


@pytest.mark.parametrize("key", sorted(TERMS))
def test_every_word_is_in_all_eleven_languages(key: str) -> None:
    texts = TERMS[key]
    assert set(texts) == set(UI_LANGUAGES)
    assert all(text.strip() == text and text for text in texts.values()), texts


def test_every_word_is_used_and_every_used_word_exists() -> None:
    used = keys_of_the_catalogue() | keys_in_the_modules()
    assert used == set(TERMS)


def test_unreviewed_lists_name_existing_keys_of_translated_languages() -> None:
    unreviewed = BOARD["unreviewed"]
    # English is the source text; a key leaves a language's list once a native speaker read it.
    assert set(unreviewed) <= set(UI_LANGUAGES) - {FALLBACK_LANGUAGE}
    for keys in unreviewed.values():
        assert keys == sorted(set(keys)) and set(keys) <= set(TERMS)


@pytest.mark.parametrize("language", UI_LANGUAGES)
def test_labels_bundle_carries_the_board_in_its_language_and_english(language: str) -> None:
    board = json.loads(labels_bundle(language))["board"]
    assert board["questions"] == BOARD["questions"]
    assert board["requests"] == BOARD["requests"]
    assert board["regions"] == BOARD["regions"]
    assert set(board["terms"]) == set(TERMS)
    for key, texts in board["terms"].items():
        assert texts == {lang: TERMS[key][lang] for lang in {language, FALLBACK_LANGUAGE}}


def test_every_pictogram_the_catalogue_names_is_drawn() -> None:
    source = next(m for m in BOARD_MODULES if m.name == "board-pictograms.js").read_text("utf-8")
    shapes = source.split("const SHAPES = {", 1)[1].split("\n};", 1)[0]
    drawn = set(re.findall(r"^  (\w+):", shapes, re.MULTILINE))
    named = {entry["pictogram"] for entry in [*BOARD["questions"], *BOARD["requests"]]}
    assert named <= drawn - {"unknown"}


@pytest.mark.parametrize("module", BOARD_MODULES, ids=lambda path: path.name)
def test_board_modules_have_no_way_to_send_or_store(module: Path) -> None:
    assert FORBIDDEN.findall(module.read_text("utf-8")) == []
