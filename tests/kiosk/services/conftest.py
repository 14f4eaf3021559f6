"""Service tests share one application per module and database (see the reception conftest)."""

from tests.kiosk.reception.conftest import kiosk_app, shared_database_url

__all__ = ["kiosk_app", "shared_database_url"]
