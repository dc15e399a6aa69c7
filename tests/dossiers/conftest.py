from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers.filing import ApplicantData, Filing
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import accept_dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
#: A Tuesday morning in office hours, no holiday near (10/11/2026).
TUESDAY_9AM = dt.datetime(2026, 11, 10, 9, 0, tzinfo=VN)


def applicant(**overrides) -> ApplicantData:
    data = {"name": "Nguyễn Thị Lan", "id_number": "092190001234", "phone": "0912345678",
            "email": "lan@example.vn", "address": "12 Mậu Thân, Ninh Kiều, Cần Thơ"}
    data.update(overrides)
    return ApplicantData(**data)


def filing_for(procedure: Procedure, *, mandatory_only: bool = True, **overrides) -> Filing:
    docs = procedure.current.documents.all()
    ids = [d.pk for d in docs if d.mandatory or not mandatory_only]
    values = {"procedure": procedure, "channel": "direct", "applicant": applicant(),
              "documents_received": ids}
    values.update(overrides)
    return Filing(**values)


@pytest.fixture
def procedure(catalogue) -> Callable[[str], Procedure]:
    def get(code: str) -> Procedure:
        return Procedure.objects.select_related("current", "agency").get(agency=catalogue, national_code=code)

    return get


@pytest.fixture
def accepted(procedure, staff) -> Callable[..., Dossier]:
    """Accept a dossier for procedure ``code`` at the desk (as ``motcua``), at ``at``."""

    def accept(code: str = "1.012767", at: dt.datetime = TUESDAY_9AM, **overrides) -> Dossier:
        return accept_dossier(actor=staff("motcua"), filing=filing_for(procedure(code), **overrides), at=at)

    return accept
