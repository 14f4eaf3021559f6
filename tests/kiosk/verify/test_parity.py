"""The browser verifier and `ehcard verify` give the same status, reason and card on every
case: the cases generated from the Python core here, and every file in tests/vectors/, in
Chromium, WebKitGTK and Firefox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cards import valuesets
from cards.errors import VerificationError
from cards.fhir import card_bundle
from cards.snomed import check_digit_ok
from kiosk.cli import verification_report
from signing.errors import SignedListError
from signing.keys import PublicKey, load_public_key
from signing.trust import load_trust_list
from signing.verifier import VerifiedCard, Verifier
from tests.engines import EnginePage
from tests.kiosk.verify.cases import all_cases
from tests.kiosk.verify.conftest import IN_EVERY_ENGINE, Site, open_engine_verifier
from tests.kiosk.verify.vectors import ROOT, Case

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
RUN_ALL = """async ([cases, engine]) => {
  const out = [];
  for (const c of cases) out.push(await window.ehcardVerify(c.text, { ...c.context, engine }));
  return out;
}"""


@pytest.fixture(scope="module")
def verifier_page(
    request: pytest.FixtureRequest, site: Site, browser_engine: str
) -> Iterator[EnginePage]:
    page = open_engine_verifier(request, browser_engine, f"{site.base}/V")
    yield page
    page.close()


def python_verdict(case: Case) -> tuple[dict[str, Any], VerifiedCard | None]:
    trust = load_trust_list(case.trust_document(), [ROOT.public])
    verifier = Verifier(
        trust_list=trust, clock=lambda: case.now, skew=timedelta(hours=case.skew_hours)
    )
    for document in case.revocations:
        verifier.add_revocation_list(document)
    try:
        result = verifier.verify(case.qr_text)
    except VerificationError as error:
        return verification_report(None, error), None
    return verification_report(result, None), result


def _run(page: EnginePage, cases: list[dict[str, Any]], engine: str) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = page.evaluate(RUN_ALL, [cases, engine])
    return results


@IN_EVERY_ENGINE
@pytest.mark.parametrize("engine", ["webcrypto", "noble"])
def test_browser_and_python_agree_on_every_generated_case(
    verifier_page: EnginePage, engine: str
) -> None:
    cases = all_cases()
    browser = _run(
        verifier_page, [{"text": c.qr_text, "context": c.context()} for c in cases], engine
    )
    mismatches = []
    for case, seen in zip(cases, browser, strict=True):
        expected, verified = python_verdict(case)
        if (seen["status"], seen["reason"], seen["card"]) != (
            expected["status"],
            expected["reason"],
            expected["card"],
        ):
            mismatches.append((case.id, expected["status"], expected["reason"], seen))
        elif case.fhir and verified is not None:
            bundle = card_bundle(verified.card, issuer=verified.issuer.centre, timestamp=case.now)
            if seen["fhir"] != bundle:
                mismatches.append((case.id, "fhir", bundle, seen["fhir"]))
    assert not mismatches, "\n".join(str(m)[:400] for m in mismatches)


def test_generated_cases_cover_every_verdict_and_many_reasons() -> None:
    verdicts = [python_verdict(case)[0] for case in all_cases()]
    assert {v["status"] for v in verdicts} == {
        "valid",
        "invalid",
        "expired",
        "revoked",
        "unknown_issuer",
    }
    assert len({v["reason"] for v in verdicts}) >= 25


@IN_EVERY_ENGINE
def test_webcrypto_ed25519_is_available_in_every_engine(verifier_page: EnginePage) -> None:
    # Each engine has WebCrypto Ed25519: the page uses it, and the parity test forces noble too.
    assert verifier_page.evaluate("() => window.ehcardEngine()") == "webcrypto"


# ---- tests/vectors/: files made by the vector generator, when present ----------------------


def _vector_files() -> list[Path]:
    # Filter lookups have no card to verify: the test below runs them.
    return sorted(
        p for p in VECTORS.rglob("*.json") if "schema" not in p.name and p.parent.name != "filters"
    )


def external_case(path: Path) -> dict[str, Any] | None:
    """The page input of one vector file (tests/vectors/README); None for files that are not
    vectors. Context paths are relative to tests/vectors/."""
    vector = json.loads(path.read_text("utf-8"))
    if not isinstance(vector, dict) or "expected" not in vector or "context" not in vector:
        return None
    return {
        # List vectors have no card: their lists must be refused before any card is read.
        "text": vector.get("qr_text") or "",
        "context": external_case_context(vector["context"]),
        "expected": vector["expected"],
    }


def external_case_context(context: dict[str, Any]) -> dict[str, Any]:
    """A vector's context as the page takes it (hex documents, ISO clock)."""
    root = load_public_key(VECTORS / context["root_key"])
    return {
        "trust": (VECTORS / context["trust_list"]).read_bytes().hex(),
        "rootKeys": [root.raw.hex()],
        "revocations": [
            (VECTORS / name).read_bytes().hex() for name in context["revocation_lists"]
        ],
        "now": context.get("validation_time", "2026-11-27T12:00:00Z"),
        "skewHours": context.get("skew_hours", 24),
    }


def _python_external(page_input: dict[str, Any]) -> dict[str, Any]:
    context = page_input["context"]
    try:
        trust = load_trust_list(
            bytes.fromhex(context["trust"]),
            [PublicKey(bytes.fromhex(k)) for k in context["rootKeys"]],
        )
        now = datetime.fromisoformat(context["now"].replace("Z", "+00:00"))
        verifier = Verifier(
            trust_list=trust, clock=lambda: now, skew=timedelta(hours=context["skewHours"])
        )
        for document in context["revocations"]:
            verifier.add_revocation_list(bytes.fromhex(document))
    except SignedListError as error:
        return {"error": "bad_signed_list", "message": error.message}
    try:
        return verification_report(verifier.verify(page_input["text"]), None)
    except VerificationError as error:
        return verification_report(None, error)


def _verdict(report: dict[str, Any]) -> dict[str, Any]:
    if "error" in report:
        return {"error": report["error"]}
    return {"status": report["status"], "error": report["reason"], "card": report["card"]}


def _expected_verdict(expected: dict[str, Any]) -> dict[str, Any]:
    if expected.get("error") == "bad_signed_list":
        return {"error": "bad_signed_list"}
    return {"status": expected["status"], "error": expected["error"], "card": expected.get("card")}


@IN_EVERY_ENGINE
def test_browser_python_and_the_vector_files_agree(verifier_page: EnginePage) -> None:
    files = _vector_files()
    if not files:
        pytest.skip("tests/vectors/ holds no vector files on this branch")
    inputs = [(path, case) for path in files if (case := external_case(path)) is not None]
    assert inputs, "tests/vectors/ has JSON files but none reads as a vector"
    browser = _run(verifier_page, [case for _, case in inputs], "webcrypto")
    mismatches = []
    for (path, case), seen in zip(inputs, browser, strict=True):
        verdicts = {
            "vector": _expected_verdict(case["expected"]),
            "python": _verdict(_python_external(case)),
            "browser": _verdict(seen),
        }
        if verdicts["browser"] != verdicts["vector"] or verdicts["python"] != verdicts["vector"]:
            mismatches.append((path.relative_to(VECTORS).as_posix(), verdicts))
    assert not mismatches, "\n".join(str(m)[:600] for m in mismatches)


@IN_EVERY_ENGINE
def test_the_snomed_check_digit_agrees_with_python_on_every_id_and_its_neighbours(
    verifier_page: EnginePage,
) -> None:
    ids = sorted(valuesets.allergies().concepts)
    # Every id, every other last digit, and every swap of two neighbouring digits.
    candidates = ids + [
        variant
        for sctid in ids
        for variant in [sctid[:-1] + str((int(sctid[-1]) + 1) % 10)]
        + [sctid[:i] + sctid[i + 1] + sctid[i] + sctid[i + 2 :] for i in range(len(sctid) - 1)]
    ]
    browser = verifier_page.evaluate(
        """async (ids) => {
          const { checkDigitOk } = await import("/static/verify/snomed.js");
          return ids.map(checkDigitOk);
        }""",
        candidates,
    )
    assert browser == [check_digit_ok(c) for c in candidates]
    assert all(browser[: len(ids)]) and not all(browser)


# ---- tests/vectors/filters/: revocation filter lookups -----------------------------------

FILTER_LOOKUPS = """async (vectors) => {
  const { addRevocationList, loadTrustList, RevocationCache, revocationId } =
    await import("/static/verify/lists.js");
  const { fromHex } = await import("/static/verify/envelope.js");
  const day = (iso) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86400000;
  const out = [];
  for (const vector of vectors) {
    const trust = await loadTrustList(fromHex(vector.trust), vector.rootKeys.map(fromHex));
    const cache = new RevocationCache();
    for (const document of vector.revocations) {
      await addRevocationList(cache, trust, fromHex(document));
    }
    const answers = [];
    for (const lookup of vector.lookups) {
      const rid = await revocationId(fromHex(lookup.card_id));
      const issued = day(lookup.card_issued);
      const revoked = await cache.lookup(lookup.issuer, rid, day(vector.now), issued);
      answers.push({
        ...lookup,
        reason: revoked ? revoked.reason : null,
        revoked_on: revoked && revoked.revokedOn !== null
          ? new Date(revoked.revokedOn * 86400000).toISOString().slice(0, 10) : null,
      });
    }
    out.push(answers);
  }
  return out;
}"""


@IN_EVERY_ENGINE
def test_browser_filter_lookups_agree_with_the_filter_vectors(verifier_page: EnginePage) -> None:
    files = sorted((VECTORS / "filters").glob("*.json"))
    assert files, "tests/vectors/filters/ holds no vectors"
    vectors = [json.loads(path.read_text("utf-8")) for path in files]
    inputs = []
    for vector in vectors:
        page_input = external_case_context(vector["context"])
        inputs.append({**page_input, "lookups": vector["expected"]["lookups"]})
    browser = verifier_page.evaluate(FILTER_LOOKUPS, inputs)
    mismatches = [
        (path.stem, expected, seen)
        for path, vector, answers in zip(files, vectors, browser, strict=True)
        for expected, seen in zip(vector["expected"]["lookups"], answers, strict=True)
        if expected != seen
    ]
    assert not mismatches, "\n".join(str(m)[:400] for m in mismatches[:10])
