"""Property-based API tests with schemathesis: every operation of the OpenAPI schema,
generated inputs, no server errors and responses that match the schema."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from hypothesis import HealthCheck, settings

from test_web_helpers import build, make_app

pytestmark = [pytest.mark.slow]

_tmp = Path(tempfile.mkdtemp(prefix="hs-schema-"))
_fx = build(_tmp / "schema.db")
APP = make_app(_fx, _tmp, fetch_urls=False)  # generated URLs must not reach the network
# Admin sees every collection, so generated requests reach the deepest code paths;
# token revocation is left out so the run cannot revoke its own credentials.
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP).exclude(method="DELETE")
HEADERS = {"authorization": f"Bearer {_fx.tokens['admin']}"}


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case: Any) -> None:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

    response = case.call(headers=HEADERS)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
