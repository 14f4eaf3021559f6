"""How the console reaches the print queue, when the application has one.

The console needs three things of printing, named here as a Protocol; the
application factory puts an implementation in
app.extensions[PRINTING_EXTENSION]. Without one, reissued cards are shown
as a QR image to print by hand and "Reprint" is disabled with its reason.
"""

from __future__ import annotations

from typing import Protocol, cast

from flask import current_app
from sqlalchemy.orm import Session

from signing.issuance import IssuedCard

PRINTING_EXTENSION = "ehcard.console_printing"


class ConsolePrinting(Protocol):
    def print_card(self, session: Session, issued: IssuedCard, *, actor: str) -> int:
        """Queue a newly issued card; returns the print job id."""
        ...

    def reprintable_job(self, session: Session, card_id: bytes) -> int | None:
        """The job still kept for this card (within its grace period), if any."""
        ...

    def reprint(self, session: Session, job_id: int, *, actor: str) -> None:
        """Print that job again (audited by the printing service as card.reprint)."""
        ...


def console_printing() -> ConsolePrinting | None:
    return cast(ConsolePrinting | None, current_app.extensions.get(PRINTING_EXTENSION))
