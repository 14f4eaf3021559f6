"""Value-set items as the holder sees them: tiles with a pictogram, a label and a filter."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cards import valuesets
from cards.profile import NO_KNOWN_ALLERGY
from cards.valuesets import Concept, ValueSet

VALUE_SETS: dict[str, Callable[[], ValueSet]] = {
    "allergies": valuesets.allergies,
    "medications": valuesets.medications,
    "conditions": valuesets.conditions,
}
MAX_ITEMS = 16
MAX_LANGUAGES = 8
# "No known allergy" and its kind are the "None" button, not tiles.
_NONE_KNOWN_KIND = "none_known"


@dataclass(frozen=True)
class Tile:
    value: str  # what the form posts
    label: str  # in the holder's language
    symbol: str  # the pictogram, or "" when the item has none
    group: str  # the pictogram key, used as a filter
    selected: bool
    shown: bool  # False when a filter hides it (a selected tile is always shown)
    english: str = ""  # the English label, which the live filter matches too


@dataclass(frozen=True)
class Group:
    key: str
    symbol: str
    label: str


def symbol(pictogram: str | None) -> str:
    if not pictogram:
        return ""
    entry = valuesets.pictograms().get(pictogram)
    return str(entry["symbol"]) if entry else ""


def regular_concepts(clinical_list: str) -> list[Concept]:
    """The items offered in a list's own step: everything but sensitive items."""
    return [
        concept
        for concept in VALUE_SETS[clinical_list]().concepts.values()
        if not concept.sensitive
        and concept.code != NO_KNOWN_ALLERGY
        and concept.extra.get("kind") != _NONE_KNOWN_KIND
    ]


def sensitive_items() -> list[tuple[str, Concept]]:
    """Every sensitive item of every list, as (list, concept)."""
    return [
        (clinical_list, concept)
        for clinical_list, value_set in VALUE_SETS.items()
        for concept in value_set().concepts.values()
        if concept.sensitive
    ]


def _matches(concept: Concept, language: str, query: str, group: str) -> bool:
    if group and concept.pictogram != group:
        return False
    needle = query.casefold().strip()
    return not needle or any(
        needle in text.casefold()
        for text in (concept.code, concept.label(language), concept.label("en"))
    )


def tiles(
    items: Iterable[tuple[str, Concept]],
    language: str,
    selected: Iterable[str],
    *,
    query: str = "",
    group: str = "",
) -> list[Tile]:
    """Tiles for (form value, concept) pairs, filtered by a search text and a pictogram."""
    chosen = set(selected)
    return [
        Tile(
            value=value,
            label=concept.label(language),
            symbol=symbol(concept.pictogram),
            english=concept.label("en"),
            group=concept.pictogram or "",
            selected=value in chosen,
            shown=value in chosen or _matches(concept, language, query, group),
        )
        for value, concept in items
    ]


def groups(concepts: Iterable[Concept], language: str) -> list[Group]:
    """The pictograms used by `concepts`, once each, in first-use order."""
    table = valuesets.pictograms()
    seen: dict[str, Group] = {}
    for concept in concepts:
        key = concept.pictogram
        if key and key in table and key not in seen:
            labels: dict[str, str] = table[key].get("labels", {})
            label = labels.get(language) or labels.get("en") or key
            seen[key] = Group(key=key, symbol=str(table[key]["symbol"]), label=label)
    return list(seen.values())


def language_tiles(selected: Iterable[str]) -> list[Tile]:
    """Spoken languages, each under its own native name."""
    chosen = set(selected)
    return [
        Tile(
            value=concept.code,
            label=str(concept.extra.get("native") or concept.label("en")),
            symbol="",
            group="",
            selected=concept.code in chosen,
            shown=True,
        )
        for concept in valuesets.languages().concepts.values()
    ]
