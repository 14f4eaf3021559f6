"""The `ehcard` command. Each command wraps a plain function tests can call."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

from cards.errors import CardError, VerificationError
from cards.export import card_to_json
from cards.fhir import card_bundle
from cards.summary import card_summary, verdict_line
from cards.valuesets import UI_LANGUAGES
from kiosk import db
from kiosk.cli.admin import audit, backup, restore, user
from kiosk.cli.directory import directory, publish
from kiosk.cli.keys import keys, trust
from kiosk.cli.printing import print_worker, reprint
from kiosk.cli.production import init_production_command
from kiosk.cli.translations import translations
from kiosk.cli.voice import voice
from kiosk.config import ConfigError, Settings, load_settings
from kiosk.domain import audit as audit_log
from kiosk.domain import clock
from kiosk.domain.audit import record_event
from kiosk.domain.cards import registry
from kiosk.domain.cards.card_files import write_card_files
from kiosk.domain.cards.qrimage import decode_qr_image, write_qr_png
from kiosk.domain.keys import keyring as keyring_service
from kiosk.domain.publication.bundle import decode_bundle
from kiosk.domain.publication.directory_client import DirectoryLists, sync_directory
from kiosk.domain.publication.publisher import ListPublisher
from kiosk.sessions import cli_session, session_factory
from signing.keys import load_public_key
from signing.revocation import Reason
from signing.trust import load_trust_list
from signing.verifier import VerifiedCard, Verifier

# Under the instance folder: where `ehcard verify` keeps a directory's lists (--cache).
DIRECTORY_CACHE = "directory-cache"


def today() -> date:
    return clock.today(clock.SystemClock())


class EhcardGroup(click.Group):
    """Prints our errors' diagnostics, never a traceback, for expected failures."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (CardError, ConfigError) as exc:
            message = exc.diagnostics() if isinstance(exc, CardError) else str(exc)
            click.echo(f"ehcard: {message}", err=True)
            ctx.exit(2)


@click.group(cls=EhcardGroup)
@click.option(
    "--instance",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="EHCARD_INSTANCE",
    default=Path("instance"),
    show_default=True,
    help="Instance folder: keys, trust list, database.",
)
@click.pass_context
def main(ctx: click.Context, instance: Path) -> None:
    """ehcard: emergency health cards with signed QR codes."""
    ctx.obj = load_settings(instance)


for command in (
    user, audit, backup, restore, keys, trust, print_worker, reprint, init_production_command,
    voice, translations, publish, directory,
):  # fmt: skip
    main.add_command(command)


@main.command()
@click.pass_obj
def init(settings: Settings) -> None:
    """Create a development root key, an issuer key, a signed trust list and the database."""
    settings.instance.mkdir(parents=True, exist_ok=True)
    keyring = keyring_service.init_instance(settings, today())
    db.upgrade(settings.database_url)
    click.echo(f"initialised {settings.instance}")
    click.echo(f"issuer key id {keyring.issuer_key.kid.hex()} ({settings.centre_name})")
    click.echo(f"root public key {keyring_service.paths(settings)['root_public']}")


@main.command()
@click.argument("profile", type=click.File("rb"))
@click.option("--qr", "qr_path", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--card",
    "card_png",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the whole card (front above back) as PNG, 300 dpi.",
)
@click.option(
    "--pdf",
    "card_pdf",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the card as a two-page CR80 PDF (85.6 x 54 mm).",
)
@click.option(
    "--a4",
    "sheet_pdf",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write front and back side by side on A4, to cut out and fold.",
)
@click.option(
    "--lang",
    "holder_language",
    type=click.Choice(UI_LANGUAGES),
    default=None,
    help="The holder's language, printed beside the card language (EHCARD_CARD_LANGUAGE).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print card id, QR text, version, ECC as JSON."
)
@click.pass_obj
def issue(
    settings: Settings,
    profile: Any,
    qr_path: Path,
    card_png: Path | None,
    card_pdf: Path | None,
    sheet_pdf: Path | None,
    holder_language: str | None,
    as_json: bool,
) -> None:
    """Sign a card from a PROFILE.json; write its QR code as PNG, and the card if asked."""
    try:
        data = json.load(profile)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{profile.name} is not valid JSON: {exc}") from exc
    keyring = keyring_service.load_keyring(settings)
    db.upgrade(settings.database_url)
    with cli_session(settings) as session:
        issued = registry.issue_card(session, settings, keyring, data, today=today())
        subject = audit_log.card(issued.card.card_code)
        record_event(session, "card.issue", actor=audit_log.CLI, subject=subject)
        # Inside the transaction: a card that cannot be rendered is not issued.
        write_card_files(
            issued,
            settings,
            holder_language=holder_language or settings.card_language,
            png=card_png,
            pdf=card_pdf,
            a4=sheet_pdf,
        )
    write_qr_png(issued.symbol, qr_path)
    summary = {
        "card_id": issued.card.card_id.hex(),
        "card_code": issued.card.card_code,
        "qr_text": issued.qr_text,
        "qr_version": issued.symbol.version,
        "ecc": issued.symbol.ecc,
        "payload_bytes": len(issued.payload),
    }
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        click.echo(
            f"card {issued.card.card_code} -> {qr_path} (QR version {issued.symbol.version}-M)"
        )


def _card_source(command: Any) -> Any:
    """The options of commands that read one card and verify it against the lists."""
    options = [
        click.option("--image", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option("--text"),
        click.option("--trust", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option("--root-key", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option(
            "--revocations",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            multiple=True,
        ),
        click.option(
            "--directory",
            metavar="URL",
            help="Fetch the trust list and every issuer's revocations from this national "
            "directory (default: the one the trust list names, if any).",
        ),
        click.option(
            "--cache",
            type=click.Path(file_okay=False, path_type=Path),
            help="Where the directory's lists are kept for when it is unreachable "
            "(default: INSTANCE/directory-cache).",
        ),
        click.option(
            "--at",
            "moment",
            metavar="TIME",
            help="Verify as of this ISO 8601 time with its zone, e.g. 2026-11-27T12:00:00Z "
            "(default: now).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True)
class CardSource:
    """The options `_card_source` adds: where the card and the lists come from."""

    image: Path | None
    text: str | None
    trust: Path | None
    root_key: Path | None
    revocations: tuple[Path, ...]
    directory: str | None
    cache: Path | None
    moment: str | None


@dataclass(frozen=True)
class Verification:
    result: VerifiedCard | None
    error: VerificationError | None
    # The directory the lists came from, when they did, with their age.
    lists: DirectoryLists | None


def _verify_source(settings: Settings, source: CardSource) -> Verification:
    if (source.image is None) == (source.text is None):
        raise click.UsageError("give exactly one of --image or --text")
    checked_at = clock.SystemClock().now() if source.moment is None else _utc_moment(source.moment)
    where = keyring_service.paths(settings)
    root_keys = [load_public_key(source.root_key or where["root_public"])]
    options: dict[str, Any] = {"clock": lambda: checked_at, "skew": settings.clock_skew}
    directory = source.directory
    trust_file = source.trust or where["trust"]
    if directory is None and not source.revocations and trust_file.exists():
        directory = load_trust_list(trust_file.read_bytes(), root_keys).directory
    lists = None
    if directory is not None:
        lists = sync_directory(
            directory,
            source.cache or settings.instance / DIRECTORY_CACHE,
            root_keys,
            now=clock.SystemClock().now(),
            verifier_options=options,
        )
        verifier = lists.verifier
        for path in source.revocations:
            verifier.add_revocation_list(path.read_bytes())
    else:
        verifier = Verifier.from_files(
            root_keys=root_keys,
            trust_file=trust_file,
            revocation_files=source.revocations,
            **options,
        )
    try:
        qr_text = decode_qr_image(source.image) if source.image is not None else str(source.text)
        return Verification(verifier.verify(qr_text), None, lists)
    except VerificationError as exc:
        return Verification(None, exc, lists)


@main.command()
@_card_source
@click.option("--lang", default="en", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def verify(settings: Settings, /, lang: str, as_json: bool, **source: Any) -> None:
    """Verify a card from an image (--image) or its QR text (--text); exit 0 only if valid."""
    verification = _verify_source(settings, CardSource(**source))
    result, error, lists = verification.result, verification.error, verification.lists
    report = verification_report(result, error)
    now = clock.SystemClock().now()
    if as_json:
        if lists is not None:
            report["lists"] = lists.report(now)
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        click.echo(verdict_line(report["status"], report["reason"], lang))
        if result is not None:
            click.echo(card_summary(result.card, lang, issuer=result.issuer.centre))
        for line in lists.lines(now) if lists is not None else ():
            click.echo(line)
    sys.exit(0 if error is None else 1)


@main.command("export-fhir")
@_card_source
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@click.pass_obj
def export_fhir(settings: Settings, /, out: Path | None, **source: Any) -> None:
    """Verify a card, then write it as an IPS-style FHIR R4 Bundle; refuse any card not valid."""
    verification = _verify_source(settings, CardSource(**source))
    result, error = verification.result, verification.error
    if verification.lists is not None:
        for line in verification.lists.lines(clock.SystemClock().now()):
            click.echo(f"ehcard: {line}", err=True)
    if result is None:
        report = verification_report(None, error)
        click.echo(
            f"ehcard: not exported, the card is {report['status']} ({report['reason']}): "
            f"{report['message']}",
            err=True,
        )
        sys.exit(1)
    bundle = card_bundle(result.card, issuer=result.issuer.centre, timestamp=result.checked_at)
    document = json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        click.echo(document, nl=False)
    else:
        out.write_text(document, "utf-8")
        click.echo(f"FHIR Bundle of card {result.card.card_code} written to {out}", err=True)


def _utc_moment(moment: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError as exc:
        raise click.BadParameter(f"{moment!r} is not an ISO 8601 time", param_hint="--at") from exc
    if parsed.tzinfo is None:
        # A time without its zone means different days in different places.
        raise click.BadParameter("give the time zone, e.g. 2026-11-27T12:00:00Z", param_hint="--at")
    return parsed.astimezone(UTC)


def verification_report(
    result: VerifiedCard | None, error: VerificationError | None
) -> dict[str, Any]:
    """The JSON verdict `ehcard verify --json` prints (and the browser verifier matches)."""
    if error is not None:
        return {
            "status": error.status,
            "reason": error.code,
            "message": error.message,
            "card": None,
        }
    if result is None:
        raise ValueError("a report needs a verified card or an error")
    return {
        "status": "valid",
        "reason": None,
        "message": f"signed by {result.issuer.centre}",
        "card": card_to_json(result.card),
    }


@main.command()
@click.argument("card")
@click.option("--reason", type=click.Choice([r.label for r in Reason]), required=True)
@click.pass_obj
def revoke(settings: Settings, card: str, reason: str) -> None:
    """Revoke CARD (its 16-hex-digit id or printed code)."""
    db.upgrade(settings.database_url)
    with cli_session(settings) as session:
        row = registry.find_card(session, card)
        registry.revoke_card(session, row, Reason[reason.upper()], today=today())
        code = row.card_code
        record_event(
            session,
            "card.revoke",
            actor=audit_log.CLI,
            subject=audit_log.card(code),
            details={"reason": reason},
        )
    click.echo(f"card {code} revoked ({reason}); its issuer's revocation list is published")


@main.command("export-lists")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.pass_obj
def export_lists(settings: Settings, out: Path) -> None:
    """Write the trust list and each issuer's signed revocation list to OUT (a static mirror):
    the bytes the server publishes, re-signed first if a change or a new day needs it."""
    keyring = keyring_service.load_keyring(settings)
    db.upgrade(settings.database_url)
    out.mkdir(parents=True, exist_ok=True)
    (out / "trust.cbor").write_bytes(keyring.trust_document)
    engine = db.make_engine(settings.database_url)
    try:
        system = clock.SystemClock()
        publisher = ListPublisher(settings, session_factory(settings, engine, system), system)
        publisher.publish()
    finally:
        engine.dispose()
    for kid in keyring.issuer_keys:
        bundle = decode_bundle(publisher.path(kid).read_bytes())
        (out / f"revocations-{kid.hex()}.cbor").write_bytes(bundle.full.body)
    click.echo(f"wrote trust list and {len(keyring.issuer_keys)} revocation list(s) to {out}")
