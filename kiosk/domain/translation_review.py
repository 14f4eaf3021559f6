"""Which translations a native speaker has reviewed, read from the catalogues themselves.

`.po` entries carry a translator comment: `# Not yet reviewed by a native speaker.` or
`# Reviewed by a native speaker: <who>, <YYYY-MM-DD>.`. JSON catalogues shaped like
cards/valuesets/data/terms.json (`terms`), the value sets (`entries` with `labels`) and the
pictograms (`pictograms` with `labels`) list keys per language in top-level objects:
`"unreviewed": {"<lang>": [keys]}` and `"reviewed": {"<lang>": {"<key>": "<who>, <date>"}}`.
English is the source language: its entries are not translations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.pofile import denormalize, read_po

SOURCE_LANGUAGE = "en"
UNREVIEWED_COMMENT = "Not yet reviewed by a native speaker."
REVIEWED_COMMENT = re.compile(
    r"Reviewed by a native speaker: (?P<who>.+), (?P<date>\d{4}-\d{2}-\d{2})\."
)
UNREVIEWED, REVIEWED, UNMARKED = "unreviewed", "reviewed", "unmarked"
JSON_FOLDER = Path("cards/valuesets/data")
PO_FOLDERS = ("kiosk", "cards", "signing")


@dataclass(frozen=True)
class Translation:
    catalogue: str  # path from the repository root
    language: str
    key: str
    state: str  # UNREVIEWED, REVIEWED or UNMARKED


def catalogues(root: Path) -> list[Path]:
    """Every .po catalogue and every labelled JSON catalogue of the repository."""
    found = [path for folder in PO_FOLDERS for path in (root / folder).rglob("*.po")]
    found += [path for path in (root / JSON_FOLDER).glob("*.json") if _labels(_read(path))]
    return sorted(found)


def translations(root: Path) -> Iterator[Translation]:
    for path in catalogues(root):
        name = str(path.relative_to(root))
        yield from translations_of(path, name)


def _po(path: Path, name: str) -> Iterator[Translation]:
    language = path.parent.parent.name
    if language == SOURCE_LANGUAGE:
        return
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        # A plural entry's id and string are tuples: its key is the singular.
        strings = (message.string,) if isinstance(message.string, str) else message.string or ()
        if not message.id or not any(strings):
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        comments = [comment.strip() for comment in message.user_comments]
        if any(REVIEWED_COMMENT.fullmatch(comment) for comment in comments):
            state = REVIEWED
        elif UNREVIEWED_COMMENT in comments:
            state = UNREVIEWED
        else:
            state = UNMARKED
        yield Translation(name, language, str(key), state)


def _read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return document


def _labels(document: dict[str, Any]) -> dict[str, dict[str, str]]:
    """key -> {language: text} for the three labelled shapes; {} for any other JSON."""
    if isinstance(document.get("terms"), dict):
        return dict(document["terms"])
    if isinstance(document.get("entries"), list):
        return {
            str(entry["code"]): entry["labels"]
            for entry in document["entries"]
            if isinstance(entry, dict) and isinstance(entry.get("labels"), dict)
        }
    if isinstance(document.get("pictograms"), dict):
        return {key: value["labels"] for key, value in document["pictograms"].items()}
    return {}


def _json(path: Path, name: str) -> Iterator[Translation]:
    document = _read(path)
    unreviewed = {lang: set(keys) for lang, keys in document.get(UNREVIEWED, {}).items()}
    reviewed = {lang: set(keys) for lang, keys in document.get(REVIEWED, {}).items()}
    for key, labels in _labels(document).items():
        for language, text in labels.items():
            if language == SOURCE_LANGUAGE or not text:
                continue
            if key in reviewed.get(language, ()):
                state = REVIEWED
            elif key in unreviewed.get(language, ()):
                state = UNREVIEWED
            else:
                state = UNMARKED
            yield Translation(name, language, key, state)


def stale_marks(path: Path) -> list[str]:
    """JSON marks naming a key or language the catalogue does not translate."""
    document = _read(path)
    labels = _labels(document)
    problems = []
    for mark in (UNREVIEWED, REVIEWED):
        for language, keys in document.get(mark, {}).items():
            for key in keys:
                if not labels.get(key, {}).get(language):
                    problems.append(f"{mark} {language} {key}: no such translation")
    return problems


def mark_unmarked(root: Path) -> int:
    """Mark every translation that carries neither mark as not reviewed; how many were."""
    marked = 0
    for path in catalogues(root):
        name = str(path.relative_to(root))
        keys = {(t.language, t.key) for t in translations_of(path, name) if t.state == UNMARKED}
        if not keys:
            continue
        marked += len(keys)
        if path.suffix == ".po":
            _mark_po(path, {key for _language, key in keys})
        else:
            document = _read(path)
            lists = document.setdefault(UNREVIEWED, {})
            for language, key in keys:
                lists.setdefault(language, []).append(key)
            document[UNREVIEWED] = {lang: sorted(set(k)) for lang, k in sorted(lists.items())}
            path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return marked


def translations_of(path: Path, name: str) -> Iterator[Translation]:
    return _po(path, name) if path.suffix == ".po" else _json(path, name)


def _mark_po(path: Path, message_ids: set[str]) -> None:
    """Insert the comment at the top of each entry's block, keeping the file as written."""
    blocks = path.read_text("utf-8").split("\n\n")
    for index, block in enumerate(blocks):
        lines = block.split("\n")
        ids = [i for i, line in enumerate(lines) if line.startswith("msgid ")]
        if not ids:
            continue
        start = ids[0]
        end = next(i for i in range(start + 1, len(lines) + 1)
                   if i == len(lines) or not lines[i].startswith('"'))  # fmt: skip
        source = denormalize("\n".join([lines[start][len("msgid ") :], *lines[start + 1 : end]]))
        if source in message_ids:
            blocks[index] = f"# {UNREVIEWED_COMMENT}\n{block}"
    path.write_text("\n\n".join(blocks), "utf-8")
