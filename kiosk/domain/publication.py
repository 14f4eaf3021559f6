"""Signed trust and revocation lists as HTTP representations: CBOR or JSON, with validators.

The signed CBOR document is the representation; the JSON form adds the
decoded entries for readers without a CBOR library and carries the signed
document in base64, so that a JSON client can still check the signature.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

from signing.keys import PublicKey
from signing.revocation import load_revocation_list
from signing.trust import TrustList

CBOR = "application/cbor"
CACHED_DOCUMENTS = 16


@dataclass(frozen=True)
class ListKey:
    """Everything a revocation list document depends on: it names its bytes."""

    issuer_kid: bytes
    counter: int
    since: int
    issued: date

    def etag(self, form: str) -> str:
        return f"rl-{self.issuer_kid.hex()}-{self.counter}-{self.since}-{self.issued:%Y%m%d}-{form}"


def trust_etag(document: bytes, form: str) -> str:
    return f"t-{hashlib.sha256(document).hexdigest()[:32]}-{form}"


class DocumentCache:
    """The last few signed lists, so a burst of full downloads signs and encodes once."""

    def __init__(self, size: int = CACHED_DOCUMENTS) -> None:
        self._documents: OrderedDict[ListKey, bytes] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: ListKey) -> bytes | None:
        with self._lock:
            document = self._documents.get(key)
            if document is not None:
                self._documents.move_to_end(key)
            return document

    def put(self, key: ListKey, document: bytes) -> None:
        with self._lock:
            self._documents[key] = document
            self._documents.move_to_end(key)
            while len(self._documents) > self._size:
                self._documents.popitem(last=False)


def trust_json(trust: TrustList, document: bytes) -> dict[str, Any]:
    return {
        "sequence": trust.sequence,
        "issued": trust.issued.isoformat(),
        "entries": [
            {
                "kid": entry.kid.hex(),
                "public_key": base64.b64encode(entry.public_key.raw).decode(),
                "centre": entry.centre,
                "host": entry.host,
                "valid_from": entry.valid_from.isoformat(),
                "valid_until": entry.valid_until.isoformat(),
                "status": entry.status.name.lower(),
                "status_since": entry.status_since.isoformat() if entry.status_since else None,
            }
            for entry in trust.entries
        ],
        "signed": base64.b64encode(document).decode(),
        "signed_media_type": CBOR,
    }


def revocations_json(document: bytes, issuer: PublicKey) -> dict[str, Any]:
    """The decoded list, read back from the signed document itself."""
    revocations = load_revocation_list(document, issuer)
    return {
        "issuer": revocations.issuer_kid.hex(),
        "counter": revocations.counter,
        "since": revocations.since,
        "issued": revocations.issued.isoformat(),
        "entries": [
            {
                "rid": entry.rid.hex(),
                "reason": entry.reason.label,
                "revoked_on": entry.revoked_on.isoformat(),
                "until": entry.until.isoformat() if entry.until else None,
            }
            for entry in revocations.entries
        ],
        "signed": base64.b64encode(document).decode(),
        "signed_media_type": CBOR,
    }
