"""The staff console (blueprint `staff`, /staff): sign-in, cards, users, keys, audit log.

Every view but the sign-in page carries `role_required`; a test walks the
URL map so that a new route cannot forget it.
"""

from __future__ import annotations

from flask import Flask

from kiosk.web.staff import admin_keys, admin_users, console, signin  # noqa: F401 (routes)
from kiosk.web.staff.blueprint import bp


def init_staff(app: Flask) -> None:
    """Register the console and send anonymous visitors of its pages to the sign-in page."""
    app.register_blueprint(bp)
    app.login_manager.login_view = "staff.login"  # type: ignore[attr-defined]
