"""The labels bundle the offline verifier page caches: value-set labels, terms, ICAO tables
and the question board's words.

Built from cards/valuesets data only, so the page shows exactly the words a printed card
and `ehcard verify` use. Each language's bundle carries that language and English (the
fallback); the page fetches another language's bundle when the doctor switches.

The whole terminologies (every ICD-10, ATC and SNOMED CT allergy code with its official
English, and for ATC French, label) are one separate bundle, the same for every language,
that the page loads after its first paint and its service worker keeps.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

from cards import valuesets
from cards.spelling import name_table
from cards.valuesets import FALLBACK_LANGUAGE, RTL_LANGUAGES, UI_LANGUAGES
from cards.valuesets.terminology import group_labels, terminology

VALUE_SETS = ("blood_groups", "allergies", "medications", "conditions")
# Extra fields of value-set entries the page needs (FHIR codings, the drug check).
KEPT_EXTRAS = ("snomed", "drug_classes", "atc")


def _pick(labels: dict[str, str], language: str) -> dict[str, str]:
    return {k: v for k, v in labels.items() if k in (language, FALLBACK_LANGUAGE)}


def _concepts(name: str, language: str) -> dict[str, Any]:
    concepts: dict[str, Any] = {}
    for code, concept in valuesets.value_set(name).concepts.items():
        entry: dict[str, Any] = {"labels": _pick(concept.labels, language)}
        entry.update({k: v for k, v in concept.extra.items() if k in KEPT_EXTRAS})
        if concept.pictogram:
            entry["pictogram"] = concept.pictogram
        concepts[code] = entry
    return concepts


def _terms(language: str) -> dict[str, dict[str, str]]:
    path = resources.files("cards.valuesets").joinpath("data/terms.json")
    terms: dict[str, dict[str, str]] = json.loads(path.read_text("utf-8"))["terms"]
    return {key: _pick(labels, language) for key, labels in terms.items()}


def _board(language: str) -> dict[str, Any]:
    path = resources.files("cards.valuesets").joinpath("data/board.json")
    board: dict[str, Any] = json.loads(path.read_text("utf-8"))
    terms = {key: _pick(labels, language) for key, labels in board["terms"].items()}
    return {**{k: board[k] for k in ("questions", "requests", "regions")}, "terms": terms}


def _icao_table() -> dict[str, Any]:
    path = resources.files("cards.valuesets").joinpath("data/icao9303.json")
    table: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return {k: table[k] for k in ("map", "final", "doubling")}


def _names_table() -> dict[str, Any]:
    """The name table and letter rules of readable Latin spellings, without their notes."""
    return {k: v for k, v in name_table().items() if k != "about"}


def _ui_languages() -> list[dict[str, Any]]:
    known = valuesets.languages().concepts
    return [
        {
            "code": code,
            "native": known[code].extra.get("native", code) if code in known else code,
            "rtl": code in RTL_LANGUAGES,
        }
        for code in UI_LANGUAGES
    ]


@cache
def labels_bundle(language: str) -> bytes:
    """The JSON bundle for `language` (one of UI_LANGUAGES), as UTF-8 bytes."""
    if language not in UI_LANGUAGES:
        raise ValueError(f"no labels bundle for language {language!r}")
    languages = {
        code: {"native": concept.extra.get("native", code)}
        for code, concept in valuesets.languages().concepts.items()
    }
    bundle = {
        "language": language,
        "ui_languages": _ui_languages(),
        "terms": _terms(language),
        "value_sets": {name: _concepts(name, language) for name in VALUE_SETS},
        "groups": {k: _pick(v, language) for k, v in group_labels().items()},
        "languages": languages,
        "icao9303": _icao_table(),
        "board": _board(language),
        "names_latin": _names_table(),
    }
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


@cache
def terminology_bundle() -> bytes:
    """Every accepted code of each terminology and its official labels, as UTF-8 JSON."""
    icd10 = terminology("icd10")
    document = _read_data("icd10")
    bundle = {
        "conditions": {
            "system": "icd10",
            "version": icd10.version,
            "codes": {
                code: [labels["en"], labels.get("fr", "")]
                for code, labels in icd10.official.items()
            },
            "blocks": [block[:2] for block in document["blocks"]],
            "chapters": [chapter[1:3] for chapter in document["chapters"]],
        },
        "medications": {
            "system": "atc",
            "version": terminology("atc").version,
            "codes": {
                code: [labels["en"], labels["fr"]]
                for code, labels in terminology("atc").official.items()
            },
        },
        "allergies": {
            "system": "snomed_allergy",
            "version": terminology("snomed_allergy").version,
            "codes": {
                code: labels["en"]
                for code, labels in terminology("snomed_allergy").official.items()
            },
        },
    }
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _read_data(name: str) -> Any:
    path = resources.files("cards.valuesets").joinpath(f"data/{name}.json")
    return json.loads(path.read_text("utf-8"))


@cache
def bundles_version() -> str:
    """A short digest of every bundle: changes whenever a label, term or table changes."""
    digest = hashlib.sha256()
    for language in UI_LANGUAGES:
        digest.update(labels_bundle(language))
    digest.update(terminology_bundle())
    return digest.hexdigest()[:16]
