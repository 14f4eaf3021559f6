"""QR size: each reference profile as an ehcard, a SMART Health Card and an EU DCC-style code.

Run: python bench/qr_size.py

Bytes are what each format puts into its QR text encoding: the ehcard signed
payload (written as decimal digits), the SHC compact JWS (two digits a
character) and the DCC zlib-compressed COSE_Sign1 (base45). Versions are the
smallest regular QR symbol at each format's usual error correction level: M
for ehcard, L for SHC, Q for DCC; a second table puts all three at each level.
"""

from __future__ import annotations

import dcc
import shc
from cryptography.hazmat.primitives.asymmetric import ec
from reference import HOST, ReferenceCard, median, reference_cards

from cards import qr

TARGET_EHCARD_MEDIAN, TARGET_EHCARD_MAX = 10, 12
TARGET_SHC, TARGET_DCC = 18, 14


def measure(
    cards: list[ReferenceCard], key: ec.EllipticCurvePrivateKey
) -> list[tuple[str, dict[str, tuple[int, str]]]]:
    """Per profile: format -> (bytes, QR text)."""
    rows = []
    for reference in cards:
        jws = shc.compact_jws(reference.card, HOST, key)
        cose = dcc.compressed(reference.card, key)
        rows.append(
            (
                reference.name,
                {
                    "ehcard": (len(reference.issued.payload), reference.issued.qr_text),
                    "SHC": (len(jws), shc.qr_text(jws)),
                    "DCC": (len(cose), dcc.qr_text(cose)),
                },
            )
        )
    return rows


def version(fmt: str, text: str, ecc: str) -> int:
    if fmt == "ehcard":
        return qr.make_symbol(text, ecc=ecc).version
    maker = shc.make_qr if fmt == "SHC" else dcc.make_qr
    return int(maker(text, ecc).version)


USUAL_ECC = {"ehcard": "M", "SHC": "L", "DCC": "Q"}


def main() -> None:
    cards = reference_cards()
    key = ec.generate_private_key(ec.SECP256R1())
    rows = measure(cards, key)
    formats = list(USUAL_ECC)
    width = max(len(name) for name, _ in rows)

    print("## QR size of the same data in three formats\n")
    print(
        f"| {'profile':<{width}} | ehcard bytes | ehcard v@M | SHC JWS bytes | SHC v@L "
        "| DCC bytes | DCC v@Q |"
    )
    print(
        f"|{'-' * (width + 2)}|-------------:|-----------:|--------------:|--------:"
        "|----------:|--------:|"
    )
    sizes: dict[str, list[int]] = {f: [] for f in formats}
    versions: dict[str, list[int]] = {f: [] for f in formats}
    for name, encoded in rows:
        cells = []
        for fmt in formats:
            size, text = encoded[fmt]
            sizes[fmt].append(size)
            versions[fmt].append(version(fmt, text, USUAL_ECC[fmt]))
            cells += [str(size), str(versions[fmt][-1])]
        print(f"| {name:<{width}} | " + " | ".join(cells) + " |")
    for label, summary in (("median", median), ("max", lambda v: float(max(v)))):
        cells = []
        for fmt in formats:
            cells += [
                f"{summary([float(s) for s in sizes[fmt]]):g}",
                f"{summary([float(v) for v in versions[fmt]]):g}",
            ]
        print(f"| **{label}**{' ' * (width - len(label) - 4)} | " + " | ".join(cells) + " |")

    print("\n## Median QR version of each format at each error correction level\n")
    print("| format | L | M | Q | usual |")
    print("|--------|--:|--:|--:|-------|")
    for fmt in formats:
        by_level = [
            f"{median([float(version(fmt, e[fmt][1], ecc)) for _, e in rows]):g}" for ecc in "LMQ"
        ]
        print(f"| {fmt} | " + " | ".join(by_level) + f" | {USUAL_ECC[fmt]} |")

    ehcard_median, ehcard_max = (
        median([float(v) for v in versions["ehcard"]]),
        max(versions["ehcard"]),
    )
    shc_median, dcc_median = (
        median([float(v) for v in versions["SHC"]]),
        median([float(v) for v in versions["DCC"]]),
    )
    print("\n## Against the targets of issue 3\n")
    print("| measure | target | measured | met |")
    print("|---------|--------|---------:|-----|")
    checks = (
        (
            "ehcard median version at M",
            f"<= {TARGET_EHCARD_MEDIAN}",
            ehcard_median,
            ehcard_median <= TARGET_EHCARD_MEDIAN,
        ),
        (
            "ehcard max version at M",
            f"<= {TARGET_EHCARD_MAX}",
            float(ehcard_max),
            ehcard_max <= TARGET_EHCARD_MAX,
        ),
        ("SHC median version at L", f"about {TARGET_SHC}", shc_median, None),
        ("DCC median version at Q", f"about {TARGET_DCC}", dcc_median, None),
    )
    for label, target, measured, met in checks:
        verdict = "n/a (reference)" if met is None else ("yes" if met else "NO")
        print(f"| {label} | {target} | {measured:g} | {verdict} |")


if __name__ == "__main__":
    main()
