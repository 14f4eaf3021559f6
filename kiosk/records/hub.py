"""The application's shared services, as the record views reach them."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from flask import current_app

from kiosk.records.uploads import UploadLimits

if TYPE_CHECKING:
    from kiosk.web import Services


def services() -> Services:
    return cast("Services", current_app.extensions["ehcard"])


def upload_limits() -> UploadLimits:
    return UploadLimits.of(services().settings)
