"""Reads ESC/POS byte streams back, as a printer would: for tests of what we send.

Knows the commands a card job uses (ESC @, GS v 0, ESC d, GS V) and the
status queries (DLE EOT n, GS r n); anything else is a protocol error, so a
stray byte in a job fails the test that sent it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image


class ProtocolError(Exception):
    """Bytes that are not one of the commands a card job may contain."""


@dataclass
class Command:
    name: str  # init, raster, feed, cut, status_now, status_after
    argument: int = 0
    band: Image.Image | None = None


@dataclass
class EscPosReader:
    """Feed bytes as they arrive; `commands()` yields each command once it is complete."""

    buffer: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> list[Command]:
        self.buffer.extend(data)
        commands = []
        while (command := self._next()) is not None:
            commands.append(command)
        return commands

    def _take(self, count: int) -> bytes | None:
        if len(self.buffer) < count:
            return None
        taken = bytes(self.buffer[:count])
        del self.buffer[:count]
        return taken

    def _next(self) -> Command | None:
        if not self.buffer:
            return None
        head = bytes(self.buffer[:2])
        if head == b"\x1b@":
            self._take(2)
            return Command("init")
        if len(self.buffer) < 3:
            return None
        if head == b"\x10\x04":
            return Command("status_now", self._take(3)[2])  # type: ignore[index]
        if head == b"\x1dr":
            return Command("status_after", self._take(3)[2])  # type: ignore[index]
        if head == b"\x1bd":
            return Command("feed", self._take(3)[2])  # type: ignore[index]
        if head == b"\x1dV":
            mode = self.buffer[2]
            if mode in (65, 66):
                taken = self._take(4)
                return None if taken is None else Command("cut", mode)
            return Command("cut", self._take(3)[2])  # type: ignore[index]
        if head == b"\x1dv":
            return self._raster()
        raise ProtocolError(f"unexpected bytes {bytes(self.buffer[:8]).hex(' ')}")

    def _raster(self) -> Command | None:
        if len(self.buffer) < 8:
            return None
        if self.buffer[2] != ord("0") or self.buffer[3] > 3:
            raise ProtocolError("GS v must be followed by '0' and a density 0..3")
        width_bytes = self.buffer[4] | self.buffer[5] << 8
        rows = self.buffer[6] | self.buffer[7] << 8
        if len(self.buffer) < 8 + width_bytes * rows:
            return None
        self._take(8)
        data = self._take(width_bytes * rows)
        assert data is not None
        # Raster bits: 1 = a printed (black) dot; as a mode "1" image, 0 is black.
        inverted = bytes(0xFF ^ b for b in data)
        band = Image.frombytes("1", (width_bytes * 8, rows), inverted)
        return Command("raster", band=band)


def printed_image(commands: list[Command]) -> Image.Image:
    """The raster bands of a job, one under the other, as the paper shows them."""
    bands = [c.band for c in commands if c.band is not None]
    if not bands:
        raise ProtocolError("the job has no raster image")
    width = max(band.width for band in bands)
    image = Image.new("1", (width, sum(band.height for band in bands)), 255)
    y = 0
    for band in bands:
        image.paste(band, (0, y))
        y += band.height
    return image


def parse_job(data: bytes) -> tuple[Image.Image, list[Command]]:
    """A whole job's printed image and its commands; ProtocolError if bytes are left over."""
    reader = EscPosReader()
    commands = reader.feed(data)
    if reader.buffer:
        raise ProtocolError(f"{len(reader.buffer)} bytes left after the last command")
    return printed_image(commands), commands
