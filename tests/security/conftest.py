"""Fixtures of the security tests: the production deployment they attack (started once for
the session), the console signed in as staff, and an instance made by `ehcard init`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from tests.deployment import Deployment, production_deployment
from tests.kiosk.staff.conftest import console_app, console_url
from tests.kiosk.staff.support import Console

__all__ = ["console_app", "console_url"]  # the console fixtures, a module's app per database


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """gunicorn as deploy/server/ehcard.service runs it, in production mode on PostgreSQL,
    with an env file made by `ehcard init-production`, a separate print worker process and
    nginx in front. Tests share it: each makes its own accounts and holders.

    `deployment.public_url` goes through nginx over TLS (`deployment.holder()`,
    `.get`, `.post`): nginx's rate limits apply, and its login zone is shared by
    every test (all come from 127.0.0.1). Tests of the application's own limits use
    `deployment.direct()` on `deployment.app_url`, gunicorn's address."""
    with production_deployment(tmp_path_factory.mktemp("deployment")) as running:
        yield running


@pytest.fixture
def staff(console_url: str) -> Console:
    """A staff member signed in to the console."""
    console = Console(console_url)
    assert console.login("sam").status_code == 302
    return console


@pytest.fixture
def cli_instance(tmp_path: Path, database_url: str) -> Iterator[tuple[Path, dict[str, str]]]:
    """An instance made by `ehcard init` on a fresh database, and the environment naming it."""
    instance = tmp_path / "instance"
    env = {"EHCARD_DATABASE_URL": database_url}
    result = CliRunner(env=env).invoke(main, ["--instance", str(instance), "init"])
    assert result.exit_code == 0, result.output
    yield instance, env
