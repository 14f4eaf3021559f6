"""The full record behind a card: SMART Health Link manifest server, record page, holder pages.

`init_records(app)` wires the area into the application; the service
functions other areas call are in kiosk/domain/records/store.py (create, rekey,
erase) and kiosk/domain/records/access.py.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from kiosk.config import Settings


def init_records(app: Flask, settings: Settings) -> None:
    from kiosk.web.holder.views import bp as holder_bp
    from kiosk.web.records import shl, viewer

    app.register_blueprint(shl.bp)
    app.register_blueprint(viewer.bp)
    app.register_blueprint(holder_bp)
    csrf: CSRFProtect = app.extensions["csrf"]
    # The SHL endpoints take cross-origin POSTs from any SHL viewer. They read no
    # cookie and no session (the PIN in the body is the only credential), so a
    # forged cross-site request gains nothing a direct one would not.
    csrf.exempt(shl.bp)
    # Signed session cookies older than this are refused by the server, not only by the browser.
    app.permanent_session_lifetime = timedelta(seconds=settings.clinician_session_seconds)
