"""A country of three centres and one national directory, on the real parts.

Three instances made by `create_app`, each on its own new PostgreSQL database with its own
issuer key and served over real HTTP; one root key, offline, signs one trust list of all
three with the directory URL, through the ceremony an operator runs (`ehcard publish` for
each centre's entries, `ehcard trust sign`, `ehcard trust import --root-public`). Cards are
issued and revoked through the registry; each centre publishes with `ehcard publish`; the
directory is built with `ehcard directory build` and served by a real nginx with
deploy/directory/nginx-directory.conf on 127.0.0.1.

The `Country` dataclass is what other tests (the verifier page's) reuse: the directory URL,
the centres' apps and URLs, the QR texts of valid and revoked cards, `revoke` +
`publish` + `build`, and `stop_directory` / `start_directory`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import select

from app import create_app
from kiosk.cli import main
from kiosk.db import session_scope
from kiosk.domain.cards.registry import issue_card, revoke_card
from kiosk.domain.clock import MovableClock
from kiosk.domain.publication.folder import publish_folder
from kiosk.models.registry import CardRow
from kiosk.sessions import session_factory
from signing.keys import PrivateKey, save_private_key, save_public_key
from signing.revocation import Reason
from tests.databases import fresh_database
from tests.servers import free_port, serving

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "directory" / "nginx-directory.conf"
PROFILE = {"name": "Amina Diallo", "birth_date": "1994-03-12", "allergies": ["91936005"]}
# Cards issued this long before the fixture's publications, so that the filters cover them.
ISSUED_BEFORE = timedelta(days=3)
# Per centre: (cards issued days ago, reasons of the revoked among them, in order).
OLD_CARDS = 10
OLD_REVOKED = (Reason.REISSUED, Reason.REISSUED, Reason.LOST, Reason.STOLEN)
# Issued today (after the filter's cover day): known to the filter only as explicit entries.
NEW_CARDS = 3
NEW_REVOKED = (Reason.WRONG_DATA,)


def run_ehcard(*args: str, env: dict[str, str] | None = None) -> Result:
    """The `ehcard` command, as an operator runs it (its own settings from `env`)."""
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@dataclass
class Card:
    """A card of the fixture and what a verifier must say of it."""

    centre: str
    card_id: bytes
    qr_text: str
    issued: date
    revoked: Reason | None = None


@dataclass
class Centre:
    name: str
    app: Flask
    url: str
    instance: Path
    publication: Path
    env: dict[str, str]
    cards: list[Card] = field(default_factory=list)

    @property
    def clock(self) -> MovableClock:
        clock: MovableClock = self.app.extensions["ehcard"].clock
        return clock

    def ehcard(self, *args: str) -> Result:
        """`ehcard --instance INSTANCE ...` with this centre's settings."""
        return run_ehcard("--instance", str(self.instance), *args, env=self.env)

    @property
    def valid(self) -> list[Card]:
        return [card for card in self.cards if card.revoked is None]

    @property
    def revoked(self) -> list[Card]:
        return [card for card in self.cards if card.revoked is not None]

    def unrevoked(self, before: date) -> Card:
        """A valid card issued before `before` (one the filters cover), to revoke in a test."""
        return next(c for c in self.valid if c.issued < before)

    def issue(self, count: int) -> list[Card]:
        services = self.app.extensions["ehcard"]
        services.refresh_keyring()
        made = []
        with session_scope(services.sessions) as session:
            for _ in range(count):
                issued = issue_card(
                    session,
                    services.settings,
                    services.keyring,
                    PROFILE,
                    today=self.clock.now().date(),
                )
                made.append(
                    Card(self.name, issued.card.card_id, issued.qr_text, issued.card.issued)
                )
        self.cards.extend(made)
        return made

    def revoke(self, card: Card, reason: Reason) -> None:
        """Revoke through the registry, on the centre's clock (the day it is set to)."""
        services = self.app.extensions["ehcard"]
        with session_scope(services.sessions) as session:
            row = session.scalar(select(CardRow).where(CardRow.card_id == card.card_id))
            assert row is not None
            revoke_card(session, row, reason, today=self.clock.now().date())
        card.revoked = reason

    def publish(self, at: datetime | None = None) -> None:
        """`ehcard publish --out` now, or the same publication as of `at` (another day)."""
        if at is None:
            result = self.ehcard("publish", "--out", str(self.publication))
            assert result.exit_code == 0, result.output
            return
        services = self.app.extensions["ehcard"]
        clock = MovableClock(at)
        sessions = session_factory(services.settings, services.engine, clock)
        publish_folder(services.settings, sessions, clock, self.publication)


class StaticServer:
    """nginx with deploy/directory/nginx-directory.conf, its paths moved, on a fixed port."""

    def __init__(self, folder: Path, root: Path, port: int) -> None:
        self.folder = folder
        self.root = root
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def config(self, root: Path) -> Path:
        site = NGINX_CONF.read_text("utf-8")
        moves = {
            "    listen [::]:443 ssl http2;\n": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.port};",
            "    ssl_certificate /etc/ehcard-directory/tls/fullchain.pem;\n": "",
            "    ssl_certificate_key /etc/ehcard-directory/tls/privkey.pem;\n": "",
            "    ssl_protocols TLSv1.2 TLSv1.3;\n": "",
            "root /srv/ehcard-directory;": f"root {root};",
        }
        for old, new in moves.items():
            assert old in site, f"nginx-directory.conf no longer has {old!r}"
            site = site.replace(old, new)
        (self.folder / "site.conf").write_text(site)
        temp = self.folder / "nginx-temp"
        temp.mkdir(exist_ok=True)
        # As root (a container), nginx's workers would drop to nobody, who cannot read the test's
        # folders; as anyone else they run as that user.
        user = "user root root;\n" if os.geteuid() == 0 else ""
        main_conf = f"""{user}worker_processes 1;
pid {self.folder}/nginx.pid;
error_log {self.folder}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {self.folder}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {self.folder}/site.conf;
}}
"""
        path = self.folder / "nginx.conf"
        path.write_text(main_conf)
        return path

    def start(self, root: Path | None = None) -> None:
        """Serve `root` (the directory by default) on the server's port."""
        assert self.process is None, "the static server is already running"
        config = self.config(root or self.root)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [nginx, "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}index.json", timeout=2)
                return
            except requests.ConnectionError:
                if self.process.poll() is not None:
                    log = (self.folder / "nginx-error.log").read_text()
                    raise AssertionError(f"nginx exited:\n{log}") from None
                time.sleep(0.05)
        raise AssertionError("nginx did not answer")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        self.process.wait(timeout=20)
        self.process = None


@dataclass
class Country:
    """Three centres, one root, one directory served on 127.0.0.1 (see the module doc)."""

    folder: Path
    directory_url: str
    out: Path
    trust_file: Path
    root_public: Path
    centres: dict[str, Centre]
    server: StaticServer

    @property
    def cards(self) -> list[Card]:
        return [card for centre in self.centres.values() for card in centre.cards]

    def build(self, out: Path | None = None) -> Result:
        """`ehcard directory build` from every centre's publication into OUT."""
        sources = [a for c in self.centres.values() for a in ("--from", str(c.publication))]
        return run_ehcard(
            "directory", "build", *sources, "--trust", str(self.trust_file),
            "--root-key", str(self.root_public), "--out", str(out or self.out),
        )  # fmt: skip

    def revoke_and_publish(self, centre: str, card: Card, reason: Reason) -> None:
        """A revocation at a centre, its publication and the directory's rebuild."""
        self.centres[centre].revoke(card, reason)
        self.centres[centre].publish()
        result = self.build()
        assert result.exit_code == 0, result.output

    def stop_directory(self) -> None:
        self.server.stop()

    def start_directory(self) -> None:
        self.server.start()

    @contextmanager
    def serving_instead(self, root: Path) -> Iterator[None]:
        """Another folder served at the directory's URL for a while (a tampered mirror)."""
        self.server.stop()
        self.server.start(root)
        try:
            yield
        finally:
            self.server.stop()
            self.server.start()

    def verify(self, qr_text: str, *args: str, cache: Path) -> dict[str, Any]:
        """`ehcard verify --json` as a verifier with only the root key: trust and lists come
        from the directory."""
        result = run_ehcard(
            "--instance", str(self.folder / "verifier"), "verify", "--text", qr_text,
            "--root-key", str(self.root_public), "--directory", self.directory_url,
            "--cache", str(cache), "--json", *args,
        )  # fmt: skip
        assert result.exit_code in (0, 1), result.output
        report: dict[str, Any] = json.loads(result.stdout)
        return report

    def snapshot(self, name: str) -> Path:
        """A copy of the directory as it is now (to serve later as a rolled-back mirror)."""
        copy = self.folder / "snapshots" / name
        shutil.copytree(self.out, copy)
        return copy


def _centre(stack: ExitStack, folder: Path, name: str, clock: MovableClock) -> Centre:
    database_url = stack.enter_context(fresh_database("postgresql", folder))
    settings = {
        "centre_name": f"Centre {name}",
        "card_host": f"{name}.EHC.EXAMPLE.ORG",
    }
    app = create_app(
        {
            "instance": folder / "instance",
            "database_url": database_url,
            "TESTING": True,
            "CLOCK": clock,
            **settings,
        }
    )
    url = stack.enter_context(serving(app))
    env = {f"EHCARD_{k.upper()}": v for k, v in settings.items()}
    env["EHCARD_DATABASE_URL"] = database_url
    return Centre(name, app, url, folder / "instance", folder / "publication", env)


@pytest.fixture(scope="session")
def country(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Country]:
    folder = tmp_path_factory.mktemp("country")
    now = datetime.now(UTC)
    port = free_port()
    directory_url = f"http://127.0.0.1:{port}/"
    root = PrivateKey.generate()
    save_private_key(root, folder / "root.key")
    save_public_key(root.public, folder / "root.pub")
    with ExitStack() as stack:
        centres: dict[str, Centre] = {}
        for name in ("A", "B", "C"):
            clock = MovableClock(now - ISSUED_BEFORE)
            centres[name] = _centre(stack, folder / name, name, clock)
        # The ceremony: each centre's entries, one national list, every centre imports it.
        for centre in centres.values():
            (centre.instance / "keys" / "root.key").unlink()  # a development root: retired
            centre.publish()
        trust_file = folder / "national-trust.cbor"
        unsigned = [
            a
            for c in centres.values()
            for a in ("--unsigned", str(c.publication / "publication.json"))
        ]
        signed = run_ehcard(
            "trust", "sign", "--root-key", str(folder / "root.key"), *unsigned,
            "--directory-url", directory_url, "--sequence", "2", "--out", str(trust_file),
        )  # fmt: skip
        assert signed.exit_code == 0, signed.output
        for centre in centres.values():
            joined = centre.ehcard(
                "trust", "import", str(trust_file), "--root-public", str(folder / "root.pub")
            )
            assert joined.exit_code == 0, joined.output
        # Cards days ago, some revoked since; cards today, one revoked today.
        for centre in centres.values():
            old = centre.issue(OLD_CARDS)
            centre.clock.set(now - timedelta(days=1))
            for card, reason in zip(old, OLD_REVOKED, strict=False):
                centre.revoke(card, reason)
            centre.clock.set(now)
            new = centre.issue(NEW_CARDS)
            for card, reason in zip(new, NEW_REVOKED, strict=False):
                centre.revoke(card, reason)
            centre.publish()
        out = folder / "directory"
        server = StaticServer(folder / "nginx", out, port)
        country = Country(
            folder, directory_url, out, trust_file, folder / "root.pub", centres, server
        )
        built = country.build()
        assert built.exit_code == 0, built.output
        server.start()
        stack.callback(server.stop)
        yield country
