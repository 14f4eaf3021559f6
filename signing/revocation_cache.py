"""What a verifier knows of revocations: per issuer key, a filter or a full list, and deltas.

A full list or a filter replaces what the cache held for its issuer (so only they lift a
revocation); a delta adds entries after the counter it follows. A card is looked up in
the explicit entries first (their day and end day are known), then in the filter, which
answers for the cards it covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from cards.model import revocation_id
from signing.errors import SignedListError
from signing.keys import PublicKey
from signing.revocation import (
    DOMAIN as LIST_DOMAIN,
)
from signing.revocation import (
    Reason,
    Revocation,
    RevocationList,
    revocation_list_of,
)
from signing.revocation_filter import DOMAIN as FILTER_DOMAIN
from signing.revocation_filter import RevocationFilter, revocation_filter_of
from signing.signed import unseal_any


@dataclass(frozen=True)
class Revoked:
    """Why a card is revoked, and since when if the list says (a filter does not)."""

    reason: Reason
    revoked_on: date | None


def load_revocation_document(
    document: bytes, issuer_key: PublicKey
) -> RevocationList | RevocationFilter:
    """An explicit list or delta, or a filter, by the domain its signature is under."""
    domain, body = unseal_any(document, issuer_key, (LIST_DOMAIN, FILTER_DOMAIN), "revocation list")
    if domain == LIST_DOMAIN:
        return revocation_list_of(body, issuer_key)
    return revocation_filter_of(body, issuer_key)


@dataclass
class RevocationCache:
    counters: dict[bytes, int] = field(default_factory=dict)
    issued: dict[bytes, date] = field(default_factory=dict)
    entries: dict[bytes, dict[bytes, Revocation]] = field(default_factory=dict)
    filters: dict[bytes, RevocationFilter] = field(default_factory=dict)

    def apply(self, revocations: RevocationList | RevocationFilter) -> None:
        """Merge a delta, or replace with a full list or a filter; refuse an older one."""
        kid = revocations.issuer_kid
        cached = self.counters.get(kid)
        if cached is not None and revocations.counter < cached:
            raise SignedListError(
                f"revocation list counter {revocations.counter} is older than the cached {cached}"
            )
        since = revocations.since if isinstance(revocations, RevocationList) else 0
        if since and (cached is None or since > cached):
            raise SignedListError(f"delta from counter {since} does not follow the cached list")
        known = self.entries.setdefault(kid, {}) if since else {}
        known.update((entry.rid, entry) for entry in revocations.entries)
        self.entries[kid] = known
        if isinstance(revocations, RevocationFilter):
            self.filters[kid] = revocations
        elif not since:
            self.filters.pop(kid, None)
        self.counters[kid] = revocations.counter
        self.issued[kid] = revocations.issued

    def extend(self, lists: Iterable[RevocationList | RevocationFilter]) -> None:
        for revocations in lists:
            self.apply(revocations)

    def lookup(
        self, issuer_kid: bytes, card_id: bytes, on: date, card_issued: date
    ) -> Revoked | None:
        rid = revocation_id(card_id)
        entry = self.entries.get(issuer_kid, {}).get(rid)
        if entry is not None:
            return Revoked(entry.reason, entry.revoked_on) if entry.counts_on(on) else None
        revocations = self.filters.get(issuer_kid)
        reason = revocations.lookup(rid, card_issued) if revocations is not None else None
        return Revoked(reason, None) if reason is not None else None
