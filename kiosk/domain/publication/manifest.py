"""The two JSON manifests of issue 16: a centre's publication and the national directory index.

    DIR/publication.json  {"format": "ehcard-publication/1", "centre", "host", "published",
                           "issuers": [{"kid", "public_key", "trust_entry"}],
                           "files": [{"path", "kind", "issuer", "counter", "since", "issued",
                                      "size", "sha256"}]}
    OUT/index.json        {"format": "ehcard-directory/1", "built",
                           "trust": {"path", "sequence", "size", "sha256"},
                           "issuers": {kid: {"centre", "filter": {...}, "delta": {...} | null}}}

Files are content-addressed (`revocations/<kid>/filter-<counter>-<sha256[:16]>.cbor`,
`.../delta-<since>-<counter>-<sha256[:16]>.cbor`), so a name never changes meaning and
a CDN may keep them for a year. docs/directory.md describes every field.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cards.errors import CardError

PUBLICATION_FORMAT = "ehcard-publication/1"
DIRECTORY_FORMAT = "ehcard-directory/1"
PUBLICATION_FILE = "publication.json"
INDEX_FILE = "index.json"
TRUST_FILE = "trust.cbor"
KINDS = ("filter", "delta")
_HEX = re.compile(r"^[0-9a-f]+$")
# Every file a manifest names lies in this folder pattern: no "..", no absolute path.
_FILE_PATH = re.compile(
    r"^revocations/[0-9a-f]{16}/(filter-[0-9]+|delta-[0-9]+-[0-9]+)-[0-9a-f]{16}\.cbor$"
)


class ManifestError(CardError):
    """A publication manifest or directory index is malformed."""

    code = "bad_manifest"


@dataclass(frozen=True)
class PublishedFile:
    """One signed revocation document: where it lies and what it must be."""

    path: str
    kind: str
    issuer: str
    counter: int
    since: int
    issued: date
    size: int
    sha256: str

    @classmethod
    def of(
        cls, kind: str, issuer: bytes, counter: int, since: int, issued: date, document: bytes
    ) -> PublishedFile:
        digest = hashlib.sha256(document).hexdigest()
        path = file_path(kind, issuer.hex(), counter, since, digest)
        return cls(path, kind, issuer.hex(), counter, since, issued, len(document), digest)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "issuer": self.issuer,
            "counter": self.counter,
            "since": self.since,
            "issued": self.issued.isoformat(),
            "size": self.size,
            "sha256": self.sha256,
        }

    def index_json(self) -> dict[str, Any]:
        """The entry a directory index gives it (kind and issuer are where it is filed)."""
        entry = {k: v for k, v in self.to_json().items() if k not in ("kind", "issuer")}
        if self.kind == "filter":
            del entry["since"]
        return entry

    @classmethod
    def from_json(
        cls, value: Any, *, kind: str | None = None, issuer: str | None = None
    ) -> PublishedFile:
        try:
            item = cls(
                path=_text(value["path"]),
                kind=_text(value["kind"] if kind is None else kind),
                issuer=_text(value["issuer"] if issuer is None else issuer),
                counter=_count(value["counter"]),
                since=_count(value.get("since", 0) if kind == "filter" else value["since"]),
                issued=date.fromisoformat(_text(value["issued"])),
                size=_count(value["size"]),
                sha256=_text(value["sha256"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ManifestError(f"a file entry is malformed: {exc!r}") from exc
        item.check_form()
        return item

    def check_form(self) -> None:
        """The entry names its file by the rule, under its issuer, within the folder."""
        if (
            self.kind not in KINDS
            or len(self.sha256) != 64
            or not _HEX.match(self.sha256)
            or not _FILE_PATH.match(self.path)
            or self.path != file_path(self.kind, self.issuer, self.counter, self.since, self.sha256)
            or (self.kind == "filter") != (self.since == 0)
            or (self.kind == "delta" and self.since >= self.counter)
        ):
            raise ManifestError(
                f"file entry {self.path!r} does not match its kind, counters or hash"
            )

    def check_document(self, document: bytes, where: str) -> None:
        """The bytes are the ones the entry lists (size, then SHA-256)."""
        if len(document) != self.size:
            raise ManifestError(
                f"{where}: {len(document)} bytes where the manifest lists {self.size}",
                code="size_mismatch",
            )
        if hashlib.sha256(document).hexdigest() != self.sha256:
            raise ManifestError(
                f"{where}: SHA-256 differs from the manifest's (tampered or damaged)",
                code="hash_mismatch",
            )


@dataclass(frozen=True)
class PublishedIssuer:
    kid: str
    public_key: str
    # The key's trust list entry, deterministic CBOR in hex, as `trust export-unsigned`
    # writes it in the body: what the root's ceremony merges into the national list.
    trust_entry: str


@dataclass(frozen=True)
class Publication:
    centre: str
    host: str
    published: datetime
    issuers: tuple[PublishedIssuer, ...]
    files: tuple[PublishedFile, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": PUBLICATION_FORMAT,
            "centre": self.centre,
            "host": self.host,
            "published": utc_text(self.published),
            "issuers": [
                {"kid": i.kid, "public_key": i.public_key, "trust_entry": i.trust_entry}
                for i in self.issuers
            ],
            "files": [f.to_json() for f in self.files],
        }

    def file(self, issuer: str, kind: str) -> PublishedFile | None:
        return next((f for f in self.files if f.issuer == issuer and f.kind == kind), None)


def read_publication(path: Path) -> Publication:
    """A centre's publication.json, checked field by field."""
    try:
        value = json.loads(path.read_bytes())
        if value.get("format") != PUBLICATION_FORMAT:
            raise ManifestError(f"{path} is not an {PUBLICATION_FORMAT} manifest")
        publication = Publication(
            centre=_text(value["centre"]),
            host=_text(value["host"]),
            published=datetime.fromisoformat(_text(value["published"])),
            issuers=tuple(
                PublishedIssuer(_text(i["kid"]), _text(i["public_key"]), _text(i["trust_entry"]))
                for i in value["issuers"]
            ),
            files=tuple(PublishedFile.from_json(f) for f in value["files"]),
        )
    except ManifestError as exc:
        raise ManifestError(f"{path}: {exc.message}", code=exc.code) from exc
    except (OSError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ManifestError(f"{path} is not a readable publication manifest: {exc}") from exc
    return publication


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
            issuers[_text(kid)] = DirectoryIssuer(
                centre=_text(item["centre"]),
                filter=PublishedFile.from_json(item["filter"], kind="filter", issuer=kid),
                delta=None
                if delta is None
                else PublishedFile.from_json(delta, kind="delta", issuer=kid),
            )
        return DirectoryIndex(
            built=datetime.fromisoformat(_text(value["built"])),
            trust=TrustRef(
                path=_text(trust["path"]),
                sequence=_count(trust["sequence"]),
                size=_count(trust["size"]),
                sha256=_text(trust["sha256"]),
            ),
            issuers=issuers,
        )
    except ManifestError as exc:
        raise ManifestError(f"{where}: {exc.message}", code=exc.code) from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ManifestError(f"{where} is not a readable directory index: {exc!r}") from exc


def file_path(kind: str, issuer: str, counter: int, since: int, sha256: str) -> str:
    """The content-addressed name of a signed filter or delta."""
    stem = f"filter-{counter}" if kind == "filter" else f"delta-{since}-{counter}"
    return f"revocations/{issuer}/{stem}-{sha256[:16]}.cbor"


def utc_text(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_file_atomically(path: Path, content: bytes) -> None:
    """Write beside, then rename: a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    draft.write_bytes(content)
    os.replace(draft, path)


def json_bytes(value: dict[str, Any]) -> bytes:
    return (json.dumps(value, indent=1, ensure_ascii=False) + "\n").encode()


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{value!r} is not a count")
    return value
