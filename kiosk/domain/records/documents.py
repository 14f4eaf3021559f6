"""A record's IPS documents: written by whoever holds the key, chosen when served.

A SMART Health Link client expects one IPS document holding every entry, but the holder
hides items with the recovery code alone, and the server cannot read or rewrite what it
stores. So whoever writes the record with the key (the kiosk at issue, the centre at a
reissue, a clinician's browser) encrypts, beside the item files, the document for the
record's current hiding and one per item the holder might hide next, plus the frame
alone. Each document row lists the item files it covers. Serving picks the document
that covers the most items without covering a hidden one; visible items it lacks are
served beside it as their own files. So hiding never shows a hidden item, and needs no
plaintext on the server.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cards.record_fhir import to_json_bytes
from cards.record_ips import ips_document
from kiosk.domain.records.errors import BadRecordRequest
from kiosk.models.records import RecordFileRow, RecordRow
from signing import records as crypto

ROLE = "ips"
# Items are at most 64 KiB of JWE each (store.MAX_ITEM_JWE_CHARS); documents hold many.
MAX_DOCUMENT_JWE_CHARS = 1024 * 1024
NOT_IN_DOCUMENT = ("DocumentReference",)


@dataclass(frozen=True)
class OpenItem:
    """An item file with its decrypted resource, only ever in the key holder's memory."""

    file_id: str
    resource: dict[str, Any]
    masked: bool


def covered(row: RecordFileRow) -> frozenset[str]:
    """The item files a document row holds."""
    return frozenset(json.loads(row.covers or "[]"))


def write_documents(
    session: Session,
    record: RecordRow,
    *,
    key: bytes,
    frame: dict[str, Any],
    items: Sequence[OpenItem],
    added_by: str,
    at: datetime,
) -> int:
    """Replace `record`'s documents by those for its hiding now and one more hidden item.

    `frame` is a document without these items (cards.record_ips.summary_base, or an
    earlier document); returns how many documents were written.
    """
    session.execute(
        delete(RecordFileRow).where(
            RecordFileRow.record_pk == record.id, RecordFileRow.role == ROLE
        )
    )
    eligible = [i for i in items if i.resource.get("resourceType") not in NOT_IN_DOCUMENT]
    visible = [i for i in eligible if not i.masked]
    shown = frozenset(i.file_id for i in visible)
    written = 0
    for cover in _unique([shown, *(shown - {i.file_id} for i in visible), frozenset()]):
        left_out = [i for i in eligible if i.file_id not in cover]
        document = ips_document(
            frame,
            [i.resource for i in visible if i.file_id in cover],
            withheld={_section(i.resource) for i in left_out},
        )
        jwe = crypto.encrypt(
            key, to_json_bytes(document), content_type=crypto.FHIR_JSON, deflate=True
        )
        session.add(_document_row(record, jwe, cover, added_by=added_by, at=at))
        written += 1
    session.flush()
    return written


def add_folded_document(
    session: Session,
    record: RecordRow,
    *,
    jwe: str,
    base_file_id: str,
    item_file_id: str,
    added_by: str,
    at: datetime,
) -> RecordFileRow | None:
    """A document a clinician's browser wrote: the one it was served, plus the item it added.

    The server cannot check the content, only that `base_file_id` is one of this record's
    documents; it covers the base's items and the new one. None when the base is not a
    document (a record from before IPS documents): the item is then served on its own.
    """
    base = session.scalar(
        select(RecordFileRow).where(
            RecordFileRow.record_pk == record.id,
            RecordFileRow.file_id == base_file_id,
            RecordFileRow.role == ROLE,
        )
    )
    if base is None:
        return None
    if len(jwe) > MAX_DOCUMENT_JWE_CHARS:
        raise BadRecordRequest(f"a document is at most {MAX_DOCUMENT_JWE_CHARS} characters")
    if crypto.parse_header(jwe)["cty"] != crypto.FHIR_JSON:
        raise BadRecordRequest(f"a document's content type is {crypto.FHIR_JSON}")
    row = _document_row(record, jwe, covered(base) | {item_file_id}, added_by=added_by, at=at)
    session.add(row)
    session.flush()
    return row


def best_document(
    documents: Iterable[RecordFileRow], *, hidden: frozenset[str]
) -> RecordFileRow | None:
    """The document covering the most items and no hidden one; the newest among equals."""
    safe = [d for d in documents if not covered(d) & hidden]
    return max(safe, key=lambda d: (len(covered(d)), d.id), default=None)


def _document_row(
    record: RecordRow, jwe: str, cover: frozenset[str], *, added_by: str, at: datetime
) -> RecordFileRow:
    """A document's file row: the items it covers listed, never masked itself."""
    return RecordFileRow(
        record_pk=record.id,
        file_id=secrets.token_hex(16),
        role=ROLE,
        jwe=jwe,
        masked=False,
        covers=json.dumps(sorted(cover)),
        added_by=added_by,
        added_at=at,
    )


def _unique(covers: Iterable[frozenset[str]]) -> list[frozenset[str]]:
    seen: list[frozenset[str]] = []
    for cover in covers:
        if cover not in seen:
            seen.append(cover)
    return seen


def _section(resource: dict[str, Any]) -> str:
    for tag in resource.get("meta", {}).get("tag", []):
        if tag.get("system") == "http://loinc.org":
            return str(tag["code"])
    return ""
