"""The Flask application factory; everything of substance lives in kiosk/."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from kiosk.factory import build_app


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the kiosk application; `config` overrides settings (tests use it)."""
    return build_app(config)
