"""Recorded messages a centre drops in: `<folder>/<language>/<message id>.<extension>`.

A recorded file speaks one message in one language and wins over the synthetic voice;
it is how languages espeak-ng has no voice for (Tigrinya, Pashto) get one. Anything in
the folder that cannot be used is named in `problems`, never silently skipped.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import Path

from cards.valuesets import UI_LANGUAGES
from kiosk.domain.voice.encoding import RECORDED_EXTENSIONS


@dataclass
class Recordings:
    files: dict[tuple[str, str], Path] = field(default_factory=dict)  # (language, id) -> file
    problems: list[str] = field(default_factory=list)


def scan(folder: Path, message_ids: Set[str]) -> Recordings:
    """The usable recorded files under `folder` (absent: none) and what is wrong with others."""
    found = Recordings()
    if not folder.is_dir():
        return found
    for language_folder in sorted(folder.iterdir()):
        if language_folder.name.startswith("."):
            continue
        if not language_folder.is_dir() or language_folder.name not in UI_LANGUAGES:
            found.problems.append(
                f"{language_folder}: not a kiosk language folder ({', '.join(UI_LANGUAGES)})"
            )
            continue
        for path in sorted(language_folder.iterdir()):
            if not path.name.startswith("."):
                _add(found, language_folder.name, path, message_ids)
    return found


def _add(found: Recordings, language: str, path: Path, message_ids: Set[str]) -> None:
    message_id = path.stem
    if not path.is_file() or path.suffix.lower() not in RECORDED_EXTENSIONS:
        found.problems.append(f"{path}: not an audio file ({', '.join(RECORDED_EXTENSIONS)})")
    elif message_id not in message_ids:
        found.problems.append(
            f"{path}: no kiosk message has the id {message_id!r} "
            "(`ehcard voice messages` lists them)"
        )
    elif (language, message_id) in found.files:
        found.problems.append(
            f"{path}: {found.files[language, message_id].name} already speaks this message"
        )
    else:
        found.files[language, message_id] = path
