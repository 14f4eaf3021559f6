"""A kiosk process that issues one card and is SIGKILLed at a chosen point.

Usage: python -m tests.faults.kill_during_issue INSTANCE DATABASE_URL POINT
POINT is `after-signing` (the card is signed and queued, its record created
and its recovery slip queued, the transaction not yet committed) or
`after-storing` (committed, the print worker not yet run).
The kill is injected by wrapping the service the issue path calls, the way a
power cut would strike, not by any hook in the product.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from app import create_app
from kiosk.db import session_scope
from kiosk.domain.cards import issuing
from kiosk.domain.printing import queue as printing
from kiosk.web.reception.store import new_issuance_key
from tests.conftest import PROFILES


def main(instance: str, database_url: str, point: str) -> None:
    app = create_app({"instance": Path(instance), "database_url": database_url, "TESTING": True})
    services = app.extensions["ehcard"]
    profile: dict[str, Any] = json.loads((PROFILES / "amina_diallo.json").read_text("utf-8"))
    # The slip is the last thing issuing queues: dying there loses the most work.
    enqueue = printing.enqueue_slip

    def enqueue_then_die(*args: Any, **kwargs: Any) -> int:
        job = enqueue(*args, **kwargs)
        if point == "after-signing":
            os.kill(os.getpid(), signal.SIGKILL)
        return job

    printing.enqueue_slip = enqueue_then_die  # type: ignore[assignment]
    with session_scope(services.sessions) as session:
        outcome = issuing.issue_for_holder(
            session, services, profile, holder_language="fr", clinician=None, pin="428613",
            issuance_key=new_issuance_key(),
        )  # fmt: skip
    print(outcome.card_id.hex(), flush=True)
    if point == "after-storing":
        os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    main(*sys.argv[1:4])
