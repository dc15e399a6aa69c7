"""Reads of the catalogue: the public list and search, one procedure with everything in it, and
the editor's list (drafts included)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from motcua.catalog.models import Field, Procedure, ProcedureVersion, ProcessStep, RequiredDocument
from motcua.catalog.search import query_words, rank
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
    procedures = Procedure.objects.filter(agency=agency).select_related("field")
    if published_only:
        procedures = procedures.published()
    if field:
        procedures = procedures.filter(field__code=field)
    if level:
        procedures = procedures.filter(level=level)
    words = query_words(q)
    for word in words:
        procedures = procedures.filter(search_text__contains=f" {word}")
    found = list(procedures.order_by("field__position", "national_code"))
    if words:
        found.sort(key=lambda p: rank(p.name, words), reverse=True)  # stable: ties keep field order
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


__all__ = ["draft_of", "editor_procedures", "fields_in_use", "procedures_with_drafts",
           "published_procedure", "search_procedures", "version_with_content"]
