"""Coded value sets with multilingual labels, loaded from the JSON files in data/.

Labels live in data files, not code; `UI_LANGUAGES` are the languages every
entry is labelled in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

UI_LANGUAGES = ("fr", "en", "ar", "fa", "ps", "ti", "uk", "ru", "es", "pt", "ka")
RTL_LANGUAGES = frozenset({"ar", "fa", "ps"})
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Concept:
    code: str
    labels: dict[str, str]
    pictogram: str | None
    sensitive: bool
    extra: dict[str, Any]

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels[FALLBACK_LANGUAGE]


@dataclass(frozen=True)
class ValueSet:
    name: str
    system: str
    version: str
    concepts: dict[str, Concept]

    def __contains__(self, code: object) -> bool:
        return code in self.concepts

    def __getitem__(self, code: str) -> Concept:
        return self.concepts[code]

    def label(self, code: str, language: str) -> str:
        """The label of `code`, or the code itself when this value set does not know it."""
        concept = self.concepts.get(code)
        return concept.label(language) if concept else code

    def search(self, text: str, language: str) -> list[Concept]:
        """Concepts whose label (in `language` or English) or code contains `text`."""
        needle = text.casefold().strip()
        return [
            c
            for c in self.concepts.values()
            if needle in c.code.casefold()
            or needle in c.label(language).casefold()
            or needle in c.label(FALLBACK_LANGUAGE).casefold()
        ]


def _read(name: str) -> Any:
    path = resources.files("cards.valuesets").joinpath(f"data/{name}.json")
    return json.loads(path.read_text("utf-8"))


@cache
def value_set(name: str) -> ValueSet:
    """One of: blood_groups, allergies, medications, conditions, languages."""
    document = _read(name)
    common = {"code", "labels", "pictogram", "sensitive"}
    concepts = {
        entry["code"]: Concept(
            code=entry["code"],
            labels=entry["labels"],
            pictogram=entry.get("pictogram"),
            sensitive=bool(entry.get("sensitive", False)),
            extra={k: v for k, v in entry.items() if k not in common},
        )
        for entry in document["entries"]
    }
    return ValueSet(
        name=name, system=document["system"], version=document["version"], concepts=concepts
    )


def blood_groups() -> ValueSet:
    return value_set("blood_groups")


def allergies() -> ValueSet:
    return value_set("allergies")


def medications() -> ValueSet:
    return value_set("medications")


def conditions() -> ValueSet:
    return value_set("conditions")


def languages() -> ValueSet:
    return value_set("languages")


@cache
def pictograms() -> dict[str, dict[str, Any]]:
    """Pictogram key -> {"symbol": one Unicode character, "labels": {...}}."""
    table: dict[str, dict[str, Any]] = _read("pictograms")["pictograms"]
    return table


@cache
def all_terms() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = _read("terms")["terms"]
    return table


def term(key: str, language: str) -> str:
    """A word printed on the card or shown by verifiers, in `language` (English fallback)."""
    labels = all_terms()[key]
    return labels.get(language) or labels[FALLBACK_LANGUAGE]
