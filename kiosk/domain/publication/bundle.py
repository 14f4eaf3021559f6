"""One issuer's published revocation documents in one file: the full list and recent deltas.

    ehcard-lists/1\n{"issuer": ..., "counter": C, "issued": "YYYY-MM-DD",
                     "deltas_from": k0, "sizes": [full, delta k0, ..., delta C-1]}\n
    <full list><delta after k0>...<delta after C-1>

One file, replaced whole (`os.replace`), so a reader never sees the deltas of one
publication beside the full list of another.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cards.errors import CardError
from signing.errors import SignedListError
from signing.keys import PrivateKey
from signing.revocation import Revocation, RevocationList, sign_revocation_list

MAGIC = b"ehcard-lists/1\n"
# Deltas kept after the newest counters; a verifier further behind gets the full list.
DELTA_WINDOW = 64


class ListRequestError(CardError):
    """A list was asked for with a malformed issuer key id or counter, or an unknown issuer."""

    code = "bad_list_request"


@dataclass(frozen=True)
class Document:
    """A signed list as served: its bytes and their strong validator."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Document:
        return cls(body, hashlib.sha256(body).hexdigest()[:32])


@dataclass(frozen=True)
class Bundle:
    issuer_kid: bytes
    counter: int
    issued: date
    full: Document
    deltas_from: int
    deltas: tuple[Document, ...]

    def document(self, since: int) -> Document:
        """What a verifier at counter `since` fetches: the delta after it, or the full list.

        A verifier already up to date gets the newest publication's delta (entries it
        has, and a list signed today for its list age): a delta must start before its
        own counter, so "nothing new" cannot be an empty delta.
        """
        if since > self.counter:
            raise ListRequestError(
                f"since={since} is not a counter of this list (0 to {self.counter}): "
                "fetch the full list",
                code="bad_since",
            )
        if since == self.counter:
            since -= 1
        if since < max(self.deltas_from, 1):
            return self.full
        return self.deltas[since - self.deltas_from]

    def encode(self) -> bytes:
        documents = (self.full, *self.deltas)
        header = {
            "issuer": self.issuer_kid.hex(),
            "counter": self.counter,
            "issued": self.issued.isoformat(),
            "deltas_from": self.deltas_from,
            "sizes": [len(d.body) for d in documents],
        }
        return MAGIC + json.dumps(header).encode() + b"\n" + b"".join(d.body for d in documents)


def decode_bundle(content: bytes) -> Bundle:
    if not content.startswith(MAGIC):
        raise SignedListError("not a published list bundle")
    line_end = content.index(b"\n", len(MAGIC))
    header = json.loads(content[len(MAGIC) : line_end])
    documents, offset = [], line_end + 1
    for size in header["sizes"]:
        documents.append(Document.of(content[offset : offset + size]))
        offset += size
    if offset != len(content):
        raise SignedListError("published list bundle is truncated or too long")
    return Bundle(
        issuer_kid=bytes.fromhex(header["issuer"]),
        counter=header["counter"],
        issued=date.fromisoformat(header["issued"]),
        full=documents[0],
        deltas_from=header["deltas_from"],
        deltas=tuple(documents[1:]),
    )


def read_header(path: Path) -> tuple[int, date] | None:
    """(counter, issued) of a bundle file, or None when there is none."""
    try:
        with path.open("rb") as handle:
            if handle.readline() != MAGIC:
                return None
            header = json.loads(handle.readline())
    except FileNotFoundError:
        return None
    return int(header["counter"]), date.fromisoformat(header["issued"])


def build_bundle(
    issuer_key: PrivateKey, counter: int, entries: list[tuple[int, Revocation]], *, issued: date
) -> Bundle:
    """Sign the full list and the deltas after each of the last DELTA_WINDOW counters.

    `entries` are (counter, revocation), ordered by counter."""
    counters = [c for c, _ in entries]

    def signed(since: int) -> Document:
        after = tuple(e for _, e in entries[bisect_right(counters, since) :])
        revocations = RevocationList(issuer_key.kid, counter, issued, after, since=since)
        return Document.of(sign_revocation_list(revocations, issuer_key))

    deltas_from = max(1, counter - DELTA_WINDOW)
    return Bundle(
        issuer_kid=issuer_key.kid,
        counter=counter,
        issued=issued,
        full=signed(0),
        deltas_from=deltas_from,
        deltas=tuple(signed(k) for k in range(deltas_from, counter)),
    )


def write_atomically(path: Path, content: bytes) -> None:
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    draft.write_bytes(content)
    os.replace(draft, path)
