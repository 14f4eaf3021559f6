"""Verification throughput and signing latency, against baselines measured in the same run.

Run: python bench/verify_throughput.py

- full: `Verifier.verify(qr_text)`: digits to payload, envelope, trusted key,
  Ed25519 signature, strict body decode, issuer, time and revocation checks,
  with a loaded 10,000-entry revocation list.
- bare Ed25519: PyNaCl `VerifyKey.verify(message, signature)` of the same
  signed bytes: the floor any Ed25519 card format pays.
- DCC-style: what an EU DCC verifier does per code (base45, zlib, COSE
  parse, ES256 verify with `cryptography`, CWT claims, dates), and its bare
  ES256 signature check alone.

Methods run interleaved, several rounds, and each keeps its best round, so a
busy machine slows all of them alike instead of one.
"""

from __future__ import annotations

import secrets
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import dcc
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from nacl.signing import VerifyKey
from reference import HOST, ISSUED, ISSUER_KEY, ReferenceCard, reference_cards, trust_list

from cards import codec, qr
from signing.envelope import Envelope, check_signature, open_payload
from signing.issuance import sign_and_encode
from signing.revocation import Reason, Revocation, RevocationList, sign_revocation_list
from signing.verifier import Verifier

ROUNDS = 7
ROUND_SECONDS = 0.25
REVOCATIONS = 10_000
TARGET_RATIO = 1.3
SIGNING_SAMPLES = 300


def loaded_verifier() -> Verifier:
    """A verifier with the bench trust list and a signed 10,000-entry revocation list."""
    now = datetime(ISSUED.year, ISSUED.month, ISSUED.day, 12, tzinfo=UTC) + timedelta(days=30)
    verifier = Verifier(trust_list=trust_list(), clock=lambda: now)
    entries = tuple(
        Revocation(secrets.token_bytes(8), Reason.LOST, ISSUED) for _ in range(REVOCATIONS)
    )
    revocations = RevocationList(
        issuer_kid=ISSUER_KEY.kid, counter=1, issued=ISSUED, entries=entries
    )
    verifier.add_revocation_list(sign_revocation_list(revocations, ISSUER_KEY))
    return verifier


def seconds_per_item(run: Callable[[], object], items: int) -> float:
    """Seconds per item of the fastest of `ROUNDS` timed repetitions of `run`."""
    start = time.perf_counter()
    run()
    repeats = max(1, int(ROUND_SECONDS / max(time.perf_counter() - start, 1e-6)))
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(repeats):
            run()
        best = min(best, (time.perf_counter() - start) / (repeats * items))
    return best


def interleaved(methods: dict[str, Callable[[], object]], items: int) -> dict[str, float]:
    """Best seconds per item of each method, the methods taking turns round after round."""
    best = {name: float("inf") for name in methods}
    for _ in range(ROUNDS):
        for name, run in methods.items():
            start = time.perf_counter()
            run()
            elapsed = time.perf_counter() - start
            repeats = max(1, int(ROUND_SECONDS / max(elapsed, 1e-6)))
            start = time.perf_counter()
            for _ in range(repeats):
                run()
            best[name] = min(best[name], (time.perf_counter() - start) / (repeats * items))
    return best


def main() -> None:
    cards = reference_cards()
    texts = [reference.issued.qr_text for reference in cards]
    verifier = loaded_verifier()
    payloads = [reference.issued.payload for reference in cards]
    envelopes = [open_payload(payload) for payload in payloads]
    signed = [(e.signed_message, e.signature) for e in envelopes]
    verify_key = VerifyKey(ISSUER_KEY.public.raw)
    for text in texts:
        verifier.verify(text)

    es256_key = ec.generate_private_key(ec.SECP256R1())
    dcc_verifier = dcc.DccVerifier({dcc.key_id(es256_key.public_key()): es256_key.public_key()})
    dcc_texts = [dcc.qr_text(dcc.compressed(reference.card, es256_key)) for reference in cards]
    dcc_today = ISSUED + timedelta(days=30)
    es256_signed = []
    for text in dcc_texts:
        protected, _, payload, signature = dcc.open_cose(text)
        es256_signed.append(
            (dcc.der_signature(signature), dcc.signature_structure(protected, payload))
        )
    public = es256_key.public_key()
    ecdsa = ec.ECDSA(hashes.SHA256())

    def full() -> None:
        for text in texts:
            verifier.verify(text)

    def bare() -> None:
        for message, signature in signed:
            verify_key.verify(message, signature)

    def dcc_full() -> None:
        for text in dcc_texts:
            dcc_verifier.verify(text, dcc_today)

    def es256_bare() -> None:
        for der, message in es256_signed:
            public.verify(der, message, ecdsa)

    n = len(texts)
    best = interleaved(
        {
            "ehcard full verify": full,
            "bare PyNaCl Ed25519 verify": bare,
            "EU DCC-style full verify (ES256)": dcc_full,
            "bare ES256 verify (cryptography)": es256_bare,
        },
        n,
    )
    print(f"## Verification throughput ({n} reference cards, best of {ROUNDS} rounds)\n")
    print("| method | µs/card | cards/s |")
    print("|--------|--------:|--------:|")
    for name, seconds in best.items():
        print(f"| {name} | {seconds * 1e6:.1f} | {1 / seconds:,.0f} |")
    ratio = best["ehcard full verify"] / best["bare PyNaCl Ed25519 verify"]
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(
        f"\nfull / bare Ed25519 = {ratio:.2f}x (target <= {TARGET_RATIO}x: {verdict}); "
        f"full ehcard / full DCC-style = "
        f"{best['EU DCC-style full verify (ES256)'] / best['ehcard full verify']:.1f}x faster"
    )

    print_stages(verifier, texts, payloads, envelopes, best["ehcard full verify"])
    print_signing(cards)


def print_stages(
    verifier: Verifier,
    texts: list[str],
    payloads: list[bytes],
    envelopes: list[Envelope],
    full_seconds: float,
) -> None:
    """Where the full verifier's time goes, stage by stage."""
    trust = verifier.trust_list
    bodies = [codec.decode_body(e.body) for e in envelopes]
    issuer = trust.entries[0]
    now = verifier.clock()

    def checks() -> None:
        for card in bodies:
            verifier._check_issuer(issuer, card, HOST)
            verifier._check_time(card, now)
            verifier.revocations.lookup(issuer.kid, card.card_id, now.date())

    n = len(texts)
    stages = {
        "QR text -> payload (digits to bytes)": lambda: [qr.parse_qr_text(t) for t in texts],
        "open payload (version, kid, body, signature)": lambda: [open_payload(p) for p in payloads],
        "trusted keys + Ed25519 signature": lambda: [
            check_signature(e, (t.public_key for t in trust.keys_for(e.kid))) for e in envelopes
        ],
        "strict body decode (CBOR + fields)": lambda: [
            codec.decode_body(e.body) for e in envelopes
        ],
        "issuer, time and revocation checks": checks,
    }
    print("\n## Where the full verifier's time goes\n")
    print("| stage | µs/card | share of full |")
    print("|-------|--------:|--------------:|")
    total = 0.0
    for name, run in stages.items():
        seconds = seconds_per_item(run, n)
        total += seconds
        print(f"| {name} | {seconds * 1e6:.1f} | {seconds / full_seconds:.0%} |")
    print(
        f"| sum of stages (full verify: {full_seconds * 1e6:.1f}) | {total * 1e6:.1f} | "
        f"{total / full_seconds:.0%} |"
    )


def print_signing(cards: list[ReferenceCard]) -> None:
    """Signing latency: sign, encode the QR text and build the QR symbol."""
    samples = []
    for index in range(SIGNING_SAMPLES):
        card = cards[index % len(cards)].card
        start = time.perf_counter()
        sign_and_encode(card, ISSUER_KEY, HOST)
        samples.append(time.perf_counter() - start)
    samples.sort()
    p95 = samples[int(0.95 * len(samples)) - 1]
    print(f"\n## Signing latency (sign_and_encode, {SIGNING_SAMPLES} cards)\n")
    print("| median | p95 |")
    print("|-------:|----:|")
    print(f"| {statistics.median(samples) * 1e3:.2f} ms | {p95 * 1e3:.2f} ms |")


if __name__ == "__main__":
    main()
