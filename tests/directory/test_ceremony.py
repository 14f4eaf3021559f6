"""The root's ceremony for a country: one trust list of several centres naming the directory,
signed offline, joined by each centre; and the trust list's directory URL (body key 5)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.domain.keys.ceremony import CeremonyError, Contribution, national_trust_list
from signing.errors import SignedListError
from signing.keys import PrivateKey, load_public_key, save_private_key, save_public_key
from signing.signed import seal_encoded
from signing.trust import DOMAIN as TRUST_DOMAIN
from signing.trust import (
    KeyStatus,
    TrustEntry,
    TrustList,
    check_directory_url,
    decode_trust_body,
    encode_trust_body,
    load_trust_list,
    sign_trust_list,
)
from tests.cards.test_cddl import valid_signed

DIRECTORY = "https://directory.example.org/"
DAY = date(2026, 12, 1)


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def root(tmp_path: Path) -> tuple[Path, Path]:
    key = PrivateKey.generate()
    save_private_key(key, tmp_path / "root.key")
    save_public_key(key.public, tmp_path / "root.pub")
    return tmp_path / "root.key", tmp_path / "root.pub"


def centre(tmp_path: Path, name: str) -> tuple[str, str]:
    """A centre made with `ehcard init`, its development root moved away; (instance, kid)."""
    instance = str(tmp_path / name)
    made = run("--instance", instance, "init")
    (tmp_path / name / "keys" / "root.key").unlink()
    run("--instance", instance, "publish", "--out", str(tmp_path / f"{name}-publication"))
    return instance, made.split("issuer key id ")[1].split()[0]


def test_the_root_signs_one_list_for_every_centre_and_each_joins_it(
    tmp_path: Path, root: tuple[Path, Path]
) -> None:
    root_key, root_public = root
    (a, a_kid), (b, b_kid) = centre(tmp_path, "a"), centre(tmp_path, "b")
    national = tmp_path / "national.cbor"
    shown = run(
        "trust", "sign", "--root-key", str(root_key),
        "--unsigned", str(tmp_path / "a-publication" / "publication.json"),
        "--unsigned", str(tmp_path / "b-publication" / "publication.json"),
        "--directory-url", DIRECTORY, "--sequence", "2", "--out", str(national),
    )  # fmt: skip
    assert f"directory {DIRECTORY}" in shown and a_kid in shown and b_kid in shown
    trust = load_trust_list(national.read_bytes(), [load_public_key(root_public)])
    assert (trust.sequence, trust.directory) == (2, DIRECTORY)
    assert {e.kid.hex() for e in trust.entries} == {a_kid, b_kid}
    assert valid_signed("trust-list", national.read_bytes())
    for instance in (a, b):
        join = ("trust", "import", str(national), "--root-public", str(root_public))
        run("--instance", instance, *join)
        assert f"directory {DIRECTORY}" in run("--instance", instance, "keys", "list")

    # Later, centre A rotates its key: its pending list keeps the directory; the root merges
    # it with B's publication and A's new key joins everyone's list.
    run("--instance", a, "keys", "rotate")
    unsigned = tmp_path / "a-unsigned.cbor"
    run("--instance", a, "trust", "export-unsigned", "--out", str(unsigned))
    pending = decode_trust_body(unsigned.read_bytes())
    assert (pending.sequence, pending.directory) == (3, DIRECTORY)
    merged = tmp_path / "national-3.cbor"
    run(
        "trust", "sign", "--root-key", str(root_key), "--unsigned", str(unsigned),
        "--unsigned", str(tmp_path / "b-publication" / "publication.json"), "--out", str(merged),
    )  # fmt: skip
    trust = load_trust_list(merged.read_bytes(), [load_public_key(root_public)])
    assert (trust.sequence, trust.directory, len(trust.entries)) == (3, DIRECTORY, 3)
    assert "new cards are now signed by" in run("--instance", a, "trust", "import", str(merged))
    run("--instance", b, "trust", "import", str(merged))


def test_joining_is_refused_without_the_centres_key_or_with_another_root_here(
    tmp_path: Path, root: tuple[Path, Path]
) -> None:
    root_key, root_public = root
    a, _ = centre(tmp_path, "a")
    b, _ = centre(tmp_path, "b")
    only_b = tmp_path / "only-b.cbor"
    run(
        "trust", "sign", "--root-key", str(root_key), "--out", str(only_b), "--sequence", "2",
        "--unsigned", str(tmp_path / "b-publication" / "publication.json"),
    )  # fmt: skip
    installed = (tmp_path / "a" / "trust.cbor").read_bytes()
    join = ("trust", "import", str(only_b), "--root-public", str(root_public))
    refused = run("--instance", a, *join, code=2)
    assert "issuer_not_listed" in refused
    assert (tmp_path / "a" / "trust.cbor").read_bytes() == installed
    save_private_key(PrivateKey.generate(), tmp_path / "b" / "keys" / "root.key")
    refused = run("--instance", b, *join, code=2)
    assert "other_root_here" in refused


def test_trust_sign_refuses_what_it_cannot_sign_as_asked(
    tmp_path: Path, root: tuple[Path, Path]
) -> None:
    root_key, _ = root
    centre(tmp_path, "a")
    publication = str(tmp_path / "a-publication" / "publication.json")
    sign = ("trust", "sign", "--root-key", str(root_key), "--unsigned", publication)
    out = ("--out", str(tmp_path / "out.cbor"))
    assert "give --sequence" in run(*sign, *out, "--directory-url", DIRECTORY, code=2)
    for url in ("http://directory.example.org/", "https://directory.example.org", "ftp://x/"):
        assert "directory URL" in run(
            *sign, *out, "--sequence", "2", "--directory-url", url, code=2
        )
    assert not (tmp_path / "out.cbor").exists()
    not_a_manifest = tmp_path / "other.json"
    not_a_manifest.write_text('{"format": "something else"}')
    signing = ("trust", "sign", "--root-key", str(root_key), "--unsigned", str(not_a_manifest))
    refused = run(*signing, *out, "--sequence", "2", code=2)
    assert f"{not_a_manifest} is not a ehcard-publication/1 manifest" in refused
    swapped = json.loads(Path(publication).read_text())
    swapped["issuers"][0]["public_key"] = PrivateKey.generate().public.raw.hex()
    not_a_manifest.write_text(json.dumps(swapped))
    refused = run(*signing, *out, "--sequence", "2", code=2)
    assert "its trust entry holds another key" in refused
    assert not (tmp_path / "out.cbor").exists()


def entry(key: PrivateKey, **changes: object) -> TrustEntry:
    values: dict[str, object] = {
        "public_key": key.public, "centre": "Centre A", "host": "A.EXAMPLE.ORG",
        "valid_from": DAY, "valid_until": date(2036, 12, 1),
    }  # fmt: skip
    values.update(changes)
    return TrustEntry(**values)  # type: ignore[arg-type]


def test_a_key_brought_twice_keeps_its_furthest_status_and_conflicts_are_refused() -> None:
    key = PrivateKey.generate()
    active = Contribution(Path("a.json"), (entry(key),), None, None)
    compromised = Contribution(
        Path("a.cbor"),
        (entry(key, status=KeyStatus.COMPROMISED, status_since=DAY),),
        4,
        DIRECTORY,
    )
    for order in ((active, compromised), (compromised, active)):
        merged = national_trust_list(order, issued=DAY, sequence=None, directory=None)
        assert [e.status for e in merged.entries] == [KeyStatus.COMPROMISED]
        assert (merged.sequence, merged.directory) == (4, DIRECTORY)
    renamed = Contribution(Path("b.json"), (entry(key, centre="Centre B"),), None, None)
    with pytest.raises(CeremonyError, match="another centre, host or validity"):
        national_trust_list((active, renamed), issued=DAY, sequence=2, directory=None)
    with pytest.raises(CeremonyError, match="below a body's sequence 4"):
        national_trust_list((compromised,), issued=DAY, sequence=3, directory=None)
    elsewhere = Contribution(Path("c.cbor"), (), 4, "https://other.example.org/")
    with pytest.raises(CeremonyError, match="different directories"):
        national_trust_list((compromised, elsewhere), issued=DAY, sequence=None, directory=None)


@pytest.mark.parametrize(
    "url",
    [
        "https://directory.example.org/",
        "https://directory.example.org/ehcard/",
        "http://127.0.0.1:8080/",
        "http://localhost/d/",
    ],
)
def test_a_directory_url_is_https_or_loopback_http_ending_in_a_slash(url: str) -> None:
    assert check_directory_url(url) == url
    trust = TrustList(1, DAY, (entry(PrivateKey.generate()),), directory=url)
    assert decode_trust_body(encode_trust_body(trust)) == trust


@pytest.mark.parametrize(
    "url",
    [
        "http://directory.example.org/",
        "https://directory.example.org",
        "https://directory.example.org/index.json",
        "https://directory.example.org/?x=1/",
        "directory.example.org/",
        "/relative/",
        "https:///",
    ],
)
def test_a_bad_directory_url_is_refused(url: str) -> None:
    with pytest.raises(SignedListError, match="directory URL"):
        check_directory_url(url)


def test_a_signed_list_naming_a_bad_directory_is_refused() -> None:
    root = PrivateKey.generate()
    trust = TrustList(1, DAY, (entry(PrivateKey.generate()),), directory=DIRECTORY)
    document = sign_trust_list(trust, root)
    assert load_trust_list(document, [root.public]).directory == DIRECTORY
    body = encode_trust_body(trust).replace(b"https://directory", b"http://ddirectory")
    with pytest.raises(SignedListError, match="directory URL"):
        load_trust_list(seal_encoded(body, root, TRUST_DOMAIN), [root.public])
