"""Finding 7: sign-out did not end a record-page session; a copied cookie read records for 8 h.

Every sign-in is now a server-side session, ended by sign-out, a change to the
account (disabled, new password) and its maximum age, whatever the cookie says.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from kiosk.cli import main
from kiosk.db import session_scope
from kiosk.domain.clock import clock_of
from kiosk.models.staff import StaffSessionRow
from tests.kiosk.records.conftest import issue_record
from tests.security.signin_support import PASSWORD, Browser, Site, served


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_cookie_copied_before_sign_out_reads_no_record_after_it(
    kind: str, tmp_path: Path
) -> None:
    with served(kind, tmp_path) as site:
        site.add_account("dr.haddad", full_cost=False)
        record = issue_record(site.app)
        clinician = Browser(site.url)
        assert clinician.record_sign_in("dr.haddad", PASSWORD).status_code == 200
        copied = Browser(site.url)
        copied.http.cookies.update(clinician.http.cookies)
        copied.token = clinician.token
        manifest = f"{record.manifest_id}/manifest"
        assert copied.record_api(manifest, {}).status_code == 200
        assert clinician.record_api("signout", {}).status_code == 200
        assert copied.record_api(manifest, {}).status_code == 401
        assert clinician.record_api(manifest, {}).status_code == 401


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_kiosk_clinician_cookie_copied_before_log_out_confirms_nothing_after(
    kind: str, tmp_path: Path
) -> None:
    with served(kind, tmp_path) as site:
        site.add_account("nurse.amal", full_cost=False)
        clinician = Browser(site.url)
        assert clinician.kiosk_login("nurse.amal", PASSWORD).status_code == 302
        copied = Browser(site.url)
        copied.http.cookies.update(clinician.http.cookies)
        assert "Clinician mode" in copied.get("/kiosk/").text
        clinician.get("/kiosk/")
        logout = clinician.http.post(
            f"{site.url}/kiosk/clinician-logout", data={"csrf_token": clinician.token},
            timeout=30, allow_redirects=False,
        )  # fmt: skip
        assert logout.status_code == 302
        assert "Clinician mode" not in copied.get("/kiosk/").text


def _record_session(site: Site) -> tuple[Browser, str]:
    site.add_account("dr.haddad", full_cost=False)
    manifest = f"{issue_record(site.app).manifest_id}/manifest"
    clinician = Browser(site.url)
    assert clinician.record_sign_in("dr.haddad", PASSWORD).status_code == 200
    assert clinician.record_api(manifest, {}).status_code == 200
    return clinician, manifest


def _ehcard(site: Site, *args: str, **env: str) -> None:
    settings = site.app.extensions["ehcard"].settings
    result = CliRunner().invoke(
        main, ["--instance", str(settings.instance), *args],
        env={"EHCARD_DATABASE_URL": settings.database_url, **env},
    )  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "command",
    [("user", "disable", "dr.haddad"), ("user", "passwd", "dr.haddad")],
    ids=["disabled", "password"],
)
def test_a_record_page_session_ends_with_its_accounts_change(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    with served("postgresql", tmp_path) as site:
        clinician, manifest = _record_session(site)
        _ehcard(site, *command, EHCARD_NEW_PASSWORD="another good password")
        assert clinician.record_api(manifest, {}).status_code == 401


def test_a_record_page_session_ends_at_its_maximum_age(tmp_path: Path) -> None:
    with served("postgresql", tmp_path) as site:
        clinician, manifest = _record_session(site)
        age = timedelta(seconds=site.app.extensions["ehcard"].settings.clinician_session_seconds)
        with session_scope(site.app.extensions["ehcard"].sessions) as session:
            started = clock_of(session).now() - age - timedelta(minutes=1)
            session.execute(update(StaffSessionRow).values(started_at=started))
        assert clinician.record_api(manifest, {}).status_code == 401
