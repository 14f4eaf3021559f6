"""Verify a card: QR text -> payload -> signature -> trust -> time -> revocation.

`Verifier.verify()` returns a `VerifiedCard` or raises a `VerificationError`
subclass; there is no boolean to forget. Checks run in that fixed order, and
the body is only decoded once its signature has verified.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cards import codec, qr, valuesets
from cards.errors import Expired, Malformed, NotYetValid, Revoked, Tampered, UnknownIssuer
from cards.model import Card
from signing.envelope import check_signature, open_payload
from signing.errors import SignedListError
from signing.keys import PublicKey
from signing.revocation_cache import RevocationCache, load_revocation_document
from signing.signed import signer_kid
from signing.trust import KeyStatus, TrustEntry, TrustList, load_trust_list

DEFAULT_SKEW = timedelta(hours=24)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class VerifiedCard:
    card: Card
    issuer: TrustEntry
    checked_at: datetime
    revocations_as_of: date | None


@dataclass
class Verifier:
    trust_list: TrustList
    revocations: RevocationCache = field(default_factory=RevocationCache)
    clock: Callable[[], datetime] = utc_now
    skew: timedelta = DEFAULT_SKEW

    @classmethod
    def from_files(
        cls,
        *,
        root_keys: Iterable[PublicKey],
        trust_file: Path,
        revocation_files: Iterable[Path] = (),
        clock: Callable[[], datetime] = utc_now,
        skew: timedelta = DEFAULT_SKEW,
    ) -> Verifier:
        """A verifier over a trust list file and the issuers' revocation list files."""
        trust_list = load_trust_list(trust_file.read_bytes(), list(root_keys))
        verifier = cls(trust_list=trust_list, clock=clock, skew=skew)
        for path in revocation_files:
            verifier.add_revocation_list(path.read_bytes())
        return verifier

    def add_revocation_list(self, document: bytes) -> None:
        """Check a revocation list, delta or filter against its issuer's trusted key and merge
        it into the cache."""
        signer = signer_kid(document, "revocation list")
        # A revocation list names its signer by the key's own id, whatever kid the
        # trust list files that key under.
        key = next(
            (e.public_key for e in self.trust_list.entries if e.public_key.kid == signer), None
        )
        if key is None:
            raise SignedListError(
                f"revocation list signed by key {signer.hex()}, which is not in the trust list"
            )
        self.revocations.apply(load_revocation_document(document, key))

    def verify(self, text: str) -> VerifiedCard:
        """Verify QR text `HTTPS://<HOST>/V#<digits>`."""
        host, payload = qr.parse_qr_text(text)
        return self.verify_payload(payload, host=host)

    def verify_payload(self, payload: bytes, *, host: str | None = None) -> VerifiedCard:
        envelope = open_payload(payload)
        entries = self.trust_list.keys_for(envelope.kid)
        key = check_signature(envelope, (e.public_key for e in entries))
        issuer = next(e for e in entries if e.public_key == key)
        card = codec.decode_body(envelope.body)
        unknown = valuesets.unknown_code(card.emergency)
        if unknown is not None:
            raise Malformed(unknown, code="unknown_code")
        now = self.clock()
        self._check_issuer(issuer, card, host)
        self._check_time(card, now)
        kid = issuer.public_key.kid
        revoked = self.revocations.lookup(kid, card.card_id, now.date(), card.issued)
        if revoked is not None:
            when = f" on {revoked.revoked_on.isoformat()}" if revoked.revoked_on else ""
            raise Revoked(
                f"card revoked{when} ({revoked.reason.label})", reason=revoked.reason.label
            )
        return VerifiedCard(
            card=card,
            issuer=issuer,
            checked_at=now,
            revocations_as_of=self.revocations.issued.get(issuer.public_key.kid),
        )

    def _check_issuer(self, issuer: TrustEntry, card: Card, host: str | None) -> None:
        if issuer.status is KeyStatus.COMPROMISED:
            raise UnknownIssuer(
                f"the key of {issuer.centre} is marked compromised", code="key_compromised"
            )
        if host is not None and host != issuer.host.upper():
            raise Tampered(
                f"card points to {host}, but its issuer publishes at {issuer.host}",
                code="wrong_host",
            )
        if card.issued < issuer.valid_from:
            raise UnknownIssuer("card issued before its key was valid", code="key_not_yet_valid")
        if card.expires > issuer.valid_until:
            raise UnknownIssuer("card outlives its key's validity", code="beyond_key_validity")
        if (
            issuer.status is KeyStatus.RETIRED
            and issuer.status_since is not None
            and card.issued > issuer.status_since
        ):
            raise UnknownIssuer("card issued after its key was retired", code="key_retired")

    def _check_time(self, card: Card, now: datetime) -> None:
        latest, earliest = (now + self.skew).date(), (now - self.skew).date()
        if card.issued > latest:
            raise NotYetValid(f"card is issued on {card.issued.isoformat()}, in the future")
        if card.expires < earliest:
            raise Expired(f"card expired on {card.expires.isoformat()}")
