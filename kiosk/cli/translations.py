"""`ehcard translations`: which translations no native speaker has reviewed yet."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from kiosk.domain import translation_review as review

ROOT = Path(__file__).resolve().parents[2]


@click.group()
def translations() -> None:
    """Translation review: what a centre should have a native speaker check."""


@translations.command("unreviewed")
@click.option("--language", help="Only this language (ISO 639-1, e.g. ti).")
@click.option("--catalogue", help="Only catalogues whose path contains this text.")
@click.option("--keys", "show_keys", is_flag=True, help="List each entry, not only counts.")
def unreviewed_command(language: str | None, catalogue: str | None, show_keys: bool) -> None:
    """Count (or with --keys list) the entries not yet reviewed, per catalogue and language.

    Entries carrying no mark at all count too, shown as `unmarked`.
    """
    counts: Counter[tuple[str, str, str]] = Counter()
    for entry in review.translations(ROOT):
        if entry.state == review.REVIEWED:
            continue
        if (language and entry.language != language) or (
            catalogue and catalogue not in entry.catalogue
        ):
            continue
        counts[entry.catalogue, entry.language, entry.state] += 1
        if show_keys:
            click.echo(f"{entry.catalogue}\t{entry.language}\t{entry.state}\t{entry.key}")
    if not show_keys:
        for (name, lang, state), count in sorted(counts.items()):
            click.echo(f"{name}\t{lang}\t{count} {state}")
    click.echo(f"total\t{sum(counts.values())}")


@translations.command("mark")
def mark_command() -> None:
    """Mark every translation carrying neither mark as not yet reviewed (then recompile .mo)."""
    click.echo(f"marked {review.mark_unmarked(ROOT)} translations as not yet reviewed")
