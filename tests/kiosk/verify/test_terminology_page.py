"""Codes beyond the curated value sets on the verifier page, offline, in every language: the
labels are the ones `ehcard verify` and the printed card use; a card carrying a code outside
the accepted terminologies is refused by the page and by the Python verifier, naming the field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from cards import valuesets
from cards.errors import Malformed
from cards.packing import pack_atc, pack_icd10
from cards.profile import parse_profile
from cards.valuesets.terminology import terminology
from signing.issuance import new_card, sign_and_encode
from signing.verifier import Verifier
from tests.engines import ChromiumPage
from tests.kiosk.verify.conftest import Site, live_site, open_verifier
from tests.kiosk.verify.phone import issue, show

DONE_WHEN: dict[str, Any] = {
    "name": "أمينة ديالو",
    "birth_date": "1990-05-01",
    "allergies": ["294494002"],  # benethamine penicillin allergy: no curated entry
    "conditions": ["B20", "E78", "Z21"],
    "include_sensitive": ["B20", "Z21"],
    "languages": ["ar"],
}
CODES = [(field, code) for field in ("allergies", "conditions") for code in DONE_WHEN[field]]
# Medicines beyond the curated list, on a card of their own (a card prints only so many items).
MEDICINES: dict[str, Any] = {
    "name": "Niko Beridze",
    "birth_date": "1980",
    "medications": ["J05AE01", "C10AB05"],  # saquinavir (private), fenofibrate
    "include_sensitive": ["J05AE01"],
}
VERIFY_IN_PAGE = """async ([text, context]) => window.ehcardVerify(text, context)"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The verifier site on SQLite only: the page does this work itself, whichever database
    issued the card (issuing on PostgreSQL is tested over HTTP)."""
    with live_site("sqlite", tmp_path_factory.mktemp("verifier")) as opened:
        yield opened


@pytest.fixture(scope="module")
def offline(site: Site, browser: Browser) -> Iterator[Page]:
    page = open_verifier(browser, f"{site.base}/V")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    page.context.set_offline(True)
    yield page
    page.context.close()


@pytest.mark.parametrize("profile", [DONE_WHEN, MEDICINES], ids=["done-when", "medicines"])
def test_codes_beyond_the_curated_lists_are_labelled_in_every_language_offline(
    offline: Page, site: Site, profile: dict[str, Any]
) -> None:
    qr_text = issue(site, profile)
    keyring = site.app.extensions["ehcard"].keyring
    card = Verifier(trust_list=keyring.trust_list).verify(qr_text).card
    codes = [(f, c) for f in ("allergies", "medications", "conditions") for c in profile.get(f, [])]
    assert [c for f, c in codes] == [c for f in ("allergies", "medications", "conditions")
                                     for c in getattr(card.emergency, f) or ()]  # fmt: skip
    assert show(ChromiumPage.of(offline), site, qr_text) == "valid"
    for language in valuesets.UI_LANGUAGES:
        offline.select_option("#language", language)
        offline.wait_for_function(f"() => document.documentElement.lang === '{language}'")
        shown = offline.inner_text("#clinical")
        for field, code in codes:
            label = valuesets.value_set(field).label(code, language)
            assert label in shown, (language, code, label)
    offline.select_option("#language", "en")


def _bad_card(site: Site, **codes: tuple[str, ...]) -> str:
    keyring = site.app.extensions["ehcard"].keyring
    holder, data, provenance = parse_profile({"name": "Niko Beridze", "birth_date": "1980"})
    card = new_card(holder, replace(data, **codes), provenance, issued=datetime.now(UTC).date())
    return sign_and_encode(card, keyring.issuer_key, site.host).qr_text


@pytest.mark.parametrize(
    ("field", "code"),
    [("conditions", "U99.9"), ("medications", "A99ZZ99"), ("allergies", "22298006")],
)
def test_an_unknown_code_is_refused_by_both_verifiers_naming_the_field(
    offline: Page, site: Site, field: str, code: str
) -> None:
    qr_text = _bad_card(site, **{field: (code,)})
    keyring = site.app.extensions["ehcard"].keyring
    with pytest.raises(Malformed) as refused:
        Verifier(trust_list=keyring.trust_list).verify(qr_text)
    assert refused.value.code == "unknown_code"
    assert str(refused.value).startswith(f"{field}: {code} is not a code of ")
    context = {
        "trust": keyring.trust_document.hex(),
        "rootKeys": [keyring.root_public_key.raw.hex()],
        "revocations": [],
        "now": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    report = offline.evaluate(VERIFY_IN_PAGE, [qr_text, context])
    assert (report["status"], report["reason"]) == ("invalid", "unknown_code")
    assert report["message"] == str(refused.value)
    assert show(ChromiumPage.of(offline), site, qr_text) == "invalid"
    assert offline.inner_text("#verdict-reason").endswith("unknown_code")


UNPACK_ALL = """async ([atc, icd10]) => {
  const { unpackAtc, unpackIcd10 } = await import("/static/verify/packing.js");
  const bytes = (hex) => Uint8Array.from(hex.match(/../g), (pair) => parseInt(pair, 16));
  return [atc.map((hex) => unpackAtc(bytes(hex))), icd10.map((hex) => unpackIcd10(bytes(hex)))];
}"""


def test_the_page_unpacks_every_atc_and_icd10_code(offline: Page) -> None:
    atc = sorted(set(terminology("atc").official) | set(valuesets.medications().concepts))
    icd10 = sorted(set(terminology("icd10").official) | set(valuesets.conditions().concepts))
    packed = [[pack_atc(c).hex() for c in atc], [pack_icd10(c).hex() for c in icd10]]
    assert offline.evaluate(UNPACK_ALL, packed) == [atc, icd10]
