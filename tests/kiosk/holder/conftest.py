"""The holder pages share the record tests' fixtures (one app per module and database)."""

from tests.kiosk.records.conftest import (  # noqa: F401
    app,
    clinician,
    database_url,
    live_server,
    record,
    settings,
)
