"""The voice cache: every spoken message of every language as one content-addressed file.

`build` is the only place audio is made (`ehcard voice build`): espeak-ng speaks what a
centre has not recorded, sox encodes, and `index.json` says which file speaks which message
in which language. The web only reads that index: nothing is synthesised per request.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess  # nosec B404 (the encoders, see encoding.py)
import tempfile
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.domain.voice import encoding, recordings
from kiosk.domain.voice.speech import Speech, synthesiser

INDEX = "index.json"
INDEX_VERSION = 1
SYNTHETIC = "espeak-ng"
RECORDED = "recorded"
# Below this peak espeak-ng said nothing a holder can hear (it happens: a word it cannot
# voice comes out as a murmur): no audio is better than a silent speaker button.
MIN_PEAK = 0.15
# Encoders running at once: each takes one core; more only queue for the same cores.
MAX_ENCODERS = max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Message:
    """One thing the kiosk can say: its stable id and its words in each language."""

    id: str
    english: str  # the source words, for whoever records the message
    spoken: Mapping[str, str]  # language -> the words said
    shown: Mapping[str, str]  # language -> the words on the screen the audio goes with


@dataclass(frozen=True)
class Entry:
    file: str
    source: str  # SYNTHETIC or RECORDED
    key: str  # what the file was made from; the same key is never made twice
    shown: str


@dataclass
class BuildReport:
    synthesised: int = 0
    recorded: int = 0
    reused: int = 0
    problems: list[str] = field(default_factory=list)  # recorded files that cannot be used
    unspoken: list[str] = field(default_factory=list)  # what espeak-ng could not say audibly
    seconds: float = 0.0


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def read_index(cache: Path) -> dict[str, dict[str, Entry]]:
    """language -> message id -> entry; empty when nothing was built yet."""
    path = cache / INDEX
    if not path.exists():
        return {}
    document: dict[str, Any] = json.loads(path.read_text("utf-8"))
    if document.get("version") != INDEX_VERSION:
        return {}
    return {
        language: {message: Entry(**entry) for message, entry in entries.items()}
        for language, entries in document["languages"].items()
    }


def _write_index(cache: Path, index: Mapping[str, Mapping[str, Entry]]) -> None:
    document = {
        "version": INDEX_VERSION,
        "languages": {
            language: {message: vars(entry) for message, entry in sorted(entries.items())}
            for language, entries in sorted(index.items())
        },
    }
    temporary = cache / f".{INDEX}.{os.getpid()}"
    temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1), "utf-8")
    os.replace(temporary, cache / INDEX)


def _store(cache: Path, made: Path) -> str:
    """Move a finished file into the cache under the digest of its bytes; its name."""
    name = hashlib.sha256(made.read_bytes()).hexdigest()[:24] + encoding.EXTENSION
    os.replace(made, cache / name)
    return name


@dataclass
class _Batch:
    """One language's speeches on their way through one sox process."""

    language: str
    entries: list[tuple[str, str, str]]  # message id, key, shown
    folder: Path
    process: subprocess.Popen[bytes]


def build(
    cache: Path,
    recorded_folder: Path,
    messages: Sequence[Message],
    voices: Mapping[str, str],
) -> BuildReport:
    """Bring the cache up to date for `messages`.

    `voices` maps the languages espeak-ng speaks to their voice. A recorded file in
    `recorded_folder/<language>/<message id>.<ext>` wins over the synthetic voice; a message
    with neither has no entry (the kiosk then shows no speaker button for it).
    """
    started = time.monotonic()
    report = BuildReport()
    cache.mkdir(parents=True, exist_ok=True)
    known = {key_entry.key: key_entry for entries in read_index(cache).values()
             for key_entry in entries.values() if (cache / key_entry.file).exists()}  # fmt: skip
    found = recordings.scan(recorded_folder, {m.id for m in messages})
    report.problems += found.problems
    index: dict[str, dict[str, Entry]] = {}
    wanted: dict[str, list[tuple[Message, str]]] = {}
    engine_version = _engine_version() if voices else ""
    for message in messages:
        for language, words in message.spoken.items():
            shown = message.shown[language]
            recorded = found.files.get((language, message.id))
            if recorded is not None:
                entry = _recorded_entry(cache, recorded, shown, known, report)
                if entry is not None:
                    index.setdefault(language, {})[message.id] = entry
                    continue
            if language in voices:
                key = _digest(SYNTHETIC, engine_version, voices[language], encoding.FORMAT, words)
                if key in known:
                    index.setdefault(language, {})[message.id] = Entry(
                        file=known[key].file, source=SYNTHETIC, key=key, shown=shown
                    )
                    report.reused += 1
                else:
                    wanted.setdefault(language, []).append((message, key))
    for language, entries in _synthesise(cache, wanted, voices, report):
        for message_id, key, shown, file in entries:
            index.setdefault(language, {})[message_id] = Entry(
                file=file, source=SYNTHETIC, key=key, shown=shown
            )
            report.synthesised += 1
    _write_index(cache, index)
    _forget_unused(cache, index)
    report.seconds = time.monotonic() - started
    return report


def _engine_version() -> str:
    with synthesiser() as engine:
        return engine.version


def _recorded_entry(
    cache: Path, recorded: Path, shown: str, known: Mapping[str, Entry], report: BuildReport
) -> Entry | None:
    key = _digest(RECORDED, encoding.FORMAT, hashlib.sha256(recorded.read_bytes()).hexdigest())
    if key in known:
        report.reused += 1
        return Entry(file=known[key].file, source=RECORDED, key=key, shown=shown)
    with tempfile.TemporaryDirectory(dir=cache) as folder:
        target = Path(folder) / f"recorded{encoding.EXTENSION}"
        try:
            encoding.transcode(recorded, target)
        except encoding.EncodingError as exc:
            report.problems.append(f"{exc}; it is not used")
            return None
        report.recorded += 1
        return Entry(file=_store(cache, target), source=RECORDED, key=key, shown=shown)


def _synthesise(
    cache: Path,
    wanted: Mapping[str, Sequence[tuple[Message, str]]],
    voices: Mapping[str, str],
    report: BuildReport,
) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """Speak each language in turn while sox encodes the languages already spoken.

    Returns, per language, (message id, key, shown words, file name) of every new file.
    """
    running: list[_Batch] = []
    done: list[tuple[str, list[tuple[str, str, str, str]]]] = []

    def finish(batch: _Batch) -> None:
        parts = encoding.finish_encoding(batch.process, batch.folder, len(batch.entries))
        files = [_store(cache, part) for part in parts]
        batch.folder.rmdir()
        made = zip(batch.entries, files, strict=True)
        done.append((batch.language, [(*entry, file) for entry, file in made]))

    try:
        for language, items in wanted.items():
            speeches: list[Speech] = []
            entries: list[tuple[str, str, str]] = []
            with synthesiser() as engine:
                engine.select(voices[language])
                for message, key in items:
                    speech = engine.speak(message.spoken[language])
                    if speech.peak < MIN_PEAK:
                        report.unspoken.append(
                            f"espeak-ng says nothing audible for {message.id} in {language} "
                            f"({message.spoken[language]!r}): it has no audio"
                        )
                        continue
                    speeches.append(speech)
                    entries.append((message.id, key, message.shown[language]))
            if not speeches:
                continue
            folder = Path(tempfile.mkdtemp(prefix=f".{language}-", dir=cache))
            running.append(
                _Batch(language, entries, folder, encoding.start_encoding(speeches, folder))
            )
            while len(running) >= MAX_ENCODERS + 1:
                finish(running.pop(0))
        while running:
            finish(running.pop(0))
    finally:
        for batch in running:
            batch.process.kill()
            batch.process.wait()
            shutil.rmtree(batch.folder, ignore_errors=True)
    return done


def _forget_unused(cache: Path, index: Mapping[str, Mapping[str, Entry]]) -> None:
    used = {entry.file for entries in index.values() for entry in entries.values()}
    for path in cache.glob(f"*{encoding.EXTENSION}"):
        if path.name not in used:
            path.unlink()


def normalise(text: str) -> str:
    """Words as the page script compares them: NFC, one space between words."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class LanguageVoice:
    """What a page in one language can say: shown words -> audio file, as the page reads it."""

    files: Mapping[str, str]  # message id -> file name
    document: bytes  # {"audio": {shown words: file name}} as JSON
    digest: str


class IndexReader:
    """The cache's index as the web sees it, read again whenever `ehcard voice build` rewrote it."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self._stamp: int | None = None
        self._languages: dict[str, LanguageVoice] = {}

    def language(self, language: str) -> LanguageVoice | None:
        """None when nothing in `language` has audio."""
        path = self.cache / INDEX
        stamp = path.stat().st_mtime_ns if path.exists() else None
        if stamp != self._stamp:
            self._languages = {
                name: _language_voice(entries) for name, entries in read_index(self.cache).items()
            }
            self._stamp = stamp
        return self._languages.get(language)


def _language_voice(entries: Mapping[str, Entry]) -> LanguageVoice:
    audio: dict[str, str] = {}
    for entry in entries.values():
        audio.setdefault(normalise(entry.shown), entry.file)
    document = json.dumps({"audio": audio}, ensure_ascii=False, sort_keys=True).encode()
    return LanguageVoice(
        files={message: entry.file for message, entry in entries.items()},
        document=document,
        digest=hashlib.sha256(document).hexdigest()[:16],
    )
