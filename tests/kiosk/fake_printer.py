"""A network receipt printer for tests: a real TCP server on 127.0.0.1 (a free port).

It reads the ESC/POS stream as a printer does, answers the paper status
queries (DLE EOT 4 at once, GS r 1 in sequence), keeps each job it printed
through to the cut, and can misbehave the ways real printers do: no paper,
paper running out during a job, the connection dropped halfway, or accepting
a connection and never reading from it.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field

from PIL import Image

from tests.escpos_stream import Command, EscPosReader, ProtocolError, printed_image

PAPER_OK_NOW, PAPER_END_NOW = 0x12, 0x72  # DLE EOT 4 answers (fixed bits 1 and 4 set)
PAPER_OK_AFTER, PAPER_END_AFTER = 0x00, 0x0F  # GS r 1 answers


@dataclass
class FakePrinter:
    paper: bool = True
    paper_runs_out_during_job: bool = False
    close_after_bytes: int | None = None  # drop the connection once this many bytes arrived
    stall: bool = False  # accept connections, read nothing
    printed: list[Image.Image] = field(default_factory=list)
    connections: int = 0
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self.port: int = self._server.getsockname()[1]
        self._stopping = threading.Event()
        self._stalled: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def setting(self) -> str:
        return f"tcp:127.0.0.1:{self.port}"

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        for connection in self._stalled:
            connection.close()
        self._server.close()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            if self.stall:
                self._stalled.append(connection)  # kept open, never read
                continue
            with connection:
                try:
                    self._session(connection)
                except (OSError, ProtocolError) as exc:
                    self.errors.append(str(exc))

    def _session(self, connection: socket.socket) -> None:
        connection.settimeout(5)
        reader = EscPosReader()
        job: list[Command] = []
        received = 0
        while True:
            data = connection.recv(4096)
            if not data:
                return
            if (
                self.close_after_bytes is not None
                and received + len(data) >= self.close_after_bytes
            ):
                reader.feed(data[: self.close_after_bytes - received])
                self.close_after_bytes = None  # the next connection prints normally
                return  # closing with unread data: the sender sees a reset
            received += len(data)
            for command in reader.feed(data):
                self._execute(connection, command, job)

    def _execute(self, connection: socket.socket, command: Command, job: list[Command]) -> None:
        if command.name == "status_now":
            connection.sendall(bytes([PAPER_OK_NOW if self.paper else PAPER_END_NOW]))
        elif command.name == "status_after":
            connection.sendall(bytes([PAPER_OK_AFTER if self.paper else PAPER_END_AFTER]))
        elif command.name == "init":
            job.clear()
        elif command.name == "cut":
            if self.paper_runs_out_during_job:
                self.paper, self.paper_runs_out_during_job = False, False
            if self.paper:
                self.printed.append(printed_image(job))
            job.clear()
        else:
            job.append(command)
