"""Every operation of the OpenAPI schema, fuzzed by schemathesis: no server errors, and every
response matches what the schema documents."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from motcua.api.tokens import create_api_token
from motcua.catalog.demo import load_demo_catalogue
from motcua.org.demo import load_demo
from motcua.org.models import User

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def api_schema(db):
    from motcua.wsgi import application

    # Requests (the schema itself first) go straight to the WSGI application, inside the test's
    # transaction: keep Django from closing that connection after each request, as its own test
    # client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    load_demo_catalogue(load_demo()[0])
    _, raw = create_api_token(actor=None, user=User.objects.get(username="truongphong"))
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    loaded.config.update(headers={"Authorization": f"Bearer {raw}"})
    yield loaded
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    case.call_and_validate()
