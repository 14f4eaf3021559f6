"""Every table, one module per area; importing this package registers them all."""

from kiosk.models import accounts, audit, printing, reception, records, registry, staff  # noqa: F401
