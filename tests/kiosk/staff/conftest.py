"""A console app per database for each test module, with an admin, a staff and a clinician."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.kiosk.staff.support import Console, add_accounts, running_app
from tests.servers import serving


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def console_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    with running_app(request.param, tmp_path_factory.mktemp("console")) as app:
        add_accounts(app)
        yield app


@pytest.fixture(scope="module")
def console_url(console_app: Flask) -> Iterator[str]:
    with serving(console_app) as url:
        yield url


def signed_in(url: str, username: str) -> Console:
    console = Console(url)
    response = console.login(username)
    assert response.status_code == 302, response.text
    return console


@pytest.fixture
def staff(console_url: str) -> Console:
    return signed_in(console_url, "sam")


@pytest.fixture
def admin(console_url: str) -> Console:
    return signed_in(console_url, "ada")


@pytest.fixture
def clinician(console_url: str) -> Console:
    return signed_in(console_url, "cleo")
