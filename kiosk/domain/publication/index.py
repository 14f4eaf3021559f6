"""The national directory's index.json: the trust list and each issuer's newest files.

OUT/index.json  {"format": "ehcard-directory/1", "built": ISO UTC,
                 "trust": {"path": "trust.cbor", "sequence", "size", "sha256"},
                 "issuers": {kid: {"centre",
                                   "filter": {"path", "counter", "issued", "size", "sha256"},
                                   "delta": {"path", "since", "counter", "issued", "size",
                                             "sha256"} | null}}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.domain.publication.manifest import (
    DIRECTORY_FORMAT,
    ManifestError,
    PublishedFile,
    count_field,
    text_field,
    utc_text,
)


@dataclass(frozen=True)
class TrustRef:
    path: str
    sequence: int
    size: int
    sha256: str


@dataclass(frozen=True)
class DirectoryIssuer:
    centre: str
    filter: PublishedFile
    delta: PublishedFile | None


@dataclass(frozen=True)
class DirectoryIndex:
    built: datetime
    trust: TrustRef
    issuers: dict[str, DirectoryIssuer]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": DIRECTORY_FORMAT,
            "built": utc_text(self.built),
            "trust": {
                "path": self.trust.path,
                "sequence": self.trust.sequence,
                "size": self.trust.size,
                "sha256": self.trust.sha256,
            },
            "issuers": {
                kid: {
                    "centre": issuer.centre,
                    "filter": issuer.filter.index_json(),
                    "delta": issuer.delta.index_json() if issuer.delta else None,
                }
                for kid, issuer in sorted(self.issuers.items())
            },
        }


def parse_index(content: bytes, where: str) -> DirectoryIndex:
    """A directory's index.json, checked field by field."""
    try:
        value = json.loads(content)
        if value.get("format") != DIRECTORY_FORMAT:
            raise ManifestError(f"{where} is not an {DIRECTORY_FORMAT} index")
        trust = value["trust"]
        issuers = {}
        for kid, item in value["issuers"].items():
            delta = item["delta"]
            issuers[text_field(kid)] = DirectoryIssuer(
                centre=text_field(item["centre"]),
                filter=PublishedFile.from_json(item["filter"], kind="filter", issuer=kid),
                delta=None
                if delta is None
                else PublishedFile.from_json(delta, kind="delta", issuer=kid),
            )
        return DirectoryIndex(
            built=datetime.fromisoformat(text_field(value["built"])),
            trust=TrustRef(
                path=text_field(trust["path"]),
                sequence=count_field(trust["sequence"]),
                size=count_field(trust["size"]),
                sha256=text_field(trust["sha256"]),
            ),
            issuers=issuers,
        )
    except ManifestError as exc:
        raise ManifestError(f"{where}: {exc.message}", code=exc.code) from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ManifestError(f"{where} is not a readable directory index: {exc!r}") from exc
