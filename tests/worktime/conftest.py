import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.worktime import WorkCalendar

if "DJANGO_SETTINGS_MODULE" not in os.environ:  # running with -p no:django: render in Vietnamese
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=True, LANGUAGE_CODE="vi")

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment on the Vietnamese wall clock."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    """The default calendar: holidays package + official civil-service calendar, no overrides."""
    return WorkCalendar()


@pytest.fixture(autouse=True)
def _vietnamese():
    from django.utils import translation

    with translation.override("vi"):
        yield
