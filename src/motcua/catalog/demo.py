"""The demo agency's catalogue: the procedures of a Department of Natural Resources and
Environment in ``demo_catalogue.json`` (the catalogue format), imported as an administrator
would import the province's published list, with a blank Word form to download for each
application form (:mod:`.demo_forms`)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from motcua.catalog.demo_forms import blank_form_docx, form_filename, is_application_form
from motcua.catalog.fields import STANDARD_FIELDS
from motcua.catalog.models import Procedure
from motcua.catalog.services import ImportReport, ensure_fields, import_catalogue
from motcua.org.models import Agency, User

DEMO_FILE = Path(__file__).with_name("demo_catalogue.json")


def load_demo_catalogue(agency: Agency) -> ImportReport | None:
    """Import the demo procedures unless the agency already has a catalogue."""
    if Procedure.objects.filter(agency=agency).exists():
        return None
    ensure_fields(STANDARD_FIELDS)  # made by a migration; gone if a test flushed the tables
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    for procedure in data["procedures"]:
        for document in procedure["documents"]:
            if is_application_form(document["name"]) and not document.get("template"):
                content = blank_form_docx(document["name"], recipient=procedure["implementing_agency"],
                                          place=agency.place_name)
                document["template"] = {"filename": form_filename(document["name"]),
                                        "base64": base64.b64encode(content).decode("ascii")}
    admin = User.objects.filter(username="admin", is_superuser=True).first()
    return import_catalogue(actor=admin, agency=agency, items=[(item, None) for item in data["procedures"]])
