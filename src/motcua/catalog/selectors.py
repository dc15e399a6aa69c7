"""Reads of the catalogue: the public list and search, one procedure with everything in it, and
the editor's list (drafts included)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from motcua.catalog.models import (
    Field,
    FormTemplate,
    Level,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
)
from motcua.catalog.search import query_words, ranker, sql_words
from motcua.org.models import Agency


def fields_in_use(agency: Agency, *, published_only: bool = True) -> QuerySet[Field]:
    """The fields the agency has procedures in, in the usual order."""
    procedures = Procedure.objects.filter(agency=agency)
    if published_only:
        procedures = procedures.published()
    return Field.objects.filter(pk__in=procedures.values("field_id")).order_by("position", "name")


def search_procedures(agency: Agency, *, q: str = "", field: str = "", level: str = "",
                      published_only: bool = True) -> list[Procedure]:
    """Procedures matching every word of ``q`` (diacritics, case and word order ignored) and the
    field (code) and level, best matches first; without ``q``, by field and code.

    ``published_only`` (the public catalogue and the API) leaves out procedures that were never
    published and repealed ones; the staff editor sees every procedure.
    """
    procedures = Procedure.objects.filter(agency=agency)
    if published_only:
        procedures = procedures.published()
    if field:
        procedures = procedures.filter(field__code=field)
    if level:
        procedures = procedures.filter(level=level)
    words = query_words(q)
    in_sql, in_python = sql_words(words)
    for word in in_sql:
        procedures = procedures.filter(search_text__contains=f" {word}")
    found = list(procedures.order_by("field__position", "national_code"))
    if in_python:
        found = [p for p in found if all(f" {word}" in p.search_text for word in in_python)]
    # The fields (a handful) once, shared, rather than joined into every row: building a model
    # instance per row is most of the time of a broad search.
    fields = Field.objects.in_bulk({p.field_id for p in found if p.field_id is not None}) if found else {}
    cache = Procedure._meta.get_field("field")
    for procedure in found:
        cache.set_cached_value(procedure, fields.get(procedure.field_id))
    if words:
        score = ranker(words)
        found.sort(key=lambda p: score(p.name), reverse=True)  # stable: ties keep field order
    return found


def _with_content() -> list[Prefetch]:
    return [
        Prefetch("documents", RequiredDocument.objects.select_related("template").order_by("position")),
        "fees",
        Prefetch("steps", ProcessStep.objects.select_related("unit").order_by("position")),
    ]


def published_procedure(agency: Agency, code: str) -> Procedure | None:
    """The procedure with national code ``code`` as the public sees it (its current version with
    documents, fees and steps), or ``None``."""
    procedure = (Procedure.objects.published().filter(agency=agency, national_code=code)
                 .select_related("field", "current", "current__field", "current__receiving_desk").first())
    if procedure is not None:
        version = (ProcedureVersion.objects.filter(pk=procedure.current_id)
                   .select_related("field", "receiving_desk").prefetch_related(*_with_content()).get())
        procedure.current = version
    return procedure


def version_with_content(version_id: int) -> ProcedureVersion:
    return (ProcedureVersion.objects.select_related("procedure", "field", "receiving_desk")
            .prefetch_related(*_with_content()).get(pk=version_id))


def editor_procedures(agency: Agency, *, q: str = "", field: str = "", status: str = "") -> list[Procedure]:
    """Every procedure of the agency for the editor, with whether it has a draft."""
    found = search_procedures(agency, q=q, field=field, published_only=False)
    if status == "draft":
        with_draft = set(ProcedureVersion.objects.drafts().filter(procedure__agency=agency)
                         .values_list("procedure_id", flat=True))
        found = [p for p in found if p.pk in with_draft]
    elif status:
        found = [p for p in found if p.status == status and p.current_id]
    return found


def draft_of(procedure: Procedure) -> ProcedureVersion | None:
    return procedure.versions.drafts().first()


def procedures_with_drafts(agency: Agency) -> set[int]:
    return set(ProcedureVersion.objects.drafts().filter(procedure__agency=agency)
               .values_list("procedure_id", flat=True))


# -- the public catalogue (portal) ---------------------------------------------------------------
@dataclass
class FieldCount:
    field: Field
    count: int


@dataclass
class PublicCatalogue:
    """What the public list shows: the matching procedures and, for the field filter, how many of
    the matches (under the other filters) each field has."""

    procedures: list[Procedure]
    fields: list[FieldCount]
    field: Field | None = None


def public_catalogue(agency: Agency | None, *, q: str = "", field: str = "", level: str = "",
                     online_level: str = "") -> PublicCatalogue:
    """The published procedures matching the query and the filters, with the field counts.

    Unknown level or online-level values are ignored; an unknown field code too. One query
    (two when the chosen field has no match under the other filters).
    """
    if agency is None:
        return PublicCatalogue([], [])
    level = level if level in Level.values else ""
    online_level = online_level if online_level in OnlineLevel.values else ""
    found = search_procedures(agency, q=q, level=level)
    if online_level:
        found = [p for p in found if p.online_level == online_level]
    counts = Counter(p.field_id for p in found)
    by_id = {p.field_id: p.field for p in found if p.field_id is not None}
    fields = [FieldCount(f, counts[f.pk]) for f in sorted(by_id.values(), key=lambda f: (f.position, f.name))]
    chosen = None
    if field:
        chosen = next((f for f in by_id.values() if f.code == field), None)
        if chosen is None:
            chosen = Field.objects.filter(code=field[:40]).first()
            if chosen is not None:
                fields.append(FieldCount(chosen, 0))
                fields.sort(key=lambda c: (c.field.position, c.field.name))
    if chosen is not None:
        found = [p for p in found if p.field_id == chosen.pk]
    return PublicCatalogue(found, fields, chosen)


def attach_time_limits(procedures: list[Procedure]) -> list[Procedure]:
    """Give each procedure (of one page of a list) its current version's legal time limit as
    ``time_limit_value`` and ``time_limit_unit``, in one query."""
    ids = [p.current_id for p in procedures if p.current_id]
    limits = {pk: (value, unit) for pk, value, unit in ProcedureVersion.objects.filter(pk__in=ids)
              .values_list("pk", "time_limit_value", "time_limit_unit")} if ids else {}
    for procedure in procedures:
        procedure.time_limit_value, procedure.time_limit_unit = limits.get(procedure.current_id, (None, ""))
    return procedures


def published_template(agency: Agency, code: str, document_id: int) -> RequiredDocument | None:
    """A required document, with its template form, of the *current* version of the published
    procedure ``code``; ``None`` when there is no such document or it has no template."""
    procedure = Procedure.objects.published().filter(agency=agency, national_code=code).first()
    if procedure is None:
        return None
    return (RequiredDocument.objects.filter(pk=document_id, version_id=procedure.current_id,
                                            template__isnull=False)
            .select_related("template").first())


# -- the staff pages (catalog/views.py) ----------------------------------------------------------
def staff_procedure(agency: Agency, code: str) -> Procedure | None:
    """The agency's procedure with this national code, published or not (staff see drafts)."""
    return (Procedure.objects.filter(agency=agency, national_code=code)
            .select_related("field", "current").first())


def shown_versions(procedures: list[Procedure]) -> dict[int, ProcedureVersion]:
    """For each procedure, the version the staff list shows: the current one, else the draft."""
    current = [p.current_id for p in procedures if p.current_id]
    shown = {v.procedure_id: v for v in ProcedureVersion.objects.filter(pk__in=current)}
    missing = [p.pk for p in procedures if p.pk not in shown]
    if missing:
        shown.update((v.procedure_id, v) for v in ProcedureVersion.objects.drafts()
                     .filter(procedure_id__in=missing))
    return shown


def published_versions(procedure: Procedure) -> QuerySet[ProcedureVersion]:
    """The procedure's published versions, the newest first."""
    return procedure.versions.filter(published_at__isnull=False).order_by("-number")


def version_by_number(procedure: Procedure, number: int) -> ProcedureVersion | None:
    return procedure.versions.filter(number=number).first()


def agency_template(agency: Agency, sha256: str) -> FormTemplate | None:
    """A template form used by one of the agency's procedures (any version, drafts included)."""
    return (FormTemplate.objects.filter(sha256=sha256, documents__version__procedure__agency=agency)
            .distinct().first())
