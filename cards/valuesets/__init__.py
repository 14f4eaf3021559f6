"""Coded value sets with multilingual labels, loaded from the JSON files in data/.

Labels live in data files, not code; `UI_LANGUAGES` are the languages every
entry is labelled in. The curated entries of allergies, medications and conditions
are the tiles the kiosk offers; behind each stands its whole terminology
(terminology.py): any code of it is accepted and labelled, by its own curated label,
else (with the precise code beside) by its official label in English or French, else
by the curated label of its nearest curated ancestor or group, else by its official
English label; printed cards skip the official label for the shorter curated one.
Sensitive flags follow the terminology's hierarchy (data/sensitive.json).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from cards.model import EmergencyData
from cards.valuesets.terminology import Terminology, group_labels, terminology

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
    concepts: dict[str, Concept]  # the curated entries
    terminology: Terminology | None = None  # the whole code system behind them

    def __contains__(self, code: object) -> bool:
        return code in self.concepts or (self.terminology is not None and code in self.terminology)

    def __getitem__(self, code: str) -> Concept:
        concept = self.concepts.get(code)
        if concept is not None:
            return concept
        if self.terminology is None or code not in self.terminology:
            raise KeyError(code)
        return _uncurated(self.name, code)

    def label(self, code: str, language: str) -> str:
        """The label of `code`, or the code itself when this value set does not know it."""
        return self[code].label(language) if code in self else code

    def card_label(self, code: str, language: str) -> str:
        """The label a printed card uses: the same, except that a code with no curated entry
        reads by its curated ancestor or group even in English and French, whose official
        titles are often too long for a wallet card (screens show those)."""
        if code not in self or code in self.concepts:
            return self.label(code, language)
        compact: dict[str, str] = self[code].extra["compact"]
        return compact[language]

    def english(self, code: str) -> str:
        """The English label without the code beside (a FHIR coding's display), or the code."""
        if code in self.concepts:
            return self.concepts[code].label(FALLBACK_LANGUAGE)
        if self.terminology is not None and code in self.terminology:
            return self.terminology.official[code][FALLBACK_LANGUAGE]
        return code

    def search(self, text: str, language: str, *, limit: int = 50) -> list[Concept]:
        """Concepts whose code, label (in `language` or English) or whose ancestor's or
        group's label contains `text`: curated entries first, then the rest of the
        terminology, those matched by their code or own label before those matched by a
        group, broader codes (ICD-10 categories) before narrower ones."""
        needle = fold(text.strip())
        if not needle:
            return []
        found = [c for c in self.concepts.values() if _matches(c, needle, language)]
        system = self.terminology
        if system is None:
            return found[:limit]
        groups = _matching_groups(needle, language)
        ancestors = {c for c in self.concepts if _matches(self.concepts[c], needle, language)}
        ranked: list[tuple[int, int, str]] = []
        for code, folded in _folded_official(system.name).items():
            if code in self.concepts:
                continue
            if needle in folded:
                ranked.append((0, len(code), code))
            elif not ancestors.isdisjoint(system.ancestors(code)) or not groups.isdisjoint(
                system.groups(code)
            ):
                ranked.append((1, len(code), code))
        ranked.sort()
        found += [self[code] for _rank, _length, code in ranked[: max(0, limit - len(found))]]
        return found[:limit]


@cache
def _folded_official(name: str) -> dict[str, str]:
    """Code -> the code and its official labels, folded, of terminology `name`."""
    return {
        code: " ".join(fold(text) for text in (code, *labels.values()))
        for code, labels in terminology(name).official.items()
    }


def fold(text: str) -> str:
    """`text` for matching: case and accents folded ("Fénofibrate" finds "FENOFIBRATE")."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").casefold()


def _matches(concept: Concept, needle: str, language: str) -> bool:
    return any(
        needle in fold(text)
        for text in (concept.code, concept.label(language), concept.label(FALLBACK_LANGUAGE))
    )


def _matching_groups(needle: str, language: str) -> set[str]:
    """Keys of the curated groups whose label (in `language` or English) contains `needle`."""
    return {
        key
        for key, labels in group_labels().items()
        if needle in fold(labels.get(language, "")) or needle in fold(labels[FALLBACK_LANGUAGE])
    }


@cache
def _uncurated(name: str, code: str) -> Concept:
    """A code of the terminology with no curated entry: labelled after its nearest curated
    ancestor or group, with the precise code beside; sensitive by the hierarchy."""
    curated = value_set(name)
    system = terminology(TERMINOLOGIES[name])
    ancestor = next(
        (curated.concepts[a] for a in system.ancestors(code) if a in curated.concepts), None
    )
    groups = group_labels()
    group = next((groups[key] for key in system.groups(code) if key in groups), None)
    official = system.official[code]
    labels: dict[str, str] = {}
    compact: dict[str, str] = {}
    for language in UI_LANGUAGES:
        curated_text = (
            ancestor.label(language)
            if ancestor is not None
            else (group.get(language) or group[FALLBACK_LANGUAGE])
            if group is not None
            else official[FALLBACK_LANGUAGE]
        )
        labels[language] = f"{official.get(language, curated_text)} ({code})"
        compact[language] = f"{curated_text} ({code})"
    return Concept(
        code=code,
        labels=labels,
        pictogram=ancestor.pictogram if ancestor else None,
        sensitive=system.sensitive(code) or bool(ancestor and ancestor.sensitive),
        extra={"official": dict(official), "compact": compact},
    )


def _read(name: str) -> Any:
    path = resources.files("cards.valuesets").joinpath(f"data/{name}.json")
    return json.loads(path.read_text("utf-8"))


# The whole terminology behind each curated value set.
TERMINOLOGIES = {"allergies": "snomed_allergy", "medications": "atc", "conditions": "icd10"}


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
    system = terminology(TERMINOLOGIES[name]) if name in TERMINOLOGIES else None
    if system is not None:
        concepts = {
            code: replace(concept, sensitive=concept.sensitive or system.sensitive(code))
            for code, concept in concepts.items()
        }
    return ValueSet(
        name=name,
        system=document["system"],
        version=document["version"],
        concepts=concepts,
        terminology=system,
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


CODED_FIELDS = ("allergies", "medications", "conditions")


def unknown_code(data: EmergencyData) -> str | None:
    """Why `data` carries a code outside the accepted terminologies ("field: why"), or None.

    Both verifiers refuse such a card: the issuer checks every code, so a card with any
    other code was not issued by this system's rules."""
    for field in CODED_FIELDS:
        accepted = value_set(field)
        for code in getattr(data, field) or ():
            if code not in accepted:
                return f"{field}: {code} is not a code of {_system_name(accepted)}"
    return None


def _system_name(accepted: ValueSet) -> str:
    system = accepted.terminology
    names = {"icd10": "ICD-10", "atc": "the ATC index", "snomed_allergy": "SNOMED CT allergies"}
    return f"{names[system.name]} ({system.version})" if system else accepted.name
