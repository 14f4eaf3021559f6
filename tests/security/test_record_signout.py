"""Finding 7: sign-out did not end a record-page session; a copied cookie read records for 8 h."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kiosk.records.conftest import issue_record
from tests.security.signin_support import PASSWORD, Browser, served


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
