"""`ehcard verify` against the national directory of three centres (see conftest.py): every
card's answer, revocations after a republish, the cache when the directory is down, and
refused files (tampered, signed by another key, rolled back)."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from cards import cbor
from kiosk.domain.publication.directory_client import cache_folder
from signing.keys import PrivateKey, load_public_key
from signing.revocation import DOMAIN as LIST_DOMAIN
from signing.revocation import Reason
from signing.revocation_filter import DOMAIN as FILTER_DOMAIN
from signing.trust import load_trust_list, sign_trust_list
from tests.directory.conftest import Card, Country, run_ehcard


def today() -> datetime:
    return datetime.now(UTC)


def expected(card: Card) -> tuple[str, str | None]:
    return ("valid", None) if card.revoked is None else ("revoked", card.revoked.label)


def verdict(report: dict[str, object]) -> tuple[object, object]:
    return report["status"], report["reason"]


def index(folder: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((folder / "index.json").read_text())
    return loaded


def issuer_entry(folder: Path, country: Country, centre: str) -> dict[str, object]:
    kid = country.centres[centre].app.extensions["ehcard"].keyring.issuer_key.kid.hex()
    issuers = index(folder)["issuers"]
    assert isinstance(issuers, dict)
    entry: dict[str, object] = issuers[kid]
    return entry


def test_every_card_of_every_centre_gets_its_answer(country: Country, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert {c.centre for c in country.cards if c.revoked} == {"A", "B", "C"}
    for card in country.cards:
        assert verdict(country.verify(card.qr_text, cache=cache)) == expected(card), card


def test_the_verifier_uses_the_directory_its_trust_list_names(
    country: Country, tmp_path: Path
) -> None:
    """A verifier with the national trust list and root key only: no --directory given."""
    card = country.centres["B"].revoked[0]
    result = run_ehcard(
        "--instance", str(tmp_path / "verifier"), "verify", "--text", card.qr_text,
        "--trust", str(country.trust_file), "--root-key", str(country.root_public),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "REVOKED" in result.output.upper()
    assert "lists fetched" in result.output and "0 hours ago" in result.output
    assert (tmp_path / "verifier" / "directory-cache").is_dir()


def test_a_new_revocation_is_seen_through_the_delta(country: Country, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    card = country.centres["B"].unrevoked(before=today().date())
    assert verdict(country.verify(card.qr_text, cache=cache)) == ("valid", None)
    country.revoke_and_publish("B", card, Reason.DECEASED)
    delta = issuer_entry(country.out, country, "B")["delta"]
    assert isinstance(delta, dict) and delta["counter"] > delta["since"]
    assert verdict(country.verify(card.qr_text, cache=cache)) == ("revoked", "deceased")
    fresh = tmp_path / "fresh"
    assert verdict(country.verify(card.qr_text, cache=fresh)) == ("revoked", "deceased")


def test_the_directory_down_the_cache_answers_and_shows_its_age(
    country: Country, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cards = [country.centres[c].valid[0] for c in "ABC"] + [country.centres["A"].revoked[0]]
    for card in cards:
        assert verify_ok(country, card, cache)
    country.stop_directory()
    try:
        for card in cards:
            report = country.verify(card.qr_text, cache=cache)
            assert verdict(report) == expected(card)
            lists = report["lists"]
            assert lists["reached"] is False and lists["fetched"] is not None
            assert 0 <= lists["age_hours"] < 1
        # Five hours later, still unreachable: the age is the cache's.
        state = cache_folder(cache, country.directory_url) / "state.json"
        fetched = datetime.fromisoformat(json.loads(state.read_text())["fetched"])
        earlier = (fetched - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        state.write_text(json.dumps({"directory": country.directory_url, "fetched": earlier}))
        text = run_ehcard(
            "--instance", str(tmp_path / "v"), "verify", "--text", cards[0].qr_text,
            "--root-key", str(country.root_public), "--directory", country.directory_url,
            "--cache", str(cache),
        )  # fmt: skip
        assert text.exit_code == 0
        assert "unreachable: using the cached lists" in text.output
        assert f"lists fetched {earlier}, 5 hours ago" in text.output
        assert 5 <= country.verify(cards[0].qr_text, cache=cache)["lists"]["age_hours"] < 6
        nothing = run_ehcard(
            "--instance", str(tmp_path / "v"), "verify", "--text", cards[0].qr_text,
            "--root-key", str(country.root_public), "--directory", country.directory_url,
            "--cache", str(tmp_path / "empty"),
        )  # fmt: skip
        assert nothing.exit_code == 2 and "no usable index and nothing is cached" in nothing.output
    finally:
        country.start_directory()


def verify_ok(country: Country, card: Card, cache: Path) -> bool:
    report = country.verify(card.qr_text, cache=cache)
    return verdict(report) == expected(card) and report["lists"]["reached"] is True


def replace_file(folder: Path, entry: dict[str, object], document: bytes) -> None:
    """Put `document` in a directory copy in place of an index entry's file, the index updated
    to match (a mirror that re-signed a file, as a compromised host could)."""
    old = folder / str(entry["path"])
    digest = hashlib.sha256(document).hexdigest()
    new_path = str(entry["path"]).rsplit("-", 1)[0] + f"-{digest[:16]}.cbor"
    old.unlink()
    (folder / new_path).write_bytes(document)
    content = (folder / "index.json").read_text()
    content = content.replace(str(entry["path"]), new_path)
    content = content.replace(str(entry["sha256"]), digest)
    content = content.replace(f'"size": {entry["size"]},', f'"size": {len(document)},', 1)
    (folder / "index.json").write_text(content)


def resigned(document: bytes, domain: bytes) -> bytes:
    """The same signed body under the same kid, signed by another key."""
    kid, body, _ = cbor.loads(document)  # type: ignore[misc]
    return cbor.dumps([kid, body, PrivateKey.generate().sign(domain + body)])


def test_tampered_and_resigned_files_are_refused_and_the_cache_kept(
    country: Country, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    card = country.centres["B"].unrevoked(before=today().date())
    assert verify_ok(country, card, cache)
    country.revoke_and_publish("B", card, Reason.LOST)
    delta = issuer_entry(country.out, country, "B")["delta"]
    assert isinstance(delta, dict)
    tampered = tmp_path / "tampered"
    shutil.copytree(country.out, tampered)
    path = tampered / str(delta["path"])
    content = bytearray(path.read_bytes())
    content[-5] ^= 0x01
    path.write_bytes(bytes(content))
    with country.serving_instead(tampered):
        report = country.verify(card.qr_text, cache=cache)
    assert verdict(report) == ("valid", None)  # the cache, as it was
    assert any("SHA-256" in r and str(delta["path"]) in r for r in report["lists"]["refused"])
    foreign = tmp_path / "foreign"
    shutil.copytree(country.out, foreign)
    replace_file(
        foreign, delta, resigned((country.out / str(delta["path"])).read_bytes(), LIST_DOMAIN)
    )
    with country.serving_instead(foreign):
        report = country.verify(card.qr_text, cache=cache)
    assert verdict(report) == ("valid", None)
    assert any("not signed by the expected key" in r for r in report["lists"]["refused"]), report[
        "lists"
    ]
    assert verdict(country.verify(card.qr_text, cache=cache)) == ("revoked", "lost")


def test_a_filter_resigned_by_another_key_is_refused(country: Country, tmp_path: Path) -> None:
    foreign = tmp_path / "foreign"
    shutil.copytree(country.out, foreign)
    entry = issuer_entry(foreign, country, "C")["filter"]
    assert isinstance(entry, dict)
    document = (foreign / str(entry["path"])).read_bytes()
    replace_file(foreign, entry, resigned(document, FILTER_DOMAIN))
    card = country.centres["C"].revoked[0]
    with country.serving_instead(foreign):
        report = country.verify(card.qr_text, cache=tmp_path / "cache")
    # Nothing cached and the filter refused: the card is not known revoked, and it says why.
    assert any("not signed by the expected key" in r for r in report["lists"]["refused"])
    assert verdict(report) == ("valid", None)


def test_a_rolled_back_directory_is_refused_and_the_cache_kept(
    country: Country, tmp_path: Path
) -> None:
    older = country.snapshot(f"before-rollback-{tmp_path.name}")
    card = country.centres["B"].unrevoked(before=today().date())
    country.revoke_and_publish("B", card, Reason.HOLDER_REQUEST)
    cache = tmp_path / "cache"
    assert verdict(country.verify(card.qr_text, cache=cache)) == ("revoked", "holder_request")
    with country.serving_instead(older):
        report = country.verify(card.qr_text, cache=cache)
    assert verdict(report) == ("revoked", "holder_request")
    assert any("rolled back" in r for r in report["lists"]["refused"]), report["lists"]


def test_a_new_day_brings_a_new_filter(country: Country, tmp_path: Path) -> None:
    """Published as of tomorrow: a fresh filter, which now also covers today's cards."""
    cache = tmp_path / "cache"
    tomorrow = today() + timedelta(days=1)
    centre = country.centres["C"]
    card = centre.unrevoked(before=today().date())
    assert verdict(country.verify(card.qr_text, cache=cache)) == ("valid", None)
    before = issuer_entry(country.out, country, "C")["filter"]
    centre.revoke(card, Reason.STOLEN)
    centre.publish(at=tomorrow)
    built = country.build()
    assert built.exit_code == 0, built.output
    after = issuer_entry(country.out, country, "C")
    assert isinstance(before, dict) and isinstance(after["filter"], dict)
    assert after["filter"]["issued"] == tomorrow.date().isoformat()
    assert after["filter"]["counter"] > before["counter"] and after["delta"] is None
    at = ("--at", tomorrow.isoformat())
    for each in centre.cards:
        assert verdict(country.verify(each.qr_text, *at, cache=cache)) == expected(each), each


def test_a_malformed_index_is_refused_and_the_cache_kept(country: Country, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    card = country.centres["A"].revoked[0]
    assert verify_ok(country, card, cache)
    broken = tmp_path / "broken"
    shutil.copytree(country.out, broken)
    (broken / "index.json").write_text('{"format": "ehcard-directory/1", "built": 3}')
    with country.serving_instead(broken):
        report = country.verify(card.qr_text, cache=cache)
    assert verdict(report) == expected(card)
    assert any("index.json" in r for r in report["lists"]["refused"]), report["lists"]


def test_a_tampered_trust_list_is_refused(country: Country, tmp_path: Path) -> None:
    card = country.centres["B"].valid[0]
    tampered = tmp_path / "tampered"
    shutil.copytree(country.out, tampered)
    content = bytearray((tampered / "trust.cbor").read_bytes())
    content[20] ^= 0x01
    (tampered / "trust.cbor").write_bytes(bytes(content))
    with country.serving_instead(tampered):
        result = run_ehcard(
            "--instance", str(tmp_path / "v"), "verify", "--text", card.qr_text,
            "--root-key", str(country.root_public), "--directory", country.directory_url,
            "--cache", str(tmp_path / "fresh"),
        )  # fmt: skip
    assert result.exit_code == 2
    assert "trust.cbor: SHA-256 differs" in result.output


def test_a_trust_list_of_another_root_is_refused_and_the_cached_one_kept(
    country: Country, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    card = country.centres["C"].revoked[0]
    assert verify_ok(country, card, cache)
    stranger = tmp_path / "stranger"
    shutil.copytree(country.out, stranger)
    trust = load_trust_list(country.trust_file.read_bytes(), [load_public_key(country.root_public)])
    document = sign_trust_list(replace(trust, sequence=trust.sequence + 1), PrivateKey.generate())
    (stranger / "trust.cbor").write_bytes(document)
    content = json.loads((stranger / "index.json").read_text())
    content["trust"].update(
        sequence=trust.sequence + 1,
        size=len(document),
        sha256=hashlib.sha256(document).hexdigest(),
    )
    (stranger / "index.json").write_text(json.dumps(content))
    with country.serving_instead(stranger):
        report = country.verify(card.qr_text, cache=cache)
    assert verdict(report) == expected(card)
    assert any("trust.cbor" in r for r in report["lists"]["refused"]), report["lists"]


def test_a_damaged_cache_file_is_refused_then_fetched_again(
    country: Country, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    card = country.centres["A"].revoked[0]
    assert verify_ok(country, card, cache)
    folder = cache_folder(cache, country.directory_url)
    cached = sorted(folder.glob("*.filter.cbor"))
    assert len(cached) == 3
    damaged = cached[0]
    damaged.write_bytes(damaged.read_bytes()[:-3])
    report = country.verify(card.qr_text, cache=cache)
    assert any(f"cached {damaged.name}" in r for r in report["lists"]["refused"])
    # Refused, dropped, and fetched again from the directory in the same run.
    assert verdict(report) == expected(card) and damaged.exists()
    assert country.verify(card.qr_text, cache=cache)["lists"]["refused"] == []


def test_export_fhir_verifies_against_the_directory(country: Country, tmp_path: Path) -> None:
    base = (
        "--instance", str(tmp_path / "v"), "export-fhir", "--root-key", str(country.root_public),
        "--directory", country.directory_url, "--cache", str(tmp_path / "cache"),
    )  # fmt: skip
    valid = run_ehcard(*base, "--text", country.centres["B"].valid[0].qr_text)
    assert valid.exit_code == 0
    assert json.loads(valid.stdout)["resourceType"] == "Bundle"
    assert "lists fetched" in valid.stderr
    revoked = run_ehcard(*base, "--text", country.centres["B"].revoked[0].qr_text)
    assert revoked.exit_code == 1 and "not exported, the card is revoked" in revoked.stderr


def test_each_centre_names_the_directory_in_its_trust_list_json(country: Country) -> None:
    for centre in country.centres.values():
        body = requests.get(f"{centre.url}/api/trust.json", timeout=10).json()
        assert body["directory"] == country.directory_url
        assert len(body["entries"]) == len(country.centres)
