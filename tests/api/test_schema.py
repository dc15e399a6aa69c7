"""Every operation of the OpenAPI schema, fuzzed by schemathesis: no server errors, and every
response matches what the schema documents. The dossier operations act on real demo dossiers,
each in a state where its action can succeed."""

import zlib
from collections.abc import Callable

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from pydantic import BaseModel
from schemathesis.specs.openapi.checks import positive_data_acceptance

from motcua.api.main import api
from motcua.api.tokens import create_api_token
from motcua.catalog.demo import load_demo_catalogue
from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.filing import ApplicantData, Filing
from motcua.org.demo import load_demo
from motcua.org.models import Role, Unit, User
from motcua.org.services import assign_position

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def api_schema(db):
    from motcua.wsgi import application

    # Requests (the schema itself first) go straight to the WSGI application, inside the test's
    # transaction: keep Django from closing that connection after each request, as its own test
    # client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    agency = load_demo()[0]
    load_demo_catalogue(agency)
    # The caller heads vpdk and also serves at the desk, so that every dossier action (accepting,
    # handling the steps of 1.012767, approving, returning) is open to them somewhere.
    caller = User.objects.get(username="truongphong")
    assign_position(actor=User.objects.get(username="admin"), user=caller,
                    unit=Unit.objects.get(agency=agency, code="mot-cua"), role=Role.DESK_OFFICER)
    _, raw = create_api_token(actor=None, user=caller)
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    loaded.config.update(headers={"Authorization": f"Bearer {raw}"})
    yield loaded
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _forward(dossier, *usernames):
    for username in usernames:
        dossier = services.forward(actor=User.objects.get(username=username), dossier=dossier)
    return dossier


#: How to bring a new dossier of 1.012767 to where each action can be taken.
PREPARE: dict[str, Callable] = {
    "send_back": lambda d: _forward(d, "chuyenvien2"),
    "approve": lambda d: _forward(d, "chuyenvien2", "chuyenvien2", "chuyenvien2", "truongdk"),
    "return": lambda d: services.approve(actor=User.objects.get(username="truongphong"), dossier=_forward(
        d, "chuyenvien2", "chuyenvien2", "chuyenvien2", "truongdk")),
    "receive_supplement": lambda d: services.request_supplement(
        actor=User.objects.get(username="chuyenvien2"), dossier=d, items=["Tờ khai lệ phí trước bạ"]),
    "resume": lambda d: services.pause(actor=User.objects.get(username="motcua"), dossier=d,
                                       reason="Nộp lệ phí trước bạ"),
}


@pytest.fixture
def dossier_for_operation(api_schema) -> Callable[[str], str]:
    """The code of a demo dossier made for one operation (the first time it asks)."""
    made: dict[str, str] = {}
    procedure = Procedure.objects.select_related("agency", "current").get(national_code="1.012767")

    def code(path: str) -> str:
        action = path.rsplit("/", 1)[-1] if "/actions/" in path else "read"
        if action not in made:
            filing = Filing(
                procedure=procedure, channel="direct",
                applicant=ApplicantData(name="Trần Văn Bình", id_number="092190004321", phone="0987654321"),
                documents_received=[d.pk for d in procedure.current.documents.all() if d.mandatory])
            dossier = services.accept_dossier(actor=User.objects.get(username="motcua"), filing=filing)
            made[action] = PREPARE.get(action, lambda d: d)(dossier).code
        return made[action]

    return code


def refused_only_by_rules(ctx, response, case):
    """Data the schema calls valid is never refused for its shape. The dossier operations may
    still refuse it by the rules of the procedure (a mandatory document missing, an apology date
    before the due moment, an officer of another unit): 422 with the rule's message."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    detail = response.json().get("detail", "")
    assert not detail.startswith("Dữ liệu gửi lên không hợp lệ"), f"schema-valid data refused: {detail}"
    return None


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, dossier_for_operation):
    # The caller's token, named as such: a case that also carries a generated Authorization header
    # (the configured one replaces it when sent) is otherwise judged "succeeding without valid auth".
    headers = case.operation.schema.config.headers_for(operation=case.operation)
    path = case.operation.path
    if not path.startswith("/api/v1/dossiers"):
        case.call_and_validate(headers=headers)
        return
    if "{code}" in path:
        generated = str(case.path_parameters.get("code", ""))
        if zlib.crc32(generated.encode()) % 4:  # most cases on a real dossier, some on made-up codes
            case.path_parameters["code"] = dossier_for_operation(path)
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance],
                           additional_checks=[refused_only_by_rules])


# -- the schema's own shape --------------------------------------------------------------------------
def _operations():
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_its_errors(db):
    missing = []
    for path, method, operation in _operations():
        documented = {str(status) for status in operation["responses"]}
        needed = set()
        if operation.get("security"):
            needed.add("401")
        if operation.get("parameters") or operation.get("requestBody"):
            needed.add("400")  # a NUL character, or a body that is not JSON
        if [p for p in operation.get("parameters", []) if p["in"] != "path"] or operation.get("requestBody"):
            needed.add("422")
        if "{" in path:
            needed.add("404")
        if "/actions/" in path:
            needed |= {"403", "409"}
        if path.endswith("/dossiers") and method == "post":
            needed |= {"200", "201", "403"}
        if needed - documented:
            missing.append((method.upper(), path, sorted(needed - documented)))
    assert not missing


def _models(annotation, seen: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
    for argument in getattr(annotation, "__args__", ()) or ():
        _models(argument, seen)


def test_component_names_are_unique_across_routers():
    """django-ninja files components by class name: two schemas of one name would silently
    replace each other in the published document."""
    seen: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.response_models.values(), *operation.models]:
                    _models(model, seen)
    by_name: dict[str, set] = {}
    for model in seen:
        if not model.__name__.startswith("Ninja") and model.__module__.startswith("motcua"):
            by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    assert {name: places for name, places in by_name.items() if len(places) > 1} == {}
    assert "DossierOut" in by_name and "DeadlineOut" in by_name
