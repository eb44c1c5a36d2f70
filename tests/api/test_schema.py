"""Schemathesis over /openapi.json, in-process: no 5xx, and every reply matches the schema.

Every default check runs except "schema-valid data is accepted": some refusals cannot be
written in a static schema (a prompt over the configured length, or of whitespace only, or
with more than 256 words and symbols), and those are rightly 422 (400 under /v1/).

The body limit is raised here: schemathesis expects a schema-violating body to get 4xx from a
fixed list without 413, so a generated body over 16 KiB would fail the run by chance. The
limit itself is tested in test_complete.py and test_openai.py.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.openapi import from_asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api import create_app
from engine.service import Engine
from engine.settings import Settings


@pytest.fixture
def api_schema(engine: Engine, settings: Settings) -> schemathesis.BaseSchema:
    roomy = settings.model_copy(update={"max_body_bytes": 4 * 1024 * 1024})
    return from_asgi("/openapi.json", create_app(engine, roomy, web_ui=None))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
