"""The demo agency's catalogue: the procedures of a Department of Natural Resources and
Environment in ``demo_catalogue.json`` (the catalogue format), imported as an administrator
would import the province's published list."""

from __future__ import annotations

import json
from pathlib import Path

from motcua.catalog.models import Procedure
from motcua.catalog.services import ImportReport, import_catalogue
from motcua.org.models import Agency, User

DEMO_FILE = Path(__file__).with_name("demo_catalogue.json")


def load_demo_catalogue(agency: Agency) -> ImportReport | None:
    """Import the demo procedures unless the agency already has a catalogue."""
    if Procedure.objects.filter(agency=agency).exists():
        return None
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    admin = User.objects.filter(username="admin", is_superuser=True).first()
    return import_catalogue(actor=admin, agency=agency, items=[(item, None) for item in data["procedures"]])
