"""`ehcard init-production`: the keys, trust list and settings file of a new production server."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.config import Settings
from kiosk.domain.clock import SystemClock, today
from kiosk.domain.keys.production_setup import init_production

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command("init-production")
@click.option(
    "--root-key-out",
    type=_FILE,
    required=True,
    help="Where to write the root private key, to be moved offline.",
)
@click.option(
    "--env-out",
    type=_FILE,
    required=True,
    help="Where to write the settings file (e.g. /etc/ehcard/ehcard.env).",
)
@click.option("--centre-name", help="The centre's name, as cards and the trust list show it.")
@click.option("--card-host", help="The host name printed in the cards' QR codes.")
@click.option("--database-url", help="PostgreSQL URL; without it, SQLite in the instance folder.")
@click.option(
    "--printer",
    required=True,
    help="The print worker's printer: tcp:HOST[:PORT], usb:VENDOR:PRODUCT or file:/dev/DEVICE.",
)
@click.pass_obj
def init_production_command(
    settings: Settings,
    root_key_out: Path,
    env_out: Path,
    centre_name: str | None,
    card_host: str | None,
    database_url: str | None,
    printer: str,
) -> None:
    """Create every key and secret production needs under INSTANCE/keys, and its settings."""
    made = init_production(
        settings.instance, root_key_out=root_key_out, env_out=env_out,
        today=today(SystemClock()), centre_name=centre_name, card_host=card_host,
        database_url=database_url, printer=printer,
    )  # fmt: skip
    click.echo(f"initialised {settings.instance} for production")
    click.echo(f"issuer key id {made.issuer_kid.hex()}")
    click.echo(f"settings written to {made.env_file}")
    click.echo(
        f"root private key written to {made.root_key_file}: move it offline now; "
        "the server never needs it"
    )
