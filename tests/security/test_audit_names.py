"""Finding 11: a failed kiosk clinician login wrote the typed user name into the audit chain.

A user name field often receives a password typed one field too early; the
chain keeps what it is given for ever. Every form names the account
(`user:<id>`) or `unknown`, never the text typed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.signin_support import PASSWORD, Browser, served


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_no_sign_in_form_writes_a_typed_user_name_into_the_audit_chain(
    kind: str, tmp_path: Path
) -> None:
    with served(kind, tmp_path) as site:
        clinician = site.add_account("nurse.amal", full_cost=False)
        browser = Browser(site.url)
        typed = {
            "kiosk": "Tr0ub4dor&3-kiosk",  # a password typed into the name field
            "record": "Tr0ub4dor&3-record",
            "console": "Tr0ub4dor&3-console",
        }
        assert browser.kiosk_login(typed["kiosk"], "whatever").status_code == 401
        assert browser.kiosk_login("nurse.amal", "not the password").status_code == 401
        assert Browser(site.url).record_sign_in(typed["record"], "whatever").status_code == 401
        assert Browser(site.url).console_login(typed["console"], "whatever").status_code == 200
        assert Browser(site.url).kiosk_login("nurse.amal", PASSWORD).status_code == 302
        chain = site.audit_text()
        for name in [*typed.values(), "nurse.amal"]:
            assert name not in chain
        assert chain.count("user.login_failed") == 4
        assert f"user:{clinician}" in chain and "unknown" in chain
