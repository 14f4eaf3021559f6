"""`ehcard keys ...` and `ehcard trust ...`: issuer keys and the root-signed trust list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from kiosk import db
from kiosk.config import Settings
from kiosk.domain import audit, clock
from kiosk.domain.keys import trust_admin
from kiosk.domain.keys.keyring import load_keyring, paths
from kiosk.sessions import cli_session
from signing.keys import load_private_key
from signing.trust import TrustList, decode_trust_body, sign_trust_body

ACTOR = audit.CLI


def _today() -> date:
    return clock.today(clock.SystemClock())


def describe(trust: TrustList) -> list[str]:
    """One line per key: what an operator checks before signing or after a change."""
    lines = [f"trust list {trust.sequence}, issued {trust.issued.isoformat()}"]
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
    "--in", "unsigned", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
)  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def trust_sign(root_key: Path, unsigned: Path, out: Path) -> None:
    """Sign an exported trust list body with the root key (needs no instance)."""
    body = unsigned.read_bytes()
    for line in describe(decode_trust_body(body)):
        click.echo(line)
    out.write_bytes(sign_trust_body(body, load_private_key(root_key)))
    click.echo(f"signed {out}: bring it back and run `ehcard trust import {out.name}`")


@trust.command("import")
@click.argument("signed", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def trust_import(settings: Settings, signed: Path) -> None:
    """Check SIGNED against the pinned root key and install it."""
    db.upgrade(settings.database_url)
    with cli_session(settings) as session:
        result = trust_admin.import_signed(session, settings, signed.read_bytes(), actor=ACTOR)
    click.echo(f"installed trust list {result.sequence} at {paths(settings)['trust']}")
    if result.new_issuer is not None:
        click.echo(f"new cards are now signed by {result.new_issuer.hex()}")
        if settings.issuer_key_file is not None:
            click.echo(
                f"EHCARD_ISSUER_KEY_FILE names a fixed key: point it to "
                f"{settings.keys_dir / ('issuer-' + result.new_issuer.hex() + '.key')} "
                "and restart the application"
            )
