"""Staff pages of dossiers: the work queues (this module), the reception page
(:mod:`.views_reception`), one dossier's page with its actions (:mod:`.views_dossier`) and the
printable slips (:mod:`.views_print`). Each page parses a form and calls one service or selector;
the services check the state, the person and every value, and write the history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from motcua.catalog.models import Procedure
from motcua.dossiers import selectors
from motcua.dossiers.forms import QueueFilterForm
from motcua.dossiers.models import Dossier, DossierStep, StepStatus
from motcua.dossiers.navigation import COUNT_CAP, capped_count, queue_tabs
from motcua.org.access import agencies_of
from motcua.org.models import Unit

PER_PAGE = 50
#: A queue lists at most this many dossiers (the filters narrow it): counting or sorting a
#: million rows to show the 2,000th page helps nobody and slows everyone.
LIST_CAP = 2000


def key_of(dossier: Dossier) -> str:
    """How a dossier is named in addresses: its code, or its id while it has none."""
    return dossier.code or str(dossier.pk)


def detail_url(dossier: Dossier) -> str:
    return reverse("dossiers:detail", args=[key_of(dossier)])


class CappedPaginator(Paginator):
    """Pages over at most :data:`LIST_CAP` rows, counted without sorting."""

    @cached_property
    def count(self) -> int:
        return min(self.object_list.order_by()[:LIST_CAP].count(), LIST_CAP)


def _filter_choices(user) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    agencies = agencies_of(user)
    procedures = [(p.national_code, f"{p.national_code} — {p.name}") for p in
                  Procedure.objects.filter(agency_id__in=agencies, current__isnull=False)
                  .only("national_code", "name").order_by("national_code")]
    units = [(u.pk, u.name) for u in Unit.objects.filter(agency_id__in=agencies).active_on()
             .only("id", "name").order_by("name")]
    return procedures, units


def _with_active_steps(dossiers: list[Dossier]) -> list[Dossier]:
    """Each dossier with its active steps (one query for the page)."""
    by_dossier: dict[int, list[DossierStep]] = {d.pk: [] for d in dossiers}
    if by_dossier:
        for step in (DossierStep.objects.filter(dossier_id__in=by_dossier, status=StepStatus.ACTIVE)
                     .select_related("unit", "assignee").order_by("started_at", "id")):
            by_dossier[step.dossier_id].append(step)
    for d in dossiers:
        d.active_steps = by_dossier[d.pk]
    return dossiers


@login_required
def queues(request: HttpRequest) -> HttpResponse:
    """The work queues: one tab per queue the viewer's roles use, with counts; filters and a
    search that ignores diacritics; most urgent first."""
    tabs = queue_tabs(request.user)
    names = [t.name for t in tabs]
    current = request.GET.get("tab") or (names[0] if names else "all")
    procedures, units = _filter_choices(request.user)
    form = QueueFilterForm(request.GET or None, procedures=procedures, units=units)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.QueueFilter(
        q=cleaned.get("q", ""), procedure=cleaned.get("procedure", ""), unit=cleaned.get("unit"),
        status=cleaned.get("status", ""), channel=cleaned.get("channel", ""),
        received_from=cleaned.get("received_from"), received_to=cleaned.get("received_to"))
    now = timezone.now()
    found = selectors.queue(request.user, current, filters, now=now)  # Http404 for an unknown queue
    page = CappedPaginator(found, PER_PAGE).get_page(request.GET.get("page"))
    rows = _with_active_steps(list(page.object_list))
    for tab in tabs:
        tab.count = capped_count(selectors.queue(request.user, tab.name, filters, now=now))
    context = {
        "tabs": tabs, "current": current, "form": form, "page": page, "rows": rows, "now": now,
        "capped": page.paginator.count >= LIST_CAP, "list_cap": LIST_CAP, "count_cap": COUNT_CAP,
        "query": request.GET.copy(), "can_receive": "receive" in names,
    }
    partial = (request.headers.get("HX-Request") == "true"
               and request.headers.get("HX-History-Restore-Request") != "true")
    return render(request, "dossiers/_queue_results.html" if partial else "dossiers/queues.html", context)
