"""The worked examples of docs/card-format.md: current, and right when read back from the page.

Each check starts from the page's own hex blocks and documented values, not from the
generator's objects, so a page edited by hand or a format changed under it fails here.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import cbor2
import pytest

from cards import codec, qr
from cards.errors import Revoked
from cards.export import card_to_json
from cards.model import card_code, record_id, revocation_id
from kiosk.domain.publication.representations import revocation_list_json
from signing import envelope, records
from signing.keys import PublicKey
from signing.revocation import DOMAIN as REVOCATIONS_DOMAIN
from signing.revocation import load_revocation_list
from signing.revocation_filter import DOMAIN as FILTER_DOMAIN
from signing.revocation_filter import load_revocation_filter
from signing.trust import DOMAIN as TRUST_DOMAIN
from signing.trust import load_trust_list
from signing.verifier import Verifier
from tests.vectors import worked_examples

DOC = Path(__file__).resolve().parents[2] / "docs" / "card-format.md"
CHECKED_AT = datetime(2026, 11, 27, 12, tzinfo=UTC)


def _blocks(kind: str) -> dict[str, str]:
    text = DOC.read_text("utf-8")
    return dict(re.findall(rf"```{kind} ([a-z-]+)\n(.*?)```", text, re.DOTALL))


HEX = {name: bytes.fromhex("".join(body.split())) for name, body in _blocks("hex").items()}
JSON: dict[str, Any] = {name: json.loads(body) for name, body in _blocks("json").items()}
TEXT = {name: body.rstrip("\n") for name, body in _blocks("text").items()}
ROOT = PublicKey(HEX["root-public-key"])
ISSUER = PublicKey(HEX["issuer-public-key"])


def test_the_section_is_what_the_generator_writes_today() -> None:
    doc = DOC.read_text("utf-8")
    assert worked_examples.with_examples(doc) == doc, (
        "run: .venv/bin/python -m tests.vectors.worked_examples"
    )


def test_every_structure_has_its_blocks() -> None:
    assert set(HEX) == {
        "root-public-key",
        "issuer-public-key",
        "card-payload",
        "trust-list",
        "revocation-list",
        "revocation-delta",
        "revocation-filter",
    }
    assert set(JSON) == {
        "card",
        "derived",
        "trust-list",
        "revocation-list",
        "revocation-delta",
        "revocation-filter",
    }


def test_the_qr_text_carries_the_payload() -> None:
    host, payload = qr.parse_qr_text(TEXT["qr-text"])
    assert (host, payload) == ("EHC.EXAMPLE.ORG", HEX["card-payload"])


def test_the_card_signature_verifies_over_the_documented_message() -> None:
    payload = HEX["card-payload"]
    kid, body, signature = payload[1:9], payload[9:-64], payload[-64:]
    assert payload[0] == 1 and kid == ISSUER.kid
    assert ISSUER.verifies(b"ehcard/v1" + kid + body, signature)
    assert not ISSUER.verifies(body, signature)


def test_the_card_decodes_to_the_documented_values() -> None:
    card = codec.decode_body(envelope.open_payload(HEX["card-payload"]).body)
    assert card_to_json(card) == JSON["card"]
    assert card.issued == date(2026, 11, 1) and card.holder.name == "Олена Шевченко"


def test_the_derived_ids_and_keys_follow_from_the_card() -> None:
    card = codec.decode_body(envelope.open_payload(HEX["card-payload"]).body)
    derived = JSON["derived"]
    assert derived["card_code"] == card_code(card.card_id)
    assert derived["record_id"] == record_id(card.card_id) and len(derived["record_id"]) == 32
    assert bytes.fromhex(derived["revocation_id"]) == revocation_id(card.card_id)
    file_key = records.file_key(card.record_key, derived["record_id"])
    assert derived["file_key"] == file_key.hex()
    assert derived["manifest_id"] == records.manifest_id(file_key, derived["record_id"])


@pytest.mark.parametrize(
    ("name", "key", "domain"),
    [
        ("trust-list", ROOT, TRUST_DOMAIN),
        ("revocation-list", ISSUER, REVOCATIONS_DOMAIN),
        ("revocation-delta", ISSUER, REVOCATIONS_DOMAIN),
        ("revocation-filter", ISSUER, FILTER_DOMAIN),
    ],
)
def test_each_list_is_signed_over_its_domain_and_body(
    name: str, key: PublicKey, domain: bytes
) -> None:
    signer, body, signature = cbor2.loads(HEX[name])
    assert signer == key.kid
    assert key.verifies(domain + body, signature)


def test_the_trust_list_reads_as_documented() -> None:
    trust = load_trust_list(HEX["trust-list"], [ROOT])
    assert worked_examples.trust_json(trust) == JSON["trust-list"]
    assert trust.entries[0].public_key == ISSUER


def test_the_lists_read_as_documented() -> None:
    full = load_revocation_list(HEX["revocation-list"], ISSUER)
    delta = load_revocation_list(HEX["revocation-delta"], ISSUER)
    assert revocation_list_json(full) == JSON["revocation-list"]
    assert revocation_list_json(delta) == JSON["revocation-delta"]
    assert (full.since, delta.since, delta.counter) == (0, full.counter, full.counter + 1)


def test_the_card_is_valid_then_revoked_once_the_delta_is_merged() -> None:
    verifier = Verifier(
        trust_list=load_trust_list(HEX["trust-list"], [ROOT]), clock=lambda: CHECKED_AT
    )
    verifier.add_revocation_list(HEX["revocation-list"])
    assert verifier.verify(TEXT["qr-text"]).card.card_id.hex() == JSON["card"]["card_id"]
    verifier.add_revocation_list(HEX["revocation-delta"])
    assert len(verifier.revocations.entries[ISSUER.kid]) == 3
    with pytest.raises(Revoked) as revoked:
        verifier.verify(TEXT["qr-text"])
    assert revoked.value.code == "reissued"


def test_the_filter_reads_and_answers_as_documented() -> None:
    revocations = load_revocation_filter(HEX["revocation-filter"], ISSUER)
    documented = JSON["revocation-filter"]
    card_ids = worked_examples.filter_card_ids()
    assert worked_examples.filter_json(revocations, card_ids) == documented
    # The answers agree with the lists above: the full list's two cards and the delta's.
    listed = {
        entry["rid"]: entry["reason"]
        for name in ("revocation-list", "revocation-delta")
        for entry in JSON[name]["entries"]
    }
    revoked = {rid: reason for rid, reason in documented["answers"].items() if reason}
    assert revoked == listed
    assert len(documented["answers"]) == documented["issued_count"] == 12


def test_the_card_is_revoked_by_the_filter_without_a_day() -> None:
    verifier = Verifier(
        trust_list=load_trust_list(HEX["trust-list"], [ROOT]),
        clock=lambda: datetime(2026, 11, 28, 12, tzinfo=UTC),
    )
    verifier.add_revocation_list(HEX["revocation-filter"])
    with pytest.raises(Revoked, match=r"^card revoked \(reissued\)$") as revoked:
        verifier.verify(TEXT["qr-text"])
    assert revoked.value.code == "reissued"
