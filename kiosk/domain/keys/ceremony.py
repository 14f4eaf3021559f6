"""The root's ceremony for a country: one trust list for every centre, and the directory URL.

Each centre brings what waits for the root: an unsigned trust list body (`ehcard trust
export-unsigned`) or its publication manifest (`ehcard publish`, whose issuers carry
their trust entries). The root merges the entries into one list, names the directory
verifiers fetch revocations from, and signs it offline; every centre imports it
(`ehcard trust import`, with `--root-public` the first time, to pin the national root).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cards import cbor
from cards.errors import CardError, Malformed
from kiosk.domain.publication.manifest import PUBLICATION_FORMAT
from signing.trust import TrustEntry, TrustList, decode_trust_body, decode_trust_entry


class CeremonyError(CardError):
    """What a centre brought cannot go into one trust list as it is."""

    code = "trust_ceremony"


@dataclass(frozen=True)
class Contribution:
    """One centre's entries, and the sequence and directory of its body if it was one."""

    source: Path
    entries: tuple[TrustEntry, ...]
    sequence: int | None
    directory: str | None


def read_contribution(path: Path) -> Contribution:
    """An unsigned trust list body, or a `publication.json` (told apart by its first byte)."""
    content = path.read_bytes()
    if content.lstrip()[:1] != b"{":
        trust = decode_trust_body(content)
        return Contribution(path, trust.entries, trust.sequence, trust.directory)
    try:
        manifest = json.loads(content)
        if manifest.get("format") != PUBLICATION_FORMAT:
            raise CeremonyError(f"{path} is not a {PUBLICATION_FORMAT} manifest")
        entries = tuple(_issuer_entry(issuer) for issuer in manifest["issuers"])
    except (ValueError, KeyError, TypeError, AttributeError, Malformed) as exc:
        raise CeremonyError(f"{path}: not a publication manifest the root can read: {exc}") from exc
    return Contribution(path, entries, None, None)


def _issuer_entry(issuer: dict[str, Any]) -> TrustEntry:
    entry = decode_trust_entry(cbor.loads(bytes.fromhex(issuer["trust_entry"])))
    if entry.public_key.raw.hex() != issuer["public_key"]:
        raise ValueError(f"issuer {issuer['kid']}: its trust entry holds another key")
    return entry


def national_trust_list(
    contributions: Iterable[Contribution],
    *,
    issued: date,
    sequence: int | None,
    directory: str | None,
) -> TrustList:
    """Every centre's entries in one list.

    A key brought twice keeps the furthest status (compromised over retired over active):
    a change one centre asked for is never undone by another's older copy. The sequence
    is the highest of the bodies' (each already counts its centre's change) or the one
    given, which may not be lower; the directory is the one given, else the bodies'.
    """
    merged: dict[tuple[bytes, bytes], TrustEntry] = {}
    sequences: list[int] = []
    directories: set[str] = set()
    for contribution in contributions:
        if contribution.sequence is not None:
            sequences.append(contribution.sequence)
        if contribution.directory is not None:
            directories.add(contribution.directory)
        for entry in contribution.entries:
            key = (entry.kid, entry.public_key.raw)
            merged[key] = _merge(merged.get(key), entry, contribution.source)
    highest = max(sequences, default=None)
    if sequence is None:
        if highest is None:
            raise CeremonyError(
                "no unsigned trust list body gives a sequence: give --sequence, higher than "
                "every centre's installed trust list"
            )
        sequence = highest
    elif highest is not None and sequence < highest:
        raise CeremonyError(f"--sequence {sequence} is below a body's sequence {highest}")
    if directory is None:
        if len(directories) > 1:
            raise CeremonyError(
                f"the bodies name different directories ({', '.join(sorted(directories))}): "
                "give --directory-url"
            )
        directory = next(iter(directories), None)
    return TrustList(
        sequence=sequence, issued=issued, entries=tuple(merged.values()), directory=directory
    )


def _merge(known: TrustEntry | None, entry: TrustEntry, source: Path) -> TrustEntry:
    if known is None or known == entry:
        return entry
    if _identity(known) != _identity(entry):
        raise CeremonyError(
            f"{source}: key {entry.kid.hex()} is listed with another centre, host or validity "
            "than in an earlier file; nothing was signed"
        )
    return entry if entry.status.value > known.status.value else known


def _identity(entry: TrustEntry) -> tuple[Any, ...]:
    return (entry.centre, entry.host, entry.valid_from, entry.valid_until)
