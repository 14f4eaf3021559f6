"""The whole terminologies behind the curated value sets: which codes exist, their official
labels, their groups and which of them are sensitive.

Files in data/ (README.md beside this file names their sources): icd10.json (ICD-10 WHO
2019, English and French), atc.json (the ATC index, English and French),
snomed_allergy.json (SNOMED CT allergy and intolerance concepts), groups.json (curated
labels of ICD-10 chapters and blocks and ATC groups, in every UI language) and
sensitive.json (the sensitive ranges and prefixes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


def _read(name: str) -> Any:
    path = resources.files("cards.valuesets").joinpath(f"data/{name}.json")
    return json.loads(path.read_text("utf-8"))


@cache
def group_labels() -> dict[str, dict[str, str]]:
    """Group key ("icd10:B20-B24", "atc:J05A") -> its curated label by language."""
    table: dict[str, dict[str, str]] = _read("groups")["groups"]
    return table


def _in_range(code: str, low: str, high: str) -> bool:
    """Whether `code` falls in the ICD-10 range low-high (a category covers its subcategories)."""
    return (
        low[:3] <= code[:3] <= high[:3]
        and (len(high) == 3 or code <= high)
        and (len(low) == 3 or code >= low)
    )


@dataclass(frozen=True)
class Terminology:
    """One code system as a whole: ICD-10 ("icd10"), ATC ("atc") or SNOMED CT allergies."""

    name: str
    system: str
    version: str
    official: dict[str, dict[str, str]]  # code -> {"en": ..., "fr": ...}
    groups_of: dict[str, tuple[str, ...]]  # code -> group keys, nearest first
    sensitive_rules: tuple[str, ...]

    def __contains__(self, code: object) -> bool:
        return code in self.official

    def ancestors(self, code: str) -> tuple[str, ...]:
        """The codes above `code` that a card can carry, nearest first."""
        if self.name == "icd10" and len(code) == 5:
            return (code[:3],)
        return ()

    def groups(self, code: str) -> tuple[str, ...]:
        return self.groups_of.get(code, ())

    def sensitive(self, code: str) -> bool:
        if self.name == "icd10":
            return any(_in_range(code, *(rule.split("-") * 2)[:2]) for rule in self.sensitive_rules)
        return any(code.startswith(rule) for rule in self.sensitive_rules)


def _icd10() -> Terminology:
    document = _read("icd10")
    french: dict[str, str] = document["french"]
    chapters = [(f"icd10:{f}-{t}", f, t) for _, f, t, _ in document["chapters"]]
    narrowest = sorted(document["blocks"], key=lambda b: _span(b[0], b[1]))
    groups_of: dict[str, tuple[str, ...]] = {}
    by_category: dict[str, tuple[str, ...]] = {}
    for code in document["codes"]:
        category = code[:3]
        if category not in by_category:
            keys = [f"icd10:{low}-{high}" for low, high, _ in narrowest if low <= category <= high]
            keys += [key for key, first, last in chapters if first <= category <= last]
            by_category[category] = tuple(keys)
        groups_of[code] = by_category[category]
    return Terminology(
        name="icd10",
        system=document["system"],
        version=document["version"],
        official={
            code: {"en": title, **({"fr": french[code]} if code in french else {})}
            for code, title in document["codes"].items()
        },
        groups_of=groups_of,
        sensitive_rules=tuple(_read("sensitive")["icd10"]),
    )


def _span(low: str, high: str) -> int:
    def number(code: str) -> int:
        return (ord(code[0]) - 65) * 100 + int(code[1:3])

    return number(high) - number(low)


def _atc() -> Terminology:
    document = _read("atc")
    codes: dict[str, list[str]] = document["codes"]
    level5 = [code for code in codes if len(code) == 7]
    return Terminology(
        name="atc",
        system=document["system"],
        version=document["version"],
        official={code: {"en": codes[code][0], "fr": codes[code][1]} for code in level5},
        groups_of={code: tuple(f"atc:{code[:n]}" for n in (5, 4, 3, 1)) for code in level5},
        sensitive_rules=tuple(_read("sensitive")["atc"]),
    )


def _snomed_allergy() -> Terminology:
    document = _read("snomed_allergy")
    return Terminology(
        name="snomed_allergy",
        system=document["system"],
        version=document["version"],
        official={code: {"en": display} for code, display in document["codes"].items()},
        groups_of=dict.fromkeys(document["codes"], ()),
        sensitive_rules=(),
    )


@cache
def terminology(name: str) -> Terminology:
    """One of: icd10, atc, snomed_allergy."""
    builders = {"icd10": _icd10, "atc": _atc, "snomed_allergy": _snomed_allergy}
    return builders[name]()


@cache
def group_names() -> dict[str, dict[str, str]]:
    """Group key -> official names ({"en": ..., "fr": ...}) of ICD-10 blocks and ATC groups."""
    names: dict[str, dict[str, str]] = {}
    icd10 = _read("icd10")
    for low, high, title in icd10["blocks"]:
        names[f"icd10:{low}-{high}"] = {"en": title}
    for _, first, last, title in icd10["chapters"]:
        names[f"icd10:{first}-{last}"] = {"en": title}
    for code, (english, french) in _read("atc")["codes"].items():
        if len(code) < 7:
            names[f"atc:{code}"] = {"en": english, "fr": french}
    return names
