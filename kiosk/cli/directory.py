"""`ehcard publish` (a centre's static revocation data) and `ehcard directory build` (the
national directory of every centre's): see docs/directory.md."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk import db
from kiosk.config import Settings
from kiosk.domain import clock
from kiosk.domain.publication.directory import build_directory
from kiosk.domain.publication.folder import publish_folder
from kiosk.sessions import session_factory
from signing.keys import load_public_key

_FOLDER = click.Path(file_okay=False, path_type=Path)
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("publish")
@click.option("--out", type=_FOLDER, required=True, help="The centre's publication folder.")
@click.pass_obj
def publish(settings: Settings, out: Path) -> None:
    """Write this centre's signed revocation filters and deltas, and publication.json, to OUT."""
    db.upgrade(settings.database_url)
    engine = db.make_engine(settings.database_url)
    try:
        system = clock.SystemClock()
        publication = publish_folder(
            settings, session_factory(settings, engine, system), system, out
        )
    finally:
        engine.dispose()
    for item in publication.files:
        click.echo(f"{item.kind} {item.issuer} counter {item.counter}: {item.path} ({item.size} B)")
    click.echo(f"wrote {out / 'publication.json'}")


@click.group("directory")
def directory() -> None:
    """The national directory: every centre's publication under one trust list."""


@directory.command("build")
@click.option(
    "--from", "sources", type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True, required=True, help="A centre's publication folder (repeat for each).",
)  # fmt: skip
@click.option("--trust", type=_FILE, required=True, help="The root-signed trust list.")
@click.option("--root-key", type=_FILE, required=True, help="The root public key.")
@click.option("--out", type=_FOLDER, required=True, help="The folder nginx serves.")
def directory_build(sources: tuple[Path, ...], trust: Path, root_key: Path, out: Path) -> None:
    """Check every centre's publication and write the directory OUT (nothing, if one fails)."""
    index = build_directory(
        sources,
        trust.read_bytes(),
        load_public_key(root_key),
        out,
        now=clock.SystemClock().now(),
    )
    for kid, issuer in index.issuers.items():
        counter = (issuer.delta or issuer.filter).counter
        click.echo(f"{kid}  {issuer.centre}: counter {counter} (filter {issuer.filter.counter})")
    click.echo(f"wrote {out / 'index.json'} (trust list {index.trust.sequence})")
