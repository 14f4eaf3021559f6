"""`ehcard voice`: the kiosk's spoken messages, listed and built into the audio cache."""

from __future__ import annotations

import json

import click

from cards.valuesets import UI_LANGUAGES
from kiosk.config import Settings
from kiosk.domain.voice import library, speech
from kiosk.domain.voice.library import BuildReport
from kiosk.web.reception.spoken import kiosk_messages


def build_voice(settings: Settings) -> BuildReport:
    """Make what is missing in the instance's voice cache; the function the command wraps."""
    voices = {language: language for language in speech.voices_for(UI_LANGUAGES)}
    return library.build(settings.voice_cache, settings.voice_folder, kiosk_messages(), voices)


@click.group()
def voice() -> None:
    """The kiosk's voice: espeak-ng audio and a centre's recorded messages."""


@voice.command("messages")
@click.option("--language", type=click.Choice(UI_LANGUAGES), help="Show the words in it.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a message.")
def messages_command(language: str | None, as_json: bool) -> None:
    """Every message id the kiosk can say, with its words (English unless --language).

    A recorded file for a message is <instance>/voice/<language>/<message id>.<extension>.
    """
    for message in kiosk_messages():
        words = message.spoken.get(language or "en", "")
        if as_json:
            click.echo(json.dumps({"id": message.id, "words": words}, ensure_ascii=False))
        else:
            click.echo(f"{message.id}\t{words}")


@voice.command("build")
@click.pass_obj
def build_command(settings: Settings) -> None:
    """Synthesise and encode every missing audio file, taking in recorded files.

    Run it after installing or upgrading, and after adding recorded files; the kiosk reads
    the new index at once. Exits 1 when a recorded file could not be used (each is named).
    """
    report = build_voice(settings)
    for problem in report.problems + report.unspoken:
        click.echo(f"ehcard voice: {problem}", err=True)
    click.echo(
        f"voice cache {settings.voice_cache}: {report.synthesised} synthesised, "
        f"{report.recorded} recorded, {report.reused} unchanged, in {report.seconds:.1f} s"
    )
    if report.problems:
        raise SystemExit(1)
