"""Every operation of the OpenAPI schema, fuzzed by schemathesis: no server errors, and every
response matches what the schema documents."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from motcua.api.tokens import create_api_token
from motcua.org.demo import load_demo

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def api_schema(db):
    from motcua.wsgi import application

    load_demo()
    from motcua.org.models import User

    _, raw = create_api_token(actor=None, user=User.objects.get(username="truongphong"))
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    loaded.config.update(headers={"Authorization": f"Bearer {raw}"})
    return loaded


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    case.call_and_validate()
