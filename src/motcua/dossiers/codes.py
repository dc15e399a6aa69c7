"""Dossier codes (mã số hồ sơ) and lookup secrets.

The code format is a versioned rule (RULES.md §2): a dossier keeps the format it was given.

* ``tt01_2018`` — Circular 01/2018/TT-VPCP art. 19: ``<agency identifier>-<YYMMDD>-<XXXX>``,
  XXXX the 4-digit sequence of the day of receipt (more digits only past 9,999 a day);
* ``tt04_2025`` — Circular 03/2025 art. 13(3) as added by Circular 04/2025 (from 25/01/2026):
  ``<identifier of the deciding agency>-<YYMMDD>-<AA><XXXX>``, AA two digits naming the
  system's owner (setting ``MOTCUA_DOSSIER_CODE_OWNER``), XXXX at least 4 digits.

The format in use is the setting ``MOTCUA_DOSSIER_CODE_FORMAT`` (default ``tt01_2018``; the
general 2025 clause for provincial systems is not yet confirmed, see RULES.md).

Sequence numbers come from :class:`DossierCounter` with one atomic statement (insert the day's
row or add one to it, returning the new value), so two desks accepting at the same instant get
different numbers on PostgreSQL and SQLite alike, and a number is never given twice.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from motcua.dossiers.models import DossierCounter
from motcua.org.models import Agency

#: Letters and digits that cannot be confused when read aloud or typed from paper.
SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
SECRET_LENGTH = 8


def _tt01_2018(agency: Agency, day: dt.date, number: int) -> str:
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def _tt04_2025(agency: Agency, day: dt.date, number: int) -> str:
    owner = str(getattr(settings, "MOTCUA_DOSSIER_CODE_OWNER", "00"))
    if len(owner) != 2 or not owner.isdigit():
        raise ImproperlyConfigured("MOTCUA_DOSSIER_CODE_OWNER must be two digits, e.g. 01.")
    return f"{agency.code}-{day:%y%m%d}-{owner}{number:04d}"


CODE_FORMATS: dict[str, Callable[[Agency, dt.date, int], str]] = {
    "tt01_2018": _tt01_2018,
    "tt04_2025": _tt04_2025,
}


def current_format() -> str:
    name = getattr(settings, "MOTCUA_DOSSIER_CODE_FORMAT", "tt01_2018")
    if name not in CODE_FORMATS:
        raise ImproperlyConfigured(
            f"MOTCUA_DOSSIER_CODE_FORMAT={name!r} is unknown; use one of {', '.join(CODE_FORMATS)}.")
    return name


def next_number(agency: Agency, day: dt.date) -> int:
    """The next sequence number of ``day`` for ``agency`` (inside the caller's transaction)."""
    table = DossierCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "
            "ON CONFLICT (agency_id, day) DO UPDATE SET last = "
            f"{table}.last + 1 RETURNING last",
            [agency.pk, connection.ops.adapt_datefield_value(day)],
        )
        return cursor.fetchone()[0]


def allocate_code(agency: Agency, day: dt.date) -> tuple[str, str]:
    """A new dossier code for a dossier received on ``day``: ``(code, format name)``."""
    name = current_format()
    return CODE_FORMATS[name](agency, day, next_number(agency, day)), name


def new_secret() -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
