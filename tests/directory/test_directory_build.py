"""`ehcard directory build` refuses every bad publication, names the file, and leaves OUT as
it was; and nginx serves OUT with the headers of deploy/directory/nginx-directory.conf."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from cards import cbor
from kiosk.domain.publication.manifest import PublishedFile
from signing.keys import PrivateKey, save_public_key
from signing.revocation import Reason
from signing.revocation_filter import DOMAIN as FILTER_DOMAIN
from signing.revocation_filter import FilterLayers, RevocationFilter, sign_revocation_filter
from tests.directory.conftest import Country, run_ehcard


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def manifest(folder: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((folder / "publication.json").read_text())
    return loaded


def first_file(folder: Path, kind: str) -> dict[str, object]:
    files = manifest(folder)["files"]
    assert isinstance(files, list)
    entry: dict[str, object] = next(f for f in files if f["kind"] == kind)
    return entry


def flip_a_byte(folder: Path) -> str:
    entry = first_file(folder, "filter")
    path = folder / str(entry["path"])
    content = bytearray(path.read_bytes())
    content[10] ^= 0x40
    path.write_bytes(bytes(content))
    return f"{entry['path']}: SHA-256 differs"


def cut_short(folder: Path) -> str:
    entry = first_file(folder, "filter")
    path = folder / str(entry["path"])
    path.write_bytes(path.read_bytes()[:-1])
    return f"{entry['path']}: {int(str(entry['size'])) - 1} bytes where the manifest lists"


def relist(folder: Path, entry: dict[str, object], document: bytes) -> None:
    """Replace a listed file with `document`, the manifest updated to match it."""
    (folder / str(entry["path"])).unlink()
    item = PublishedFile.from_json(entry)
    new = PublishedFile.of(
        item.kind, bytes.fromhex(item.issuer), item.counter, item.since, item.issued, document
    )
    (folder / new.path).write_bytes(document)
    content = manifest(folder)
    files = content["files"]
    assert isinstance(files, list)
    files[files.index(entry)] = new.to_json()
    (folder / "publication.json").write_text(json.dumps(content))


def resigned_by_another_key(folder: Path) -> str:
    entry = first_file(folder, "filter")
    kid, body, _ = cbor.loads((folder / str(entry["path"])).read_bytes())  # type: ignore[misc]
    relist(folder, entry, cbor.dumps([kid, body, PrivateKey.generate().sign(FILTER_DOMAIN + body)]))
    return "not signed by the expected key"


def issuer_not_in_the_trust_list(folder: Path) -> str:
    stranger = PrivateKey.generate()
    day = datetime.now(UTC).date()
    empty = RevocationFilter(
        stranger.kid, 0, day, day, day, 0, FilterLayers(None, None, (), ()), ()
    )
    document = sign_revocation_filter(empty, stranger)
    item = PublishedFile.of("filter", stranger.kid, 0, 0, day, document)
    (folder / item.path).parent.mkdir(parents=True)
    (folder / item.path).write_bytes(document)
    content = manifest(folder)
    files = content["files"]
    assert isinstance(files, list)
    files.append(item.to_json())
    (folder / "publication.json").write_text(json.dumps(content))
    return f"issuer {stranger.kid.hex()} is not in trust list"


def counter_not_as_listed(folder: Path) -> str:
    """The filter filed and listed under a counter one above the one it was signed with.

    The issuer's delta, if an earlier test's revocation made one, is left out of the
    publication (as a publication fresh from a filter has none): it would no longer follow
    the filter's claimed counter, and the build would refuse it first, for that."""
    content = manifest(folder)
    files = content["files"]
    assert isinstance(files, list)
    for delta in [f for f in files if f["kind"] == "delta"]:
        files.remove(delta)
        (folder / str(delta["path"])).unlink()
    (folder / "publication.json").write_text(json.dumps(content))
    entry = first_file(folder, "filter")
    item = PublishedFile.from_json(entry)
    claimed = PublishedFile(
        item.path.replace(f"filter-{item.counter}-", f"filter-{item.counter + 1}-"),
        item.kind, item.issuer, item.counter + 1, item.since, item.issued, item.size, item.sha256,
    )  # fmt: skip
    (folder / item.path).rename(folder / claimed.path)
    content = manifest(folder)
    files = content["files"]
    assert isinstance(files, list)
    files[files.index(entry)] = claimed.to_json()
    (folder / "publication.json").write_text(json.dumps(content))
    return "not what the manifest lists"


def path_outside_the_folder(folder: Path) -> str:
    content = manifest(folder)
    files = content["files"]
    assert isinstance(files, list)
    files[0]["path"] = "../../etc/passwd"
    (folder / "publication.json").write_text(json.dumps(content))
    return "does not match its kind, counters or hash"


def not_json(folder: Path) -> str:
    (folder / "publication.json").write_text('{"format": "ehcard-publication/1", "centre": ')
    return "publication.json is not a readable publication manifest"


DEFECTS: dict[str, Callable[[Path], str]] = {
    "tampered_bytes": flip_a_byte,
    "truncated_file": cut_short,
    "resigned_by_another_key": resigned_by_another_key,
    "issuer_not_in_the_trust_list": issuer_not_in_the_trust_list,
    "counter_not_as_listed": counter_not_as_listed,
    "path_outside_the_folder": path_outside_the_folder,
    "manifest_not_json": not_json,
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_a_bad_publication_is_refused_naming_it_and_out_is_unchanged(
    country: Country, tmp_path: Path, defect: str
) -> None:
    out = tmp_path / "out"
    shutil.copytree(country.out, out)
    before = tree(out)
    bad = tmp_path / "B"
    shutil.copytree(country.centres["B"].publication, bad)
    expected = DEFECTS[defect](bad)
    sources = [country.centres["A"].publication, bad, country.centres["C"].publication]
    result = run_ehcard(
        "directory", "build", *[a for s in sources for a in ("--from", str(s))],
        "--trust", str(country.trust_file), "--root-key", str(country.root_public),
        "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert str(bad) in result.output
    assert tree(out) == before


def test_a_rolled_back_publication_is_refused(country: Country, tmp_path: Path) -> None:
    centre = country.centres["A"]
    older = tmp_path / "A-older"
    shutil.copytree(centre.publication, older)
    card = centre.unrevoked(before=datetime.now(UTC).date())
    country.revoke_and_publish("A", card, Reason.REISSUED)
    before = tree(country.out)
    result = run_ehcard(
        "directory", "build", "--from", str(older), "--from", str(country.centres["B"].publication),
        "--trust", str(country.trust_file), "--root-key", str(country.root_public),
        "--out", str(country.out),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "rolled_back" in result.output and str(older) in result.output
    assert tree(country.out) == before


def test_a_trust_list_signed_by_another_root_is_refused(country: Country, tmp_path: Path) -> None:
    other = tmp_path / "other.pub"
    save_public_key(PrivateKey.generate().public, other)
    before = tree(country.out)
    result = run_ehcard(
        "directory", "build", "--from", str(country.centres["A"].publication),
        "--trust", str(country.trust_file), "--root-key", str(other), "--out", str(country.out),
    )  # fmt: skip
    assert result.exit_code == 2 and "trust list refused" in result.output
    assert tree(country.out) == before


def test_nginx_serves_the_directory_with_its_cache_and_cors_headers(country: Country) -> None:
    base = country.directory_url
    index = requests.get(f"{base}index.json", timeout=10)
    assert index.status_code == 200
    assert index.headers["Content-Type"].startswith("application/json")
    assert index.headers["Cache-Control"] == "no-cache"
    assert index.headers["Access-Control-Allow-Origin"] == "*"
    etag = index.headers["ETag"]
    again = requests.get(f"{base}index.json", headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    trust = requests.get(f"{base}trust.cbor", timeout=10)
    assert trust.status_code == 200 and trust.content == country.trust_file.read_bytes()
    assert trust.headers["Cache-Control"] == "no-cache"
    assert trust.headers["Content-Type"] == "application/cbor"
    assert "ETag" in trust.headers
    issuers = index.json()["issuers"]
    for entry in issuers.values():
        item = requests.get(f"{base}{entry['filter']['path']}", timeout=10)
        assert item.status_code == 200
        assert hashlib.sha256(item.content).hexdigest() == entry["filter"]["sha256"]
        assert item.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert item.headers["Access-Control-Allow-Origin"] == "*"
        assert item.headers["Content-Type"] == "application/cbor"
        revalidated = requests.get(
            f"{base}{entry['filter']['path']}",
            headers={"If-None-Match": item.headers["ETag"]},
            timeout=10,
        )
        assert revalidated.status_code == 304
    assert requests.get(f"{base}publication.json", timeout=10).status_code == 404
    assert requests.post(f"{base}index.json", timeout=10).status_code == 405
