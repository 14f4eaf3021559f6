"""Schema-driven tests: schemathesis generates requests from kiosk/web/api/openapi.json and
checks every answer of the real app (no server errors, documented statuses, content types
and bodies), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings

OPERATIONS = [
    "GET /healthz",
    "GET /api/trust",
    "GET /api/trust.json",
    "GET /api/revocations/{kid}",
    "POST /shl/{manifest_id}",
    "GET /shl/file/{token}",
]


def test_openapi_description_is_served(lists_app: Flask) -> None:
    response = lists_app.test_client().get("/api/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.")


@pytest.mark.parametrize("label", OPERATIONS)
def test_api_answers_conform_to_the_description(lists_app: Flask, label: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", lists_app)
    operations = {op.label: op for op in (result.ok() for result in schema.get_all_operations())}
    assert set(operations) == set(OPERATIONS)

    @given(operations[label].as_strategy())
    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_conform(case: schemathesis.Case) -> None:
        case.call_and_validate()

    answers_conform()
