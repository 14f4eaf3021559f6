"""What the kiosk can say: every text of the reception catalogue and every answer tile.

Built from the catalogues and the value sets, never from a list kept by hand, so a text
or a tile added later is spoken as soon as `ehcard voice build` runs again (and the voice
tests fail until it has audio). Message ids are stable: a page text's id comes from its
English source (a few words of it and a digest: new words, new id), a tile's from its code.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from cards import valuesets
from cards.valuesets import UI_LANGUAGES
from kiosk.domain.voice.library import Message
from kiosk.web.reception import choices

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
SOURCE_LANGUAGE = "en"
# Words filled in at run time (a name, a step number) cannot be said by a file made before.
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
_WORD = re.compile(r"[a-z0-9]+")
# The card's own words the review shows as headings and states.
REVIEW_TERMS = ("field.", "state.")


def page_message_id(source: str) -> str:
    """`page.<first words>-<digest>`: readable for whoever records it, unique to the words."""
    words = "-".join(_WORD.findall(source.lower())[:6])
    return f"page.{words}-{hashlib.sha256(source.encode()).hexdigest()[:6]}"


@cache
def _translations(language: str) -> dict[str, str]:
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    return {str(m.id): str(m.string) for m in catalogue if m.id and m.string}


def _page_messages() -> list[Message]:
    sources = sorted(set(_translations(SOURCE_LANGUAGE)) | set(_translations("fr")))
    messages = []
    for source in sources:
        if _PLACEHOLDER.search(source):
            continue
        words = {
            language: _translations(language).get(source)
            or (source if language == SOURCE_LANGUAGE else "")
            for language in UI_LANGUAGES
        }
        said = {language: text for language, text in words.items() if text}
        messages.append(Message(page_message_id(source), source, said, said))
    return messages


def _labelled(message_id: str, labels: dict[str, str], shown: str | None = None) -> Message:
    """A tile: said by its label in each language; `shown` when the tile shows other words."""
    said = {language: labels[language] for language in UI_LANGUAGES if labels.get(language)}
    return Message(
        message_id,
        labels.get(SOURCE_LANGUAGE, message_id),
        said,
        {language: shown or text for language, text in said.items()},
    )


def _tile_messages() -> list[Message]:
    messages = []
    concepts = [
        (name, concept) for name in choices.VALUE_SETS for concept in choices.regular_concepts(name)
    ] + choices.sensitive_items()
    messages += [_labelled(f"{name}.{c.code}", c.labels) for name, c in concepts]
    pictograms = valuesets.pictograms()
    used = sorted({c.pictogram for _name, c in concepts if c.pictogram in pictograms})
    messages += [_labelled(f"pictograms.{key}", pictograms[key]["labels"]) for key in used]
    # Blood groups show their code (A+); said by their label (A positive).
    messages += [
        _labelled(f"blood_groups.{code}", concept.labels, shown=code)
        for code, concept in valuesets.blood_groups().concepts.items()
    ]
    # Spoken languages show their own name (Deutsch); said in the holder's language (Allemand).
    messages += [
        _labelled(f"languages.{code}", concept.labels, shown=str(concept.extra["native"]))
        for code, concept in valuesets.languages().concepts.items()
    ]
    messages += [
        _labelled(f"terms.{key}", labels)
        for key, labels in valuesets.all_terms().items()
        if key.startswith(REVIEW_TERMS)
    ]
    return messages


def kiosk_messages() -> list[Message]:
    """Every message the kiosk can say, page texts first."""
    return _page_messages() + _tile_messages()
