"""Key rotation, compromised keys and the offline root: which cards verify afterwards."""

from __future__ import annotations

import base64
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from cards.errors import UnknownIssuer
from kiosk.db import session_scope
from kiosk.domain.keys import trust_admin
from kiosk.domain.keys.keyring import paths
from kiosk.models.audit import AuditRow
from signing.errors import SignedListError
from signing.keys import PrivateKey, load_private_key
from signing.trust import KeyStatus, TrustList, load_trust_list, sign_trust_body
from signing.verifier import Verifier
from tests.kiosk.staff.support import issue, services_of, today


def verifier_at(trust: TrustList, days_ahead: int = 0) -> Verifier:
    moment = datetime.now(UTC) + timedelta(days=days_ahead)
    return Verifier(trust_list=trust, clock=lambda: moment)


def rotate(app: Flask) -> trust_admin.KeyChange:
    services = services_of(app)
    with session_scope(services.sessions) as session:
        change = trust_admin.rotate(session, services.settings, actor="user:1", today=today())
    services.refresh_keyring()
    return change


def actions(app: Flask) -> list[str]:
    with session_scope(services_of(app).sessions) as session:
        return list(session.scalars(select(AuditRow.action).order_by(AuditRow.id)))


def test_cards_signed_before_and_after_a_rotation_both_verify(app: Flask) -> None:
    before = issue(app)
    old_kid = services_of(app).keyring.issuer_key.kid
    change = rotate(app)
    after = issue(app)
    keyring = services_of(app).keyring
    assert change.installed and keyring.issuer_key.kid == change.kid != old_kid
    [old_entry] = keyring.trust_list.keys_for(old_kid)
    assert (old_entry.status, old_entry.status_since) == (KeyStatus.RETIRED, today())
    for days in (0, 400):
        verifier = verifier_at(keyring.trust_list, days)
        assert verifier.verify(before.qr_text).issuer.kid == old_kid
        assert verifier.verify(after.qr_text).issuer.kid == change.kid
    assert actions(app) == ["key.rotate", "trust.sign"]


def test_a_card_of_a_compromised_key_no_longer_verifies(app: Flask) -> None:
    services = services_of(app)
    victim = issue(app)
    compromised = services.keyring.issuer_key.kid
    with session_scope(services.sessions) as session:
        trust_admin.mark_compromised(
            session, services.settings, compromised, actor="user:1", today=today()
        )
    services.refresh_keyring()
    replacement = issue(app)
    verifier = verifier_at(services.keyring.trust_list)
    with pytest.raises(UnknownIssuer) as caught:
        verifier.verify(victim.qr_text)
    assert (caught.value.status, caught.value.code) == ("unknown_issuer", "key_compromised")
    assert verifier.verify(replacement.qr_text).issuer.kid != compromised
    assert "key.compromised" in actions(app)


def test_marking_an_unknown_key_is_refused(app: Flask) -> None:
    services = services_of(app)
    with session_scope(services.sessions) as session, pytest.raises(
        trust_admin.TrustAdminError, match="no key 0011223344556677 in the trust list"
    ):
        trust_admin.mark_compromised(
            session, services.settings, bytes.fromhex("0011223344556677"), actor="x",
            today=today(),
        )  # fmt: skip


def _offline_root(app: Flask, folder: Path) -> Path:
    """Move the root key off this instance, as production keeps it."""
    root = paths(services_of(app).settings)["root_key"]
    moved = folder / "root.key"
    shutil.move(root, moved)
    return moved


def test_with_an_offline_root_a_rotation_waits_for_the_signed_list(
    app: Flask, tmp_path: Path
) -> None:
    services = services_of(app)
    root_key = _offline_root(app, tmp_path)
    installed = services.keyring.trust_document
    old_kid = services.keyring.issuer_key.kid
    change = rotate(app)
    assert not change.installed
    assert services.keyring.trust_document == installed
    assert issue(app).card and services.keyring.issuer_key.kid == old_kid
    with session_scope(services.sessions) as session:
        body = trust_admin.export_unsigned(session, services.settings, actor="cli")
    signed = sign_trust_body(body, load_private_key(root_key))
    with session_scope(services.sessions) as session:
        result = trust_admin.import_signed(session, services.settings, signed, actor="cli")
    services.refresh_keyring()
    assert (result.sequence, result.new_issuer) == (change.sequence, change.kid)
    assert services.keyring.issuer_key.kid == change.kid
    assert trust_admin.pending_trust_list(services.settings) is None
    assert actions(app)[-3:] == ["key.rotate", "trust.export", "trust.import"]


def test_an_import_signed_by_another_root_is_refused(app: Flask, tmp_path: Path) -> None:
    services = services_of(app)
    _offline_root(app, tmp_path)
    rotate(app)
    with session_scope(services.sessions) as session:
        body = trust_admin.export_unsigned(session, services.settings, actor="cli")
    forged = sign_trust_body(body, PrivateKey.generate())
    with session_scope(services.sessions) as session, pytest.raises(
        SignedListError, match="trust list is not signed by the expected key"
    ):
        trust_admin.import_signed(session, services.settings, forged, actor="cli")


def test_an_older_or_same_trust_list_is_not_installed(app: Flask) -> None:
    services = services_of(app)
    with session_scope(services.sessions) as session, pytest.raises(
        trust_admin.TrustAdminError, match="trust list 1 is not newer than the installed 1"
    ):
        trust_admin.import_signed(
            session, services.settings, services.keyring.trust_document, actor="cli"
        )


def test_nothing_to_export_when_no_change_waits(app: Flask) -> None:
    services = services_of(app)
    with session_scope(services.sessions) as session, pytest.raises(
        trust_admin.TrustAdminError, match="no trust list change waits for a signature"
    ):
        trust_admin.export_unsigned(session, services.settings, actor="cli")


def test_a_running_server_publishes_a_rotation_made_elsewhere(
    app: Flask, live_server: str
) -> None:
    before = requests.get(f"{live_server}/api/trust.json", timeout=10).json()
    change = rotate(app)
    after = requests.get(f"{live_server}/api/trust.json", timeout=10).json()
    assert after["sequence"] == before["sequence"] + 1
    assert [e["status"] for e in after["entries"]] == ["retired", "active"]
    assert after["entries"][1]["kid"] == change.kid.hex()
    signed = base64.b64decode(after["signed"])
    assert load_trust_list(signed, [services_of(app).keyring.root_public_key]).sequence == (
        after["sequence"]
    )
