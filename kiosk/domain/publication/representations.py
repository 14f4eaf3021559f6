"""The JSON form of the signed lists, for readers without a CBOR library.

It adds the decoded entries and carries the signed document in base64, so that a
JSON client can still check the signature. Read back from the signed bytes
themselves, so it can never say something the signed list does not.
"""

from __future__ import annotations

import base64
from typing import Any

from signing.keys import PublicKey
from signing.revocation import RevocationList, load_revocation_list
from signing.trust import TrustList

CBOR = "application/cbor"


def trust_json(trust: TrustList, document: bytes) -> dict[str, Any]:
    return {
        "sequence": trust.sequence,
        "issued": trust.issued.isoformat(),
        "directory": trust.directory,
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
    return {
        **revocation_list_json(load_revocation_list(document, issuer)),
        "signed": base64.b64encode(document).decode(),
        "signed_media_type": CBOR,
    }


def revocation_list_json(revocations: RevocationList) -> dict[str, Any]:
    """A decoded revocation list's entries and counters (docs/card-format.md shows it too)."""
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
    }
