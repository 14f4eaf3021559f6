"""What the record views need of the running app beyond kiosk.context: upload limits."""

from __future__ import annotations

from kiosk.context import services
from kiosk.domain.records.uploads import UploadLimits


def upload_limits() -> UploadLimits:
    return UploadLimits.of(services().settings)
