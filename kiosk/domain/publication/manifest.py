"""A centre's publication manifest, and the content-addressed files it lists.

    DIR/publication.json  {"format": "ehcard-publication/1", "centre", "host", "published",
                           "issuers": [{"kid", "public_key", "trust_entry"}],
                           "files": [{"path", "kind", "issuer", "counter", "since", "issued",
                                      "size", "sha256"}]}

(the directory's index.json is in index.py)

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
                path=text_field(value["path"]),
                kind=text_field(value["kind"] if kind is None else kind),
                issuer=text_field(value["issuer"] if issuer is None else issuer),
                counter=count_field(value["counter"]),
                since=count_field(value.get("since", 0) if kind == "filter" else value["since"]),
                issued=date.fromisoformat(text_field(value["issued"])),
                size=count_field(value["size"]),
                sha256=text_field(value["sha256"]),
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
            centre=text_field(value["centre"]),
            host=text_field(value["host"]),
            published=datetime.fromisoformat(text_field(value["published"])),
            issuers=tuple(
                PublishedIssuer(
                    text_field(i["kid"]), text_field(i["public_key"]), text_field(i["trust_entry"])
                )
                for i in value["issuers"]
            ),
            files=tuple(PublishedFile.from_json(f) for f in value["files"]),
        )
        kinds = [(f.issuer, f.kind) for f in publication.files]
        if len(set(kinds)) != len(kinds):
            raise ManifestError("an issuer has two files of one kind")
    except ManifestError as exc:
        raise ManifestError(f"{path}: {exc.message}", code=exc.code) from exc
    except (OSError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ManifestError(f"{path} is not a readable publication manifest: {exc}") from exc
    return publication


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


def text_field(value: Any) -> str:
    """A JSON field that must be text."""
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def count_field(value: Any) -> int:
    """A JSON field that must be a whole number, 0 or more."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{value!r} is not a count")
    return value
