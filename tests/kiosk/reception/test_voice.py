"""The kiosk's voice over real HTTP and in real files: espeak-ng audio measured with sox,
recorded files overriding it, no speaker where a language has no audio, no digits on the PIN
page. The browser side (playing, reading aloud) is in test_voice_browser.py."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from flask import Flask

from cards import valuesets
from kiosk.cli import main
from kiosk.domain.voice import library
from kiosk.domain.voice.library import SYNTHETIC, read_index
from kiosk.web.reception.spoken import kiosk_messages, page_message_id
from tests.kiosk.reception.conftest import build
from tests.kiosk.reception.voice import SOX, VoiceBuild, link_voice, measure
from tests.servers import serving

EXPECTED_VOICES = {"ar", "fa", "uk", "ru", "es", "pt", "ka", "en", "fr"}
# espeak-ng says a written character in 30 to 150 ms (digits and abbreviations take longer,
# short words have a lead-in): bounds that catch a cut, a stretched or a wrong file.
SECONDS_PER_CHARACTER = (0.02, 0.25)
LEAD = 0.6
# Every prompt's audio is measured in one language, every SAMPLE_EVERY-th in the others:
# enough to catch a language whose voice is cut, stretched or silent. That every prompt is
# audible in every language the build itself checks (report.unspoken, above).
FULLY_MEASURED = "fr"
SAMPLE_EVERY = 8


@pytest.fixture(scope="module")
def shared_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'ehcard.sqlite'}"


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory, voice_build: VoiceBuild) -> Path:
    folder = tmp_path_factory.mktemp("instance")
    link_voice(voice_build, folder)
    return folder


@pytest.fixture(scope="module")
def voiced_app(instance: Path, shared_database_url: str) -> Iterator[Flask]:
    app = build(instance, shared_database_url)
    yield app
    app.extensions["ehcard"].engine.dispose()


@pytest.fixture(scope="module")
def url(voiced_app: Flask) -> Iterator[str]:
    with serving(voiced_app) as base:
        yield base


def page_messages(voice_build: VoiceBuild) -> list[library.Message]:
    return [m for m in voice_build.messages if m.id.startswith("page.")]


def test_espeak_ng_speaks_the_expected_languages(voice_build: VoiceBuild) -> None:
    assert set(voice_build.voices) == EXPECTED_VOICES
    assert voice_build.report.unspoken == []  # every tested message said audibly


@pytest.mark.parametrize("language", sorted(EXPECTED_VOICES))
def test_every_prompt_has_audio_and_it_is_audible_and_of_plausible_length(
    voice_build: VoiceBuild, language: str
) -> None:
    entries = read_index(voice_build.cache)[language]
    prompts = [m for m in page_messages(voice_build) if language in m.spoken]
    assert len(prompts) > 100
    missing = [m.id for m in prompts if m.id not in entries]
    assert missing == []
    measured = prompts if language == FULLY_MEASURED else prompts[::SAMPLE_EVERY]

    def check(message: library.Message) -> str:
        entry = entries[message.id]
        assert entry.source == SYNTHETIC
        sound = measure(voice_build.cache / entry.file)
        words = message.spoken[language]
        # A digit is said as a number word: count it as three characters.
        characters = len(words) + 2 * sum(c.isdigit() for c in words)
        low, high = SECONDS_PER_CHARACTER
        if not (low * characters <= sound.seconds <= high * characters + LEAD):
            return f"{message.id}: {sound.seconds:.2f} s for {characters} characters"
        if sound.rms < 0.02 or sound.peak < 0.2:
            return f"{message.id}: silent (RMS {sound.rms}, peak {sound.peak})"
        return ""

    with ThreadPoolExecutor(4) as pool:
        faults = [fault for fault in pool.map(check, measured) if fault]
    assert faults == []


def test_a_prompt_added_later_has_audio_only_after_a_build(voice_build: VoiceBuild) -> None:
    """Messages come from the catalogues, so a new text is a new message with no audio yet."""
    ids = {m.id for m in kiosk_messages()}
    assert page_message_id("Choose your language") in ids
    assert page_message_id("A question no catalogue has") not in ids
    entries = read_index(voice_build.cache)["fr"]
    assert page_message_id("Choose your language") in entries


def test_voice_messages_lists_stable_ids() -> None:
    result = CliRunner().invoke(main, ["voice", "messages", "--language", "fr"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split("\t", 1) for line in result.output.splitlines())
    assert lines[page_message_id("Do you want a card?")] == "Voulez-vous une carte\u00a0?"
    assert lines["allergies.91936005"]  # a tile, by its code
    assert page_message_id("Do you want a card?").startswith("page.do-you-want-a-card-")


def test_audio_is_served_immutable_and_the_map_names_it(url: str) -> None:
    session = requests.Session()
    session.post_form = None  # type: ignore[attr-defined]
    page = session.get(f"{url}/kiosk/about?lang=fr", timeout=10).text
    map_url = re.search(r'data-voice-map="([^"]+)"', page)
    assert map_url, "an espeak-ng language has a voice map"
    answer = session.get(url + map_url.group(1), timeout=10)
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    audio = answer.json()["audio"]
    name = audio["Voulez-vous une carte ?"]
    sound = session.get(f"{url}/kiosk/voice/{name}", timeout=10)
    assert sound.status_code == 200
    assert sound.headers["Content-Type"] == "audio/ogg"
    assert sound.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert sound.content[:4] == b"OggS"
    assert session.get(f"{url}/kiosk/voice/../index.json", timeout=10).status_code == 404
    assert session.get(f"{url}/kiosk/voice/index.json", timeout=10).status_code == 404
    stale = map_url.group(1).replace(".json", "0.json")
    assert session.get(url + stale, timeout=10).status_code == 404


def test_a_language_without_a_voice_shows_no_speaker_button(url: str) -> None:
    page = requests.get(f"{url}/kiosk/about?lang=ti", timeout=10).text
    assert 'data-voice-map=""' in page
    assert "speak-page" not in page
    start = requests.get(f"{url}/kiosk/?lang=ti", timeout=10).text
    tigrinya = re.search(r'<button class="button language"[^>]*value="ti"[^>]*>', start)
    french = re.search(r'<button class="button language"[^>]*value="fr"[^>]*>', start)
    assert tigrinya and "data-say" not in tigrinya.group(0)
    assert french and 'data-say="/kiosk/voice/' in french.group(0)


def tone(path: Path, seconds: float) -> None:
    """A recording stand-in: a 440 Hz tone, never mistaken for espeak-ng's voice."""
    subprocess.run([SOX, "-n", "-r", "44100", str(path), "synth", str(seconds), "sine", "440"],
                   check=True)  # fmt: skip


def test_recorded_files_override_the_synthetic_voice_over_http(
    tmp_path: Path, voice_build: VoiceBuild, shared_database_url: str
) -> None:
    instance = tmp_path / "instance"
    link_voice(voice_build, instance)
    (instance / "voice" / "fr").mkdir(parents=True)
    (instance / "voice" / "ti").mkdir(parents=True)
    about = page_message_id("Do you want a card?")
    tone(instance / "voice" / "fr" / f"{about}.wav", 1.5)
    tone(instance / "voice" / "ti" / f"{about}.flac", 2.5)
    tone(instance / "voice" / "ti" / "languages.ti.wav", 1.0)
    result = CliRunner().invoke(main, ["--instance", str(instance), "voice", "build"])
    assert result.exit_code == 0, result.output
    assert "3 recorded" in result.output
    app = build(instance, shared_database_url)
    try:
        with serving(app) as base:
            said = next(m for m in kiosk_messages() if m.id == about).shown
            for language, seconds in (("fr", 1.5), ("ti", 2.5)):
                words = library.normalise(said[language])
                page = requests.get(f"{base}/kiosk/about?lang={language}", timeout=10).text
                map_url = re.search(r'data-voice-map="([^"]+)"', page)
                assert map_url
                audio = requests.get(base + map_url.group(1), timeout=10).json()["audio"]
                tigrinya = {words, str(valuesets.languages()["ti"].extra["native"])}
                assert set(audio) == tigrinya if language == "ti" else words in audio
                served = tmp_path / f"{language}.ogg"
                served.write_bytes(
                    requests.get(f"{base}/kiosk/voice/{audio[words]}", timeout=10).content
                )
                assert measure(served).seconds == pytest.approx(seconds, abs=0.05)
            start = requests.get(f"{base}/kiosk/?lang=ti", timeout=10).text
            tigrinya = re.search(r'<button class="button language"[^>]*value="ti"[^>]*>', start)
            assert tigrinya and 'data-say="/kiosk/voice/' in tigrinya.group(0)
    finally:
        app.extensions["ehcard"].engine.dispose()
    index = read_index(instance / "voice-cache")
    assert index["fr"][about].source == library.RECORDED
    assert index["en"][about].source == SYNTHETIC


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("fr/page.no-such-message-000000.wav", None, "no kiosk message has the id"),
        ("fr/{about}.wav", b"RIFF not really a wave file", "sox cannot read it as audio"),
        ("fr/{about}.txt", b"words", "not an audio file"),
        ("de/{about}.wav", None, "not a kiosk language folder"),
    ],
)
def test_a_recorded_file_that_cannot_be_used_is_named_and_loses_nothing(
    tmp_path: Path, voice_build: VoiceBuild, name: str, content: bytes | None, problem: str
) -> None:
    instance = tmp_path / "instance"
    link_voice(voice_build, instance)
    about = page_message_id("Do you want a card?")
    path = instance / "voice" / name.format(about=about)
    path.parent.mkdir(parents=True)
    if content is None:
        tone(path, 0.5)
    else:
        path.write_bytes(content)
    before = read_index(instance / "voice-cache")["fr"][about]
    result = CliRunner().invoke(main, ["--instance", str(instance), "voice", "build"])
    assert result.exit_code == 1
    assert problem in result.output
    after = read_index(instance / "voice-cache")
    assert after["fr"][about] == before  # the synthetic voice stays
    assert sum(len(entries) for entries in after.values()) > 1000


def test_the_pin_step_has_no_audio_with_digits_in_reach(voice_build: VoiceBuild) -> None:
    """The page script never reads, on the PIN page, words with a digit; this holds the
    list it reads from: the PIN texts with digits are the only ones it must skip."""
    pin_texts = [m for m in page_messages(voice_build) if "PIN" in m.english]
    with_digits = [m.id for m in pin_texts if re.search(r"\d", m.english)]
    assert with_digits  # "Your PIN: 6 to 12 digits", skipped on the PIN page
    assert not any(m.id.startswith("page.") and m.english.isdigit() for m in pin_texts)


def test_build_is_reused_not_redone(tmp_path: Path, voice_build: VoiceBuild) -> None:
    cache = tmp_path / "voice-cache"
    shutil.copytree(voice_build.cache, cache)
    report = library.build(cache, tmp_path / "voice", voice_build.messages, voice_build.voices)
    assert report.synthesised == 0 and report.reused == voice_build.report.synthesised
    assert json.loads((cache / "index.json").read_text())["version"] == library.INDEX_VERSION
