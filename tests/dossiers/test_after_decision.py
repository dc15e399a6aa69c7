"""Once the leader has approved, the decision stands: the steps after it (e.g. printing the
certificate) go on, but nobody can reject, send back, ask for a supplement or withdraw. Also:
who may be given a leader's step, how far ahead an apology may set the new appointment, and the
hand-overs the process-control slip must show."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from motcua.dossiers import selectors
from motcua.dossiers.models import Action, Outcome, Status
from motcua.dossiers.services import (
    apologize,
    approve,
    assign_step,
    forward,
    reject,
    request_supplement,
    return_result,
    send_back,
    withdraw,
)
from motcua.dossiers.workflow import ActionRefused
from tests.dossiers.lifecycle import fresh, nov, user


@pytest.fixture
def approved(accepted):
    """1.012770: appraisal (vpdk-dk) → review (head of vpdk-dk) → approval (head of vpdk) →
    printing by vpdk-dk → return. Approved, now at the printing step."""
    d = accepted("1.012770", at=nov(10, 9))
    d = forward(actor=user("chuyenvien2"), dossier=d, at=nov(10, 10))
    d = forward(actor=user("truongdk"), dossier=d, at=nov(10, 11))
    d = approve(actor=user("truongphong"), dossier=d, at=nov(11, 9))
    assert (d.status, d.outcome) == (Status.PROCESSING, Outcome.GRANTED)
    return d


def test_after_approval_the_decision_cannot_be_reversed_or_withdrawn(approved):
    for act in (
        lambda: reject(actor=user("truongdk"), dossier=approved, reason="Đổi ý", at=nov(11, 10)),
        lambda: withdraw(actor=user("motcua"), dossier=approved, reason="Người nộp xin rút", at=nov(11, 10)),
        lambda: request_supplement(actor=user("chuyenvien2"), dossier=approved, items=["Bản vẽ"],
                                   at=nov(11, 10)),
        lambda: send_back(actor=user("truongdk"), dossier=approved, note="Xem lại", at=nov(11, 10)),
    ):
        with pytest.raises(ActionRefused, match="đã có quyết định"):
            act()
    assert fresh(approved).outcome == Outcome.GRANTED
    for username in ("motcua", "truongdk", "chuyenvien2"):
        offered = selectors.available_actions(user(username), fresh(approved))
        reversing = {Action.REJECT, Action.WITHDRAW, Action.REQUEST_SUPPLEMENT, Action.SEND_BACK}
        assert not reversing & set(offered)
    # The printing step still goes on to the desk.
    d = forward(actor=user("chuyenvien2"), dossier=approved, at=nov(11, 14))
    assert d.status == Status.READY


def test_a_leaders_step_is_not_given_to_a_specialist(accepted):
    d = accepted("1.012770", at=nov(10, 9))
    d = forward(actor=user("chuyenvien2"), dossier=d, at=nov(10, 10))  # now at the head's review
    with pytest.raises(ActionRefused, match="dành cho lãnh đạo"):
        assign_step(actor=user("truongphong"), dossier=d, assignee=user("chuyenvien2"), at=nov(10, 11))


def test_a_new_appointment_more_than_a_year_ahead_is_refused(accepted):
    d = accepted("1.012767", at=nov(10, 9))
    with pytest.raises(ValidationError) as error:
        apologize(actor=user("truongdk"), dossier=d, reason="Chậm", at=nov(19, 10),
                  new_due_at=nov(19, 10).replace(year=2030))
    assert "quá một năm" in error.value.message_dict["new_due_at"][0]


def test_the_slip_shows_a_parallel_step_finished_alone_and_the_result_handed_to_the_applicant(approved):
    d = forward(actor=user("chuyenvien2"), dossier=approved, at=nov(11, 14))
    d = return_result(actor=user("motcua"), dossier=d, method="desk", received_by="Nguyễn Thị Lan",
                      at=nov(12, 9))
    rows = selectors.control_slip(selectors.dossier_for(user("motcua"), d.code))
    last = rows[-1]
    assert (last.giver_unit, last.receiver) == (d.receiving_unit.name, "Nguyễn Thị Lan")


def test_a_parallel_consultation_answered_first_has_its_own_row(accepted):
    d = accepted("1.004227", at=nov(10, 9))
    d = forward(actor=user("truongphong"), dossier=d, at=nov(10, 10))   # assignment (head of vpdk)
    d = forward(actor=user("chuyenvien2"), dossier=d, at=nov(11, 9))    # appraisal → consultations
    consultations = [s for s in selectors.steps_of(d) if s.status == "active"]
    assert len(consultations) == 2
    first = consultations[0]
    forward(actor=user("chuyenvien2"), dossier=d, step=first.pk, at=nov(12, 9))
    rows = selectors.control_slip(selectors.dossier_for(user("motcua"), d.code))
    assert any(r.step == first.name and r.step_done is not None for r in rows)
