"""Verification cases made from the Python card core, for the browser parity tests.

Each case is QR text plus the context a verifier needs (root key, trust list, revocation
lists, clock, skew), all as plain JSON values the page's `window.ehcardVerify` takes. The
Python verdict is computed here by the real `signing.verifier.Verifier`, never written by
hand, so a case can only disagree if the two verifiers do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from cards import qr
from cards.model import BirthDate, ClinicalField, EmergencyContact, Provenance, Sex
from signing.envelope import DOMAIN, sign_card
from signing.keys import PrivateKey
from signing.revocation import Reason, Revocation, RevocationList, sign_revocation_list
from signing.trust import KeyStatus, TrustEntry, TrustList, sign_trust_list
from tests.builders import make_card, with_emergency, with_holder

HOST = "EHC.EXAMPLE.ORG"
ROOT = PrivateKey(bytes(range(32)))
ISSUER = PrivateKey(bytes(range(1, 33)))
STRANGER = PrivateKey(bytes(range(2, 34)))
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Case:
    """One verification: QR text and context, with the name of what it exercises."""

    id: str
    qr_text: str
    entries: tuple[TrustEntry, ...] = ()
    revocations: tuple[bytes, ...] = ()
    now: datetime = NOW
    skew_hours: int = 24
    fhir: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def trust_document(self) -> bytes:
        entries = self.entries or (issuer_entry(),)
        return sign_trust_list(TrustList(1, date(2026, 1, 1), entries), ROOT)

    def context(self) -> dict[str, Any]:
        """The context as the page takes it (hex documents, ISO clock)."""
        return {
            "trust": self.trust_document().hex(),
            "rootKeys": [ROOT.public.raw.hex()],
            "revocations": [document.hex() for document in self.revocations],
            "now": self.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "skewHours": self.skew_hours,
            "fhir": self.fhir,
        }


def issuer_entry(key: PrivateKey = ISSUER, **changes: Any) -> TrustEntry:
    entry = TrustEntry(
        key.public, "Centre d'accueil de test", HOST, date(2026, 1, 1), date(2036, 1, 1)
    )
    return replace(entry, **changes)


def text_of(payload: bytes, host: str = HOST) -> str:
    return qr.qr_text(host, payload)


def signed_body(body: bytes, key: PrivateKey = ISSUER) -> bytes:
    """A payload around arbitrary body bytes, validly signed: reaches the body decoder."""
    kid = key.kid
    return bytes([1]) + kid + body + key.sign(DOMAIN + kid + body)


def revocation_document(entries: tuple[Revocation, ...], counter: int, since: int = 0) -> bytes:
    revocations = RevocationList(ISSUER.kid, counter, date(2026, 11, 26), entries, since)
    return sign_revocation_list(revocations, ISSUER)


def valid_cards() -> Iterator[Case]:
    card = make_card()
    yield Case("valid-latin", text_of(sign_card(card, ISSUER)), fhir=True)
    arabic = with_holder(card, name="أمينة ديالو", birth_date=BirthDate(1990))
    arabic = with_emergency(arabic, allergies=(), medications=None, contact=None)
    yield Case("valid-arabic-year-only", text_of(sign_card(arabic, ISSUER)), fhir=True)
    cyrillic = with_holder(card, name="Олена Коваленко", sex=None)
    cyrillic = with_emergency(cyrillic, blood_group="unknown", conditions=(), languages=("uk",))
    yield Case("valid-cyrillic", text_of(sign_card(cyrillic, ISSUER)), fhir=True)
    georgian = with_holder(card, name="ნინო ბერიძე", name_latin="NINO BERIDZE")
    georgian = with_emergency(
        georgian,
        blood_group=None,
        allergies=("91936005", "293586001"),
        medications=("J01CA04", "N02BE01"),
        contact=EmergencyContact(name="გიორგი", phone="+995555123456"),
    )
    confirmed = Provenance(confirmed=frozenset(ClinicalField), confirmed_by=4242)
    yield Case(
        "valid-georgian-all-confirmed",
        text_of(sign_card(replace(georgian, provenance=confirmed), ISSUER)),
        fhir=True,
    )
    persian = with_holder(card, name="محمد\u200cرضا کریمی", sex=Sex.MALE)
    yield Case("valid-persian-zwnj", text_of(sign_card(persian, ISSUER)), fhir=True)
    tigrinya = with_holder(card, name="ሰላም ተኽለ", name_latin="SELAM TEKLE", sex=Sex.OTHER)
    tigrinya = with_emergency(tigrinya, allergies=None, conditions=None, languages=("ti", "ar"))
    yield Case(
        "valid-tigrinya-nothing-asked",
        text_of(sign_card(replace(tigrinya, provenance=Provenance()), ISSUER)),
        fhir=True,
    )


def signature_cases() -> Iterator[Case]:
    payload = sign_card(make_card(), ISSUER)
    body_flip = bytearray(payload)
    body_flip[20] ^= 0x01
    yield Case("tampered-body", text_of(bytes(body_flip)))
    sig_flip = bytearray(payload)
    sig_flip[-1] ^= 0x80
    yield Case("tampered-signature", text_of(bytes(sig_flip)))
    yield Case("unknown-issuer", text_of(sign_card(make_card(), STRANGER)))
    forged = bytearray(sign_card(make_card(), STRANGER))
    forged[1:9] = ISSUER.kid
    yield Case("trusted-kid-other-key", text_of(bytes(forged)))
    yield Case("wrong-host", text_of(payload, host="EVIL.EXAMPLE"))


def trust_cases() -> Iterator[Case]:
    text = text_of(sign_card(make_card(), ISSUER))
    since = date(2026, 6, 1)
    for name, changes in {
        "key-compromised": {"status": KeyStatus.COMPROMISED, "status_since": since},
        "key-retired-before-issue": {"status": KeyStatus.RETIRED, "status_since": since},
        "key-retired-after-issue": {
            "status": KeyStatus.RETIRED,
            "status_since": date(2026, 11, 20),
        },
        "key-not-yet-valid": {"valid_from": date(2026, 11, 15)},
        "beyond-key-validity": {"valid_until": date(2027, 1, 1)},
    }.items():
        yield Case(name, text, entries=(issuer_entry(**changes),))


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def time_cases() -> Iterator[Case]:
    text = text_of(sign_card(make_card(), ISSUER))  # issued 2026-11-01, expires 2028-11-01
    yield Case("expired", text, now=at(date(2028, 11, 3)))
    yield Case("expired-within-skew", text, now=at(date(2028, 11, 2)))
    yield Case("expires-today", text, now=at(date(2028, 11, 1)))
    yield Case("expired-no-skew", text, now=at(date(2028, 11, 2)), skew_hours=0)
    yield Case("not-yet-valid", text, now=at(date(2026, 10, 30)))
    yield Case("issued-tomorrow-within-skew", text, now=at(date(2026, 10, 31)))
    yield Case("expired-boundary-just-past-skew", text, now=at(date(2028, 11, 3), 0))


def revocation_cases() -> Iterator[Case]:
    card = make_card()
    text = text_of(sign_card(card, ISSUER))
    lost = Revocation.of_card(card.card_id, Reason.LOST, date(2026, 11, 20))
    yield Case("revoked-lost", text, revocations=(revocation_document((lost,), 1),))
    stolen = Revocation.of_card(card.card_id, Reason.STOLEN, date(2026, 11, 20))
    yield Case("revoked-stolen", text, revocations=(revocation_document((stolen,), 4),))
    ended = replace(lost, until=date(2026, 11, 25))
    yield Case("revocation-entry-ended", text, revocations=(revocation_document((ended,), 1),))
    other = Revocation.of_card(b"\x09" * 8, Reason.REISSUED, date(2026, 11, 2))
    yield Case(
        "revoked-by-delta",
        text,
        revocations=(revocation_document((other,), 3), revocation_document((lost,), 5, since=3)),
    )
    yield Case(
        "revocation-removed-by-full-list",
        text,
        revocations=(revocation_document((lost,), 1), revocation_document((other,), 2)),
    )
    yield Case("empty-revocation-list", text, revocations=(revocation_document((), 0),))


def text_cases() -> Iterator[Case]:
    text = text_of(sign_card(make_card(), ISSUER))
    head, digits = text.split("#")
    yield Case("lowercase-scheme", text.replace("HTTPS://", "https://"))
    yield Case("byte-order-mark", "\ufeff" + text)
    yield Case("no-fragment", head)
    yield Case("empty-digits", head + "#")
    yield Case("space-in-digits", f"{head}#{digits[:10]} {digits[10:]}")
    yield Case("trailing-newline", text + "\n")
    yield Case("leading-zero", f"{head}#0{digits}")
    yield Case("letter-in-digits", f"{head}#{digits[:-1]}A")
    yield Case("too-many-digits", f"{head}#{'7' * 2501}")
    yield Case("host-with-underscore", text.replace(HOST, "EHC_EXAMPLE.ORG"))
    yield Case("arabic-indic-digits", f"{head}#{'٣' * 30}")
    yield Case("unknown-version", text_of(bytes([2]) + sign_card(make_card(), ISSUER)[1:]))
    yield Case("short-payload", text_of(bytes([1]) + bytes(40)))
    yield Case("oversized-payload", text_of(bytes([1]) + bytes(1100)))
