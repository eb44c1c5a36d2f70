"""Schemathesis over /openapi.json, in-process: no 5xx, and every reply matches the schema.

Every default check runs except "schema-valid data is accepted": some refusals cannot be
written in a static schema (a prompt over the configured length, or of whitespace only, or
with more than 256 words and symbols), and those are rightly 422 (400 under /v1/).
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.openapi import from_asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance


@pytest.fixture
def api_schema(app: FastAPI) -> schemathesis.BaseSchema:
    return from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
