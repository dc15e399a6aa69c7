import pytest
from django.db import transaction

from motcua.audit.models import AuditEvent
from motcua.audit.services import AuditOutsideTransaction, record
from motcua.org.models import Unit


@pytest.mark.django_db(transaction=True)
def test_an_audit_record_outside_the_changes_transaction_is_refused(demo, staff):
    unit = Unit.objects.get(code="vpdk")
    with pytest.raises(AuditOutsideTransaction):
        record(actor=staff("admin"), action="org.unit.update", obj=unit)


def test_record_keeps_who_what_which_object_and_before_after(demo, staff):
    unit = Unit.objects.get(code="vpdk")
    with transaction.atomic():
        event = record(actor=staff("admin"), action="org.unit.update", obj=unit,
                       before={"phone": ""}, after={"phone": "0292 3820 110"})
    event.refresh_from_db()
    assert event.actor_name == "Trần Minh Khoa"
    assert (event.object_type, event.object_id) == ("org.unit", str(unit.pk))
    assert event.changes() == [("phone", "", "0292 3820 110")]
    assert event.channel == "system"


def test_changes_made_through_the_web_record_the_callers_address(demo, login):
    client = login("admin")
    client.post("/tai-khoan/", {"token-name": "kết nối"}, REMOTE_ADDR="10.1.2.3",
                HTTP_USER_AGENT="Firefox/140")
    event = AuditEvent.objects.get(action="api.token.create")
    assert event.ip_address == "10.1.2.3"
    assert event.user_agent == "Firefox/140"
    assert event.channel == "web"
