"""The kiosk served over HTTP in its own process, optionally SIGKILLed right after issuing.

Usage: python -m tests.faults.kiosk_server INSTANCE DATABASE_URL [kill-after-issue]
Prints the port it listens on, then serves until stopped. With `kill-after-issue`
the process dies the moment the transaction that issued a card commits, before
any answer leaves: a power cut or an OOM kill between the commit and the
response. The kill is injected by wrapping the service the issue view calls and
the transaction around it, not by any hook in the product.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from app import create_app
from kiosk.web.reception import flow, views


def _die_after_issuing() -> None:
    issue, transaction = views.issue_for_holder, flow.transaction
    issued: list[bool] = []

    def issue_and_remember(*args: Any, **kwargs: Any) -> Any:
        outcome = issue(*args, **kwargs)
        issued.append(True)
        return outcome

    @contextmanager
    def transaction_then_die() -> Iterator[Session]:
        with transaction() as session:
            yield session
        if issued:  # committed, and no answer has left yet
            os.kill(os.getpid(), signal.SIGKILL)

    views.issue_for_holder = issue_and_remember  # type: ignore[assignment]
    flow.transaction = transaction_then_die  # the transaction around every step view


def main(instance: str, database_url: str, *mode: str) -> None:
    app = create_app({"instance": Path(instance), "database_url": database_url, "TESTING": True})
    if mode == ("kill-after-issue",):
        _die_after_issuing()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:])
