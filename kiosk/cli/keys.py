"""`ehcard keys ...` and `ehcard trust ...`: issuer keys and the root-signed trust list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from kiosk import db
from kiosk.config import Settings
from kiosk.domain import audit, clock
from kiosk.domain.keys import trust_admin
from kiosk.domain.keys.ceremony import national_trust_list, read_contribution
from kiosk.domain.keys.keyring import load_keyring, paths
from kiosk.sessions import cli_session
from signing.keys import load_private_key, load_public_key
from signing.trust import (
    TrustList,
    check_directory_url,
    decode_trust_body,
    sign_trust_body,
    sign_trust_list,
)

ACTOR = audit.CLI


def _today() -> date:
    return clock.today(clock.SystemClock())


def describe(trust: TrustList) -> list[str]:
    """One line per key: what an operator checks before signing or after a change."""
    lines = [f"trust list {trust.sequence}, issued {trust.issued.isoformat()}"]
    if trust.directory is not None:
        lines.append(f"  directory {trust.directory}")
    for entry in trust.entries:
        since = f" since {entry.status_since.isoformat()}" if entry.status_since else ""
        lines.append(
            f"  {entry.kid.hex()}  {entry.status.name.lower()}{since}  {entry.centre} "
            f"({entry.host}, {entry.valid_from.isoformat()} to {entry.valid_until.isoformat()})"
        )
    return lines


def _report(settings: Settings, change: trust_admin.KeyChange, what: str) -> None:
    if change.installed:
        click.echo(f"{what}; trust list {change.sequence} signed and installed")
        return
    click.echo(
        f"{what}; the root key is not on this machine, so trust list {change.sequence} waits "
        "for its signature:\n"
        f"  ehcard --instance {settings.instance} trust export-unsigned --out unsigned.cbor\n"
        "  ehcard trust sign --root-key ROOT.key --in unsigned.cbor --out signed.cbor  "
        "(on the root's machine)\n"
        f"  ehcard --instance {settings.instance} trust import signed.cbor"
    )


@click.group()
def keys() -> None:
    """Issuer keys: list, rotate, mark compromised."""


@keys.command("list")
@click.pass_obj
def keys_list(settings: Settings) -> None:
    """Show the installed trust list and which key signs new cards."""
    keyring = load_keyring(settings)
    for line in describe(keyring.trust_list):
        click.echo(line)
    click.echo(f"new cards are signed by {keyring.issuer_key.kid.hex()}")
    pending = trust_admin.pending_trust_list(settings)
    if pending is not None:
        click.echo(f"waiting for the root's signature: trust list {pending.sequence}")


@keys.command("rotate")
@click.pass_obj
def keys_rotate(settings: Settings) -> None:
    """Add a new issuer key; the current one is retired today and its cards keep verifying."""
    db.upgrade(settings.database_url)
    with cli_session(settings) as session:
        change = trust_admin.rotate(session, settings, actor=ACTOR, today=_today())
    _report(settings, change, f"new issuer key {change.kid.hex()}")


@keys.command("compromised")
@click.argument("kid")
@click.pass_obj
def keys_compromised(settings: Settings, kid: str) -> None:
    """Mark key KID (16 hex digits) compromised: its cards no longer verify."""
    try:
        raw = bytes.fromhex(kid)
    except ValueError as exc:
        raise click.BadParameter("a key id is 16 hexadecimal digits", param_hint="KID") from exc
    db.upgrade(settings.database_url)
    with cli_session(settings) as session:
        change = trust_admin.mark_compromised(session, settings, raw, actor=ACTOR, today=_today())
    _report(settings, change, f"key {kid} marked compromised")


@click.group()
def trust() -> None:
    """The trust list, signed by a root key that may live on another machine."""


@trust.command("export-unsigned")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_obj
def trust_export(settings: Settings, out: Path) -> None:
    """Write the trust list body that waits for the root's signature."""
    db.upgrade(settings.database_url)
    with cli_session(settings) as session:
        body = trust_admin.export_unsigned(session, settings, actor=ACTOR)
    out.write_bytes(body)
    for line in describe(decode_trust_body(body)):
        click.echo(line)
    click.echo(f"wrote {out}: sign it with `ehcard trust sign` where the root key is")


@trust.command("sign")
@click.option(
    "--root-key", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True
)
@click.option(
    "--in", "--unsigned", "unsigned",
    type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True, required=True,
    help="An exported unsigned body, or a centre's publication.json (repeat for each centre).",
)  # fmt: skip
@click.option(
    "--directory-url",
    metavar="URL",
    help="The national directory verifiers fetch revocations from (https://.../).",
)
@click.option(
    "--sequence",
    type=click.IntRange(min=1),
    help="The new list's sequence (default: the highest of the bodies'), above every "
    "centre's installed list.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def trust_sign(
    root_key: Path,
    unsigned: tuple[Path, ...],
    directory_url: str | None,
    sequence: int | None,
    out: Path,
) -> None:
    """Sign a trust list with the root key (needs no instance): one centre's exported body as
    it is, or several centres' bodies and publications merged into one national list."""
    key = load_private_key(root_key)
    if len(unsigned) == 1 and directory_url is None and sequence is None:
        body = unsigned[0].read_bytes()
        if body.lstrip()[:1] != b"{":
            for line in describe(decode_trust_body(body)):
                click.echo(line)
            out.write_bytes(sign_trust_body(body, key))
            click.echo(f"signed {out}: bring it back and run `ehcard trust import {out.name}`")
            return
    if directory_url is not None:
        check_directory_url(directory_url)
    national = national_trust_list(
        [read_contribution(path) for path in unsigned],
        issued=_today(),
        sequence=sequence,
        directory=directory_url,
    )
    for line in describe(national):
        click.echo(line)
    out.write_bytes(sign_trust_list(national, key))
    click.echo(
        f"signed {out}: every centre runs `ehcard trust import {out.name}` (the first time "
        "with --root-public ROOT.pub); the directory host builds with it"
    )


@trust.command("import")
@click.argument("signed", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--root-public",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Join a national trust list: pin this root public key instead of the installed one "
    "(the list must hold this centre's issuer key as active).",
)
@click.pass_obj
def trust_import(settings: Settings, signed: Path, root_public: Path | None) -> None:
    """Check SIGNED against the pinned root key and install it."""
    new_root = load_public_key(root_public) if root_public is not None else None
    db.upgrade(settings.database_url)
    with cli_session(settings) as session:
        result = trust_admin.import_signed(
            session, settings, signed.read_bytes(), actor=ACTOR, new_root=new_root
        )
    click.echo(f"installed trust list {result.sequence} at {paths(settings)['trust']}")
    if result.new_issuer is not None:
        click.echo(f"new cards are now signed by {result.new_issuer.hex()}")
        if settings.issuer_key_file is not None:
            click.echo(
                f"EHCARD_ISSUER_KEY_FILE names a fixed key: point it to "
                f"{settings.keys_dir / ('issuer-' + result.new_issuer.hex() + '.key')} "
                "and restart the application"
            )
