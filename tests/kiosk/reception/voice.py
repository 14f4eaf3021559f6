"""The kiosk's audio for the tests: built once a session, linked into each test instance.

The session builds every message in every language espeak-ng speaks: the same `build`
on the same messages as `ehcard voice build`, so the tests that run the command on a copy
of this cache (with recorded files added) only take in their recordings and re-synthesise
nothing. It prints how long it took.
"""

from __future__ import annotations

import os
import resource
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cards.valuesets import UI_LANGUAGES
from kiosk.domain.voice import library, speech
from kiosk.domain.voice.library import BuildReport, Message
from kiosk.web.reception.spoken import kiosk_messages

SOX = "/usr/bin/sox"  # Debian's sox, installed by ./test


@dataclass(frozen=True)
class VoiceBuild:
    cache: Path
    messages: list[Message]
    voices: dict[str, str]
    report: BuildReport


def build_session_voice(folder: Path) -> VoiceBuild:
    voices = {language: language for language in speech.voices_for(UI_LANGUAGES)}
    messages = kiosk_messages()
    cache = folder / "voice-cache"
    before = _processor_seconds()
    report = library.build(cache, folder / "voice", messages, voices)
    # The figures the suite's budget needs, shown with -s: wall time and processor time
    # (this process and its sox processes), which a loaded machine stretches less.
    print(
        f"\nvoice build: {report.synthesised} files in {report.seconds:.1f} s, "
        f"{_processor_seconds() - before:.1f} s of processor time"
    )
    return VoiceBuild(cache, messages, voices, report)


def _processor_seconds() -> float:
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def link_voice(build: VoiceBuild, instance: Path) -> None:
    """The session's audio in `instance`'s voice cache, by hard links (no copy, no sharing
    of the index: a rebuild there replaces its own index file)."""
    target = instance / "voice-cache"
    target.mkdir(parents=True, exist_ok=True)
    for path in build.cache.iterdir():
        if path.is_file():
            os.link(path, target / path.name)


@dataclass(frozen=True)
class Measure:
    seconds: float
    rms: float
    peak: float


def measure(path: Path) -> Measure:
    """Length, RMS and peak amplitude (0 to 1) as sox's `stat` effect reports them."""
    result = subprocess.run(
        [SOX, str(path), "-n", "stat"], capture_output=True, text=True, check=True
    )
    figures = {}
    for line in result.stderr.splitlines():
        name, _, value = line.partition(":")
        figures[name.strip()] = value.strip()
    return Measure(
        seconds=float(figures["Length (seconds)"]),
        rms=float(figures["RMS     amplitude"]),
        peak=float(figures["Maximum amplitude"]),
    )
