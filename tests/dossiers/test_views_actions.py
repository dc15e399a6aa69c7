"""The actions on a dossier's page, as the officers use them: each is offered only to whom may
take it, posts to its own address with the version of the page, and answers with a message
(done; not possible now; changed meanwhile), a 403 page (not yours to do) or the form again with
its errors. Dossiers of procedure 1.012767 (8 working days): receive → appraise (vpdk-dk) →
tax office → appraise → review (head of vpdk-dk) → approve (head of vpdk) → return (desk)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.models import Action, Dossier, DossierEvent, DossierFile, ReturnMethod, Status
from motcua.org.models import User
from tests.dossiers.conftest import TUESDAY_9AM, VN

CHANGED = "Hồ sơ vừa được người khác cập nhật"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def who(username: str) -> User:
    return User.objects.get(username=username)


def later(hours: int) -> dt.datetime:
    return TUESDAY_9AM + dt.timedelta(hours=hours)


def forward(dossier: Dossier, username: str, hours: int) -> Dossier:
    return services.forward(actor=who(username), dossier=dossier, at=later(hours))


#: How to bring a freshly accepted dossier (at its first appraisal) to a state, at past moments.
STATES = {
    "appraise": lambda d: d,
    "consult": lambda d: forward(d, "chuyenvien2", 1),
    "approve": lambda d: forward(forward(forward(forward(d, "chuyenvien2", 1), "chuyenvien2", 2),
                                         "chuyenvien2", 3), "truongdk", 4),
    "ready": lambda d: services.approve(actor=who("truongphong"), dossier=STATES["approve"](d), at=later(5)),
    "returned": lambda d: services.return_result(actor=who("motcua"), dossier=STATES["ready"](d),
                                                 method=ReturnMethod.DESK, received_by="Nguyễn Thị Lan",
                                                 at=later(6)),
    "awaiting": lambda d: services.request_supplement(actor=who("chuyenvien2"), dossier=d,
                                                      items=["Bản sao sổ hộ khẩu"], at=later(1)),
    "paused": lambda d: services.pause(actor=who("chuyenvien2"), dossier=d, reason="Nộp lệ phí trước bạ",
                                       at=later(1)),
}


def _pdf(name: str = "ket-qua.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def _working_day_ahead() -> dt.date:
    """A weekday about two weeks ahead (no holiday near in the demo calendar)."""
    day = timezone.localdate() + dt.timedelta(days=10)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _new_due() -> dict[str, str]:
    return {"new_date": _working_day_ahead().isoformat(), "new_time": "16:30",
            "reason": "Chờ ý kiến của cơ quan thuế"}


# action: (state it is possible in, who takes it, what they post, the status after, a state where
#          it is not possible and who tries it there, someone who sees the dossier but may not)
SCENARIOS = {
    Action.FORWARD: ("appraise", "chuyenvien2", lambda: {"note": "Đủ điều kiện"}, Status.PROCESSING,
                     ("ready", "chuyenvien2"), "motcua"),
    Action.APPROVE: ("approve", "truongphong", lambda: {"note": "Đồng ý", "files": _pdf()}, Status.READY,
                     ("paused", "truongphong"), "truongdk"),
    Action.ASSIGN: ("appraise", "truongdk", lambda: {"assignee": who("chuyenvien2").pk}, Status.PROCESSING,
                    ("returned", "truongdk"), "chuyenvien2"),
    Action.SEND_BACK: ("consult", "truongdk", lambda: {"note": "Thiếu trích lục bản đồ"}, Status.PROCESSING,
                       ("paused", "truongdk"), "chuyenvien2"),
    Action.REJECT: ("appraise", "truongdk", lambda: {"reason": "Đất đang có tranh chấp"}, Status.READY,
                    ("ready", "truongdk"), "chuyenvien2"),
    Action.REQUEST_SUPPLEMENT: ("appraise", "chuyenvien2",
                                lambda: {"items": "Bản sao sổ hộ khẩu\nTrích lục thửa đất", "note": ""},
                                Status.AWAITING_SUPPLEMENT, ("awaiting", "chuyenvien2"), "motcua"),
    Action.RECEIVE_SUPPLEMENT: ("awaiting", "motcua", lambda: {"note": "Đã nhận đủ"}, Status.PROCESSING,
                                ("appraise", "motcua"), "chuyenvien2"),
    Action.PAUSE: ("appraise", "chuyenvien2", lambda: {"reason": "Nộp lệ phí trước bạ"}, Status.PAUSED,
                   ("paused", "chuyenvien2"), "cchc"),
    Action.RESUME: ("paused", "chuyenvien2", lambda: {"note": "Đã nộp lệ phí"}, Status.PROCESSING,
                    ("appraise", "chuyenvien2"), "cchc"),
    Action.APOLOGIZE: ("appraise", "truongdk", _new_due, Status.PROCESSING,
                       ("paused", "truongdk"), "chuyenvien2"),
    Action.RETURN: ("ready", "motcua", lambda: {"method": "desk", "received_by": "Nguyễn Thị Lan"},
                    Status.RETURNED, ("appraise", "motcua"), "truongdk"),
    Action.WITHDRAW: ("appraise", "motcua", lambda: {"reason": "Người nộp xin rút hồ sơ"}, Status.WITHDRAWN,
                      ("returned", "motcua"), "chuyenvien2"),
    Action.CANCEL: ("appraise", "lanhdao", lambda: {"reason": "Tiếp nhận nhầm thủ tục"}, Status.CANCELLED,
                    ("returned", "lanhdao"), "truongdk"),
    Action.ATTACH: ("appraise", "chuyenvien2", lambda: {"files": _pdf("bien-ban.pdf"), "kind": "other"},
                    Status.PROCESSING, ("returned", "chuyenvien2"), "cchc"),
}


def _in_state(accepted, state: str) -> Dossier:
    dossier = STATES[state](accepted())
    return Dossier.objects.get(pk=dossier.pk)


def _post(client, dossier: Dossier, action: str, data: dict, *, version: int | None = None, **kwargs):
    payload = {f"{action}-{k}": v for k, v in data.items()}
    payload[f"{action}-version"] = dossier.lock_version if version is None else version
    return client.post(reverse(f"dossiers:{action}", args=[dossier.code]), payload, **kwargs)


def _messages(response, level: str = "") -> list[str]:
    return [str(m) for m in response.context["messages"] if not level or m.level_tag == level]


def _events(dossier: Dossier) -> int:
    return DossierEvent.objects.filter(dossier=dossier).count()


def _done(action, accepted, login) -> None:
    """Offered to whom may take it, and done: a message, the new status, the event."""
    state, username, data, after, _wrong_state, _wrong_person = SCENARIOS[action]
    dossier = _in_state(accepted, state)
    client = login(username)
    page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert reverse(f"dossiers:{action}", args=[dossier.code]) in page  # offered on the page
    events = _events(dossier)

    response = _post(client, dossier, action, data(), follow=True)

    assert response.redirect_chain[-1][0] == reverse("dossiers:detail", args=[dossier.code])
    assert response.status_code == 200
    assert len(_messages(response, "success")) == 1
    dossier.refresh_from_db()
    assert dossier.status == after
    last = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    assert _events(dossier) == events + 1 and last.action == action
    assert last.actor.username == username


def _refused(action, accepted, login) -> None:
    """Not possible in this state: not offered; if posted anyway, a message and no change."""
    _state, _username, data, _after, (state, username), _wrong_person = SCENARIOS[action]
    dossier = _in_state(accepted, state)
    client = login(username)
    events, status = _events(dossier), dossier.status
    page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert reverse(f"dossiers:{action}", args=[dossier.code]) not in page

    response = _post(client, dossier, action, data(), follow=True)

    assert response.redirect_chain[-1][0] == reverse("dossiers:detail", args=[dossier.code])
    shown = _messages(response)
    assert len(shown) == 1 and CHANGED not in shown[0]
    assert _messages(response, "error") == shown
    dossier.refresh_from_db()
    assert dossier.status == status and _events(dossier) == events


def _forbidden(action, accepted, login) -> None:
    """Someone who sees the dossier but may not take the action gets the 403 page."""
    state, _username, data, _after, _wrong_state, intruder = SCENARIOS[action]
    dossier = _in_state(accepted, state)
    client = login(intruder)
    assert client.get(reverse("dossiers:detail", args=[dossier.code])).status_code == 200  # they see it
    events = _events(dossier)

    response = _post(client, dossier, action, data())

    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()
    assert _events(dossier) == events


def _stale(action, accepted, login) -> None:
    """A page from before someone else's change: “already changed”, and nothing done."""
    state, username, data, _after, _wrong_state, _wrong_person = SCENARIOS[action]
    dossier = _in_state(accepted, state)
    client = login(username)
    seen = dossier.lock_version
    other = "lanhdao" if username == "motcua" else "motcua"  # meanwhile attaches a file
    services.attach_files(actor=who(other), dossier=dossier, files=[services_file()])
    events, status = _events(dossier), Dossier.objects.get(pk=dossier.pk).status

    response = _post(client, dossier, action, data(), version=seen, follow=True)

    assert response.redirect_chain[-1][0] == reverse("dossiers:detail", args=[dossier.code])
    assert any(CHANGED in m for m in _messages(response, "error"))
    assert _events(dossier) == events
    assert Dossier.objects.get(pk=dossier.pk).status == status


@pytest.mark.parametrize("action", SCENARIOS)
def test_each_action_is_done_refused_in_a_wrong_state_forbidden_to_others_and_stale_safe(
        action, accepted, login):
    _done(action, accepted, login)
    _refused(action, accepted, login)
    _forbidden(action, accepted, login)
    _stale(action, accepted, login)


def services_file():
    from motcua.common.uploads import check_upload

    return check_upload(_pdf("them.pdf"))


def test_only_the_actions_the_viewer_may_take_are_on_the_page(accepted, login):
    dossier = accepted()
    page = login("chuyenvien2").get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    offered = set(re.findall(rf'action="/ho-so/{re.escape(dossier.code)}/([a-z-]+)/"', page))
    assert offered == {"chuyen-buoc", "yeu-cau-bo-sung", "tam-dung", "dinh-kem"}
    desk = login("motcua").get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    offered = set(re.findall(rf'action="/ho-so/{re.escape(dossier.code)}/([a-z-]+)/"', desk))
    assert offered == {"tam-dung", "dung-giai-quyet", "dinh-kem"}


def test_a_reason_left_empty_is_asked_for_next_to_its_field(accepted, login):
    dossier = accepted()
    response = _post(login("truongdk"), dossier, Action.REJECT, {"reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'<details[^>]* open id="action-reject"', html)  # the form stays open
    assert re.search(r'id="id_reject-reason_error">\s*<div>[^<]+</div>', html)
    assert _events(dossier) == 1


def test_an_apology_date_before_the_due_moment_is_refused_next_to_the_date(accepted, login):
    dossier = accepted()
    day = dossier.due_at.astimezone(VN).date() - dt.timedelta(days=1)
    response = _post(login("truongdk"), dossier, Action.APOLOGIZE,
                     {"new_date": day.isoformat(), "new_time": "10:00", "reason": "Chậm"})
    assert response.status_code == 400
    assert "Ngày hẹn mới phải sau hạn hiện tại" in response.content.decode()
    assert _events(dossier) == 1


def test_the_apology_moves_the_appointment_and_the_dossier_stays_late(accepted, login):
    dossier = accepted()
    original = dossier.original_due_at
    _post(login("truongdk"), dossier, Action.APOLOGIZE, _new_due())
    dossier.refresh_from_db()
    wanted = dt.datetime.combine(_working_day_ahead(), dt.time(16, 30), tzinfo=VN)
    assert dossier.due_at == wanted and dossier.original_due_at == original and dossier.apologized


def test_forwarding_may_include_the_optional_field_inspection(accepted, login):
    dossier = accepted("1.004227")
    dossier = services.forward(actor=who("truongphong"), dossier=dossier, at=later(1))  # assignment done
    client = login("chuyenvien2")
    page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "Thực hiện cả bước “Kiểm tra hiện trạng sử dụng đất tại thực địa”" in page

    _post(client, dossier, Action.FORWARD, {"note": "", "include_optional": "on"})

    active = list(dossier.steps.filter(status="active").values_list("name", flat=True))
    assert active == ["Kiểm tra hiện trạng sử dụng đất tại thực địa"]


def test_a_head_assigns_an_officer_of_the_unit_and_a_leader_may_move_the_step(accepted, login):
    dossier = accepted()
    page = login("truongdk").get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "Huỳnh Tấn Phát — Phòng Đăng ký và Cấp giấy chứng nhận" in page  # chuyenvien2
    assert "Võ Thị Ngọc Hân" not in page  # a specialist of another unit
    leader = login("lanhdao")
    page = leader.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert 'name="assign-unit"' in page
    other = who("chuyenvien").positions.get().unit  # vpdk
    response = _post(leader, dossier, Action.ASSIGN, {"unit": other.pk, "note": "Chuyển Văn phòng xử lý"})
    assert response.status_code == 302
    step = dossier.steps.get(status="active")
    assert step.unit == other and step.assignee is None


def test_the_result_file_attached_at_approval_is_downloaded_by_the_desk(accepted, login):
    dossier = _in_state(accepted, "approve")
    _post(login("truongphong"), dossier, Action.APPROVE, {"note": "", "files": _pdf("giay-chung-nhan.pdf")})
    result = DossierFile.objects.get(dossier=dossier, kind="result")
    response = login("motcua").get(reverse("dossiers:file", args=[dossier.code, result.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
