"""sox turns samples and recorded files into the kiosk's one audio format.

Ogg Vorbis, mono, 16 kHz, quality -1 (about 16 kbit/s): Chromium, Firefox and WebKit play
it, sox writes it with no other tool, and it came out smaller than Opus at 16 kbit/s on the
kiosk's own messages (docs/holders-and-kiosk.md has the figures).
"""

from __future__ import annotations

import re
import shutil
import subprocess  # nosec B404 (sox, never a shell)
from collections.abc import Sequence
from pathlib import Path

from kiosk.domain.voice.speech import Speech

EXTENSION = ".ogg"
MEDIA_TYPE = "audio/ogg"
FORMAT = ("-c", "1", "-r", "16000", "-C", "-1")  # what every file of the cache is
# What a recorded file may be: formats sox reads in Debian's libsox-fmt-all.
RECORDED_EXTENSIONS = (".ogg", ".oga", ".opus", ".wav", ".flac", ".mp3")
SOX_TIMEOUT_SECONDS = 600
_PART = re.compile(r"^part(\d*)\.ogg$")  # one speech: part.ogg; more: part001.ogg, ...


class EncodingError(Exception):
    """sox is missing or could not read or write a file; the message names it."""


def _sox() -> str:
    found = shutil.which("sox")
    if found is None:
        raise EncodingError("sox is missing: install the Debian packages sox and libsox-fmt-all")
    return found


def _run(arguments: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 # nosec B603 (sox, our own arguments)
        [_sox(), *arguments], capture_output=True, timeout=SOX_TIMEOUT_SECONDS, check=False
    )


def start_encoding(speeches: Sequence[Speech], folder: Path) -> subprocess.Popen[bytes]:
    """Start one sox that encodes every speech into its own file in `folder`.

    The samples go in as one raw stream and `trim … : newfile` cuts it back at each
    speech's length: one process a language instead of one per message. `parts(folder)`
    lists the files once it has finished.
    """
    rates = {speech.rate for speech in speeches}
    if len(rates) != 1:
        raise EncodingError(f"one sample rate per batch, not {sorted(rates)}")
    raw = folder / "speech.raw"
    with raw.open("wb") as handle:
        for speech in speeches:
            handle.write(speech.samples)
    cuts: list[str] = []
    for index, speech in enumerate(speeches):
        cuts += ([":", "newfile", ":"] if index else []) + ["trim", "0", f"{speech.sample_count}s"]
    source = ["-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1", "-r", str(rates.pop())]
    return subprocess.Popen(  # noqa: S603 # nosec B603 (sox, our own arguments)
        [_sox(), *source, str(raw), *FORMAT, str(folder / "part.ogg"), *cuts],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finish_encoding(process: subprocess.Popen[bytes], folder: Path, count: int) -> list[Path]:
    """Wait for `start_encoding`'s sox; its files in the order of the speeches."""
    _out, errors = process.communicate(timeout=SOX_TIMEOUT_SECONDS)
    (folder / "speech.raw").unlink(missing_ok=True)
    if process.returncode != 0:
        raise EncodingError(f"sox could not encode speech: {errors.decode(errors='replace')}")
    parts = sorted(
        (int(match.group(1) or 1), path)
        for path in folder.iterdir()
        if (match := _PART.search(path.name))
    )
    if len(parts) != count:
        raise EncodingError(f"sox wrote {len(parts)} files for {count} speeches")
    return [path for _number, path in parts]


def transcode(recorded: Path, target: Path) -> None:
    """A recorded file in the kiosk's format; EncodingError when sox cannot read it."""
    result = _run(["--no-show-progress", str(recorded), *FORMAT, str(target)])
    if result.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        target.unlink(missing_ok=True)
        reason = result.stderr.decode(errors="replace").strip() or "no sound in it"
        raise EncodingError(f"{recorded}: sox cannot read it as audio ({reason})")
