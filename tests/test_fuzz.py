"""Schemathesis generates requests from the OpenAPI document: no 5xx, and every answer
conforms to the document (status, content type, body schema)."""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

from factdb import create_app


def _openapi_document() -> dict[str, Any]:
    # Building the document touches no database; the requests go to the seeded app.
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert isinstance(document, dict)
    return document


schema = schemathesis.openapi.from_dict(_openapi_document())


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_errors_and_answers_match_the_document(
    case: schemathesis.Case, app: Flask
) -> None:
    # Valid-by-the-document values may still name nothing ("speaker=0"): a 400 with
    # suggestions is this API's answer there, so schema-valid data may be refused.
    case.call_and_validate(app=app, excluded_checks=[schemathesis.checks.positive_data_acceptance])
