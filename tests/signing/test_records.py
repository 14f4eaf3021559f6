"""Record files are standard SMART Health Link JWEs, checked with an independent JOSE library."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from joserfc import jwe as jose_jwe
from joserfc.jwk import OctKey

from signing import records as crypto
from signing.errors import RecordCryptoError

RECORD_ID = "00112233445566778899aabbccddeeff"
RECORD_KEY = bytes(range(16))


def rfc5869_hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    """HKDF-SHA256 written from RFC 5869, independent of the `cryptography` package."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def test_file_key_is_hkdf_sha256_of_the_record_key_salted_by_the_record_id() -> None:
    expected = rfc5869_hkdf(RECORD_KEY, bytes.fromhex(RECORD_ID), b"ehcard/record/v1")
    assert crypto.file_key(RECORD_KEY, RECORD_ID) == expected


def test_manifest_id_is_43_base64url_characters_derived_from_the_file_key() -> None:
    key = crypto.file_key(RECORD_KEY, RECORD_ID)
    derived = rfc5869_hkdf(key, bytes.fromhex(RECORD_ID), b"ehcard/shl-manifest/v1")
    manifest_id = crypto.manifest_id(key, RECORD_ID)
    assert len(manifest_id) == 43
    assert base64.urlsafe_b64decode(manifest_id + "=") == derived


def test_keys_of_other_cards_differ() -> None:
    other_id = "f" * 32
    assert crypto.file_key(RECORD_KEY, RECORD_ID) != crypto.file_key(RECORD_KEY, other_id)
    assert crypto.file_key(RECORD_KEY, RECORD_ID) != crypto.file_key(bytes(16), RECORD_ID)


@pytest.mark.parametrize(
    ("record_key", "record_id", "message"),
    [
        (bytes(15), RECORD_ID, "a record key is 16 bytes, not 15"),
        (RECORD_KEY, "zz" * 16, "not hexadecimal"),
        (RECORD_KEY, "00" * 8, "32 hexadecimal digits"),
    ],
)
def test_bad_key_material_is_refused(record_key: bytes, record_id: str, message: str) -> None:
    with pytest.raises(RecordCryptoError, match=message):
        crypto.file_key(record_key, record_id)


@pytest.mark.parametrize("deflate", [False, True])
def test_our_jwe_decrypts_with_joserfc(deflate: bool) -> None:
    key = crypto.file_key(RECORD_KEY, RECORD_ID)
    plaintext = json.dumps({"resourceType": "Patient", "name": [{"text": "Amina"}]}).encode()
    token = crypto.encrypt(key, plaintext, content_type=crypto.FHIR_JSON, deflate=deflate)
    opened = jose_jwe.decrypt_compact(
        token, OctKey.import_key(key), algorithms=["dir", "A256GCM", "DEF"]
    )
    assert opened.plaintext == plaintext
    assert opened.protected["cty"] == "application/fhir+json"
    assert opened.protected["alg"] == "dir" and opened.protected["enc"] == "A256GCM"
    assert ("zip" in opened.protected) is deflate


def test_joserfc_jwe_decrypts_with_ours() -> None:
    key = crypto.file_key(RECORD_KEY, RECORD_ID)
    header = {"alg": "dir", "enc": "A256GCM", "cty": crypto.FHIR_JSON, "zip": "DEF"}
    token = jose_jwe.encrypt_compact(
        header,
        b'{"resourceType":"Bundle"}',
        OctKey.import_key(key),
        algorithms=["dir", "A256GCM", "DEF"],
    )
    assert crypto.decrypt(key, token).plaintext == b'{"resourceType":"Bundle"}'


def test_every_encryption_uses_a_fresh_iv() -> None:
    key = crypto.file_key(RECORD_KEY, RECORD_ID)
    ivs = {crypto.encrypt(key, b"same", content_type="text/plain").split(".")[2] for _ in range(50)}
    assert len(ivs) == 50


def test_wrong_key_and_altered_ciphertext_are_refused() -> None:
    key = crypto.file_key(RECORD_KEY, RECORD_ID)
    token = crypto.encrypt(key, b"secret", content_type="text/plain")
    with pytest.raises(RecordCryptoError, match="does not decrypt under this key"):
        crypto.decrypt(crypto.file_key(bytes(16), RECORD_ID), token)
    parts = token.split(".")
    parts[3] = crypto.b64url(bytes(b ^ 1 for b in crypto.b64url_decode(parts[3])))
    with pytest.raises(RecordCryptoError, match="does not decrypt under this key"):
        crypto.decrypt(key, ".".join(parts))


def _with_header(header: dict[str, object]) -> str:
    protected = crypto.b64url(json.dumps(header).encode())
    return (
        f"{protected}..{crypto.b64url(bytes(12))}.{crypto.b64url(b'x')}.{crypto.b64url(bytes(16))}"
    )


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("a.b.c", "five parts"),
        (_with_header({"alg": "A256KW", "enc": "A256GCM", "cty": "x"}), '"alg":"dir"'),
        (_with_header({"alg": "dir", "enc": "A128GCM", "cty": "x"}), '"enc":"A256GCM"'),
        (_with_header({"alg": "dir", "enc": "A256GCM"}), "no content type"),
        (_with_header({"alg": "dir", "enc": "A256GCM", "cty": "x", "zip": "GZ"}), "zip"),
        (_with_header({"alg": "dir", "enc": "A256GCM", "cty": "x", "kid": "1"}), "unexpected"),
        ("e30..AAAA.AAAA.AAAA", '"alg":"dir"'),
        (
            _with_header({"alg": "dir", "enc": "A256GCM", "cty": "x"}).replace("..", ".a2V5.", 1),
            "empty encrypted key",
        ),
        ("!!.." + "A" * 16 + ".AA.AA", "base64url"),
    ],
)
def test_malformed_jwe_is_refused_before_decryption(token: str, message: str) -> None:
    with pytest.raises(RecordCryptoError, match=message):
        crypto.parse_header(token)


def test_shlink_follows_the_smart_health_links_payload_rules() -> None:
    key = crypto.file_key(RECORD_KEY, RECORD_ID)
    url = f"https://ehc.example.org/shl/{crypto.manifest_id(key, RECORD_ID)}"
    link = crypto.shlink(
        crypto.shlink_payload(manifest_url=url, key=key, label="Emergency health record")
    )
    assert link.startswith("shlink:/")
    payload = json.loads(crypto.b64url_decode(link.removeprefix("shlink:/")))
    assert payload == {
        "url": url,
        "key": crypto.b64url(key),
        "flag": "LP",
        "label": "Emergency health record",
    }
    assert len(payload["key"]) == 43


def test_shlink_refuses_a_manifest_url_over_128_characters() -> None:
    with pytest.raises(RecordCryptoError, match="at most 128"):
        crypto.shlink_payload(manifest_url="https://x/" + "a" * 120, key=bytes(32), label="")
