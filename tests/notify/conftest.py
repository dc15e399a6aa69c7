from __future__ import annotations

import datetime as dt

import pytest

from motcua.notify.sms import LogGateway
from tests.dossiers.conftest import VN, accepted, procedure  # noqa: F401  (fixtures used here)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of November 2026 in Vietnam (10/11 is a Tuesday; no holiday in the month)."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=VN)


@pytest.fixture(autouse=True)
def _clean_sms():
    LogGateway.sent = []
    yield
    LogGateway.sent = []
