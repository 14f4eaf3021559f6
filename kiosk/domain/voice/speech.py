"""espeak-ng through its own library (libespeak-ng, what the `espeak-ng` command wraps).

One library instance synthesises a whole language's messages: starting the command once
per message costs more than the speech itself (about 20 ms each, for thousands of them).
The library keeps global state, is not thread-safe and hangs when initialised a second time
after `espeak_Terminate`: one instance per process, initialised on first use, used under a lock.
"""

from __future__ import annotations

import ctypes
import threading
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import cast

LIBRARY = "libespeak-ng.so.1"
_SYNCHRONOUS = 2  # AUDIO_OUTPUT_SYNCHRONOUS: samples come to the callback, nothing plays
_DONT_EXIT = 0x8000  # espeakINITIALIZE_DONT_EXIT: an error returns, never ends the process
_CHARACTER_POSITIONS = 1  # POS_CHARACTER
_UTF8 = 1  # espeakCHARS_UTF8
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class SpeechError(Exception):
    """espeak-ng is missing or refused a voice or a text."""


@dataclass(frozen=True)
class Speech:
    """16-bit signed mono samples, native byte order."""

    samples: bytes
    rate: int

    @property
    def sample_count(self) -> int:
        return len(self.samples) // 2

    @property
    def peak(self) -> float:
        """The loudest sample, 0 to 1, from every 8th sample (enough to tell speech from hush)."""
        samples = array("h", self.samples)[::8]
        return max(max(samples, default=0), -min(samples, default=0)) / 32768


class Synthesiser:
    """An initialised espeak-ng library; `speak` one text at a time in the selected voice."""

    def __init__(self, library: ctypes.CDLL) -> None:
        self._library = library
        self._chunks: list[bytes] = []
        # Kept on the instance: the library calls it until terminated.
        self._callback = _CALLBACK(self._collect)
        self.rate = int(library.espeak_Initialize(_SYNCHRONOUS, 0, None, _DONT_EXIT))
        if self.rate <= 0:
            raise SpeechError("espeak-ng could not start (is the espeak-ng-data package there?)")
        library.espeak_SetSynthCallback(self._callback)
        library.espeak_Info.restype = ctypes.c_char_p
        self.version = str(library.espeak_Info(None).decode())

    def _collect(self, wav: object, count: int, _events: object) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(cast(int, wav), count * 2))
        return 0

    def has_voice(self, voice: str) -> bool:
        return int(self._library.espeak_SetVoiceByName(voice.encode())) == 0

    def select(self, voice: str) -> None:
        if not self.has_voice(voice):
            raise SpeechError(f"espeak-ng has no voice {voice!r}")

    def speak(self, text: str) -> Speech:
        encoded = text.encode("utf-8")
        self._chunks.clear()
        status = self._library.espeak_Synth(
            encoded, len(encoded) + 1, 0, _CHARACTER_POSITIONS, 0, _UTF8, None, None
        )
        self._library.espeak_Synchronize()
        samples = b"".join(self._chunks)
        if status != 0 or not samples:
            raise SpeechError(f"espeak-ng could not speak {text!r} (status {status})")
        return Speech(samples=samples, rate=self.rate)


_LOCK = threading.Lock()


@cache
def _engine() -> Synthesiser:
    try:
        library = ctypes.CDLL(LIBRARY)
    except OSError as exc:
        raise SpeechError(f"{LIBRARY} is missing: install the Debian package espeak-ng") from exc
    return Synthesiser(library)


@contextmanager
def synthesiser() -> Iterator[Synthesiser]:
    """This process's espeak-ng, for one caller at a time."""
    with _LOCK:
        yield _engine()


def voices_for(languages: Iterable[str]) -> set[str]:
    """Which of `languages` (ISO 639-1) espeak-ng has a voice for."""
    with synthesiser() as engine:
        return {language for language in languages if engine.has_voice(language)}
