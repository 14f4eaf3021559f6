"""A Flask app served over real HTTP on a loopback port, for tests and benchmarks."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server


def free_port() -> int:
    """A loopback port nothing listens on now (for servers that must know theirs beforehand)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: Flask, port: int = 0) -> Iterator[str]:
    """`app` over real HTTP (threaded) on `port`, a free one by default; yields its base URL.

    On the way out the server stops and the app's pooled database connections, opened by
    the server's threads, are closed, so a fresh PostgreSQL database can be dropped.
    """
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        app.extensions["ehcard"].engine.dispose()
