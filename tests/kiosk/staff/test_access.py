"""Every console route refuses anonymous users and wrong roles, and every form needs its token.

The routes are read from the application's URL map, so a route added later
is checked without anyone remembering to list it.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.kiosk.staff.support import Console

OPEN_ENDPOINTS = {"staff.login", "staff.static"}
SAMPLE_VALUES = {"code": "5VN77-MBDCT", "user_id": "1", "kid": "0011223344556677"}


def console_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) of every /staff route, with sample path values."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or rule.endpoint in OPEN_ENDPOINTS:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", SAMPLE_VALUES[name]).replace(
                f"<int:{name}>", SAMPLE_VALUES[name]
            )
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, path))
    return routes


def allowed_roles(path: str, endpoint: str) -> set[str]:
    if endpoint == "staff.logout":
        return {"admin", "staff", "clinician"}
    if path.startswith("/staff/admin/"):
        return {"admin"}
    return {"admin", "staff"}


def _call(console: Console, method: str, path: str, **options: object) -> int:
    if method == "GET":
        return console.get(path, **options).status_code  # type: ignore[arg-type]
    return console.post(path, {}, **options).status_code  # type: ignore[arg-type]


def test_the_console_has_the_routes_this_test_expects(console_app: Flask) -> None:
    endpoints = {endpoint for endpoint, _, _ in console_routes(console_app)}
    assert {"staff.home", "staff.card", "staff.revoke", "staff.reissue", "staff.users",
            "staff.keys", "staff.audit_log"} <= endpoints  # fmt: skip


def test_anonymous_visitors_are_sent_to_sign_in(console_app: Flask, console_url: str) -> None:
    anonymous = Console(console_url)
    for endpoint, method, path in console_routes(console_app):
        response = (
            anonymous.get(path) if method == "GET" else anonymous.post(path, {})
        )
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert response.headers["Location"].startswith("/staff/login?next="), endpoint


def test_anonymous_api_clients_get_401_json(console_app: Flask, console_url: str) -> None:
    anonymous = Console(console_url)
    for endpoint, method, path in console_routes(console_app):
        headers = {"Accept": "application/json"}
        response = (
            anonymous.get(path, headers=headers)
            if method == "GET"
            else anonymous.post(path, {}, headers=headers)
        )
        assert response.status_code == 401, endpoint
        assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize("role_user", ["staff", "clinician"])
def test_wrong_roles_are_refused_with_403(
    console_app: Flask, role_user: str, request: pytest.FixtureRequest
) -> None:
    console: Console = request.getfixturevalue(role_user)
    role = "staff" if role_user == "staff" else "clinician"
    checked = 0
    for endpoint, method, path in console_routes(console_app):
        if role in allowed_roles(path, endpoint):
            continue
        assert _call(console, method, path) == 403, (role, endpoint, method)
        checked += 1
    assert checked >= 10


def test_posts_without_a_csrf_token_fail(
    console_app: Flask, admin: Console
) -> None:
    for endpoint, method, path in console_routes(console_app):
        if method != "POST":
            continue
        response = admin.post(path, {}, csrf=False, headers={"Accept": "application/json"})
        assert response.status_code == 400, endpoint
        assert response.json() == {"error": "csrf", "message": "The CSRF token is missing."}


def test_login_form_itself_needs_its_token(console_url: str) -> None:
    response = Console(console_url).post(
        "/staff/login", {"username": "sam", "password": "x"}, csrf=False
    )
    assert response.status_code == 400
    assert "CSRF token is missing" in response.text


def test_console_pages_carry_strict_headers(staff: Console) -> None:
    headers = staff.get("/staff/").headers
    assert headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    cookie = next(c for c in staff.http.cookies if c.name == "session")
    assert cookie.has_nonstandard_attr("HttpOnly")
