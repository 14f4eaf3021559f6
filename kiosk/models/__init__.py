"""Every table, one module per area; importing this package registers them all."""

from kiosk.models import registry  # noqa: F401
