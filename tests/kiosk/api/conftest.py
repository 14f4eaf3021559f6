"""A publishing app per database for each test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.kiosk.staff.support import running_app
from tests.servers import serving


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def lists_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    with running_app(request.param, tmp_path_factory.mktemp("lists")) as app:
        yield app


@pytest.fixture(scope="module")
def lists_url(lists_app: Flask) -> Iterator[str]:
    with serving(lists_app) as url:
        yield url
