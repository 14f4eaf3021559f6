"""`ehcard user`, `audit`, `backup` and `restore`: administration from the shell."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk import db
from kiosk.config import Settings
from kiosk.domain import audit as audit_log
from kiosk.domain.accounts.sessions import end_user_sessions
from kiosk.domain.accounts.users import add_user, find_user, hash_password
from kiosk.domain.audit import record_event, verify_chain
from kiosk.domain.backup import BackupError, restore_backup, write_backup
from kiosk.domain.clock import SystemClock
from kiosk.models.accounts import ROLES
from kiosk.sessions import cli_session


@click.group()
def user() -> None:
    """Staff accounts (the first admin is made here)."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", "display_name", default="", help="Name shown in the console.")
@click.option("--facility", default="", help="Facility recorded when this user opens a record.")
@click.password_option(envvar="EHCARD_NEW_PASSWORD")
@click.pass_obj
def user_add(
    settings: Settings, username: str, role: str, display_name: str, facility: str, password: str
) -> None:
    """Create an account (password from the prompt or EHCARD_NEW_PASSWORD)."""
    db.upgrade(settings.database_url)
    with cli_session(settings) as session:
        row = add_user(
            session, username, password, role, display_name=display_name, facility=facility
        )
        record_event(
            session, "user.add", actor=audit_log.CLI, subject=audit_log.user(row.id),
            details={"role": role},
        )
    click.echo(f"user {username} ({role}) created")


@user.command("disable")
@click.argument("username")
@click.pass_obj
def user_disable(settings: Settings, username: str) -> None:
    """Disable an account: its sessions end and it can no longer log in."""
    db.upgrade(settings.database_url)
    with cli_session(settings) as session:
        row = find_user(session, username)
        row.active = False
        ended = end_user_sessions(session, row.id, "disabled", now=SystemClock().now())
        record_event(
            session, "user.disable", actor=audit_log.CLI, subject=audit_log.user(row.id),
            details={"sessions_ended": ended},
        )  # fmt: skip
    click.echo(f"user {username} disabled")


@user.command("passwd")
@click.argument("username")
@click.password_option(envvar="EHCARD_NEW_PASSWORD")
@click.pass_obj
def user_passwd(settings: Settings, username: str, password: str) -> None:
    """Set a new password and clear any lock-out."""
    db.upgrade(settings.database_url)
    with cli_session(settings) as session:
        row = find_user(session, username)
        row.password_hash = hash_password(password)
        row.failed_logins = 0
        row.locked_until = None
        ended = end_user_sessions(session, row.id, "password", now=SystemClock().now())
        record_event(
            session, "user.password", actor=audit_log.CLI, subject=audit_log.user(row.id),
            details={"sessions_ended": ended},
        )  # fmt: skip
    click.echo(f"password of {username} changed")


@click.group()
def audit() -> None:
    """The hash-chained audit log."""


@audit.command("verify")
@click.pass_obj
def audit_verify(settings: Settings) -> None:
    """Check the whole chain; exit 1 and name every broken row if any."""
    db.upgrade(settings.database_url)
    with cli_session(settings) as session:
        problems = verify_chain(session)
    for problem in problems:
        where = "head" if problem.row_id is None else f"row {problem.row_id}"
        click.echo(f"{where}: {problem.problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("audit log intact")


@click.command("backup")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_obj
def backup(settings: Settings, out: Path) -> None:
    """Write every table to OUT (gzip'd JSON lines; SQLite and PostgreSQL alike)."""
    db.upgrade(settings.database_url)
    engine = db.make_engine(settings.database_url)
    try:
        counts = write_backup(engine, out, now=SystemClock().now())
    finally:
        engine.dispose()
    click.echo(f"backed up {sum(counts.values())} rows from {len(counts)} tables to {out}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Delete the rows this database holds first.")
@click.pass_obj
def restore(settings: Settings, source: Path, replace: bool) -> None:
    """Load a backup into this instance's database (refuses a non-empty one without --replace)."""
    db.upgrade(settings.database_url)
    engine = db.make_engine(settings.database_url)
    try:
        counts = restore_backup(engine, source, replace=replace)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    click.echo(f"restored {sum(counts.values())} rows into {len(counts)} tables")
