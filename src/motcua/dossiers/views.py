"""Staff pages of dossiers: the work queues (this module), the reception page
(:mod:`.views_reception`), one dossier's page with its actions (:mod:`.views_dossier`) and the
printable slips (:mod:`.views_print`). Each page parses a form and calls one service or selector;
the services check the state, the person and every value, and write the history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.text import Truncator

from motcua.catalog.models import Procedure
from motcua.dossiers import selectors
from motcua.dossiers.forms import QueueFilterForm
from motcua.dossiers.models import Channel, Dossier, DossierStep, Status, StepStatus
from motcua.dossiers.navigation import COUNT_CAP, queue_tabs
from motcua.dossiers.templatetags.dossier_tags import status_style
from motcua.org.access import agencies_of
from motcua.org.models import Unit

PER_PAGE = 50
#: What a queue's row shows of a dossier (a dossier has forty columns, some long).
ROW_FIELDS = ("id", "code", "channel", "status", "applicant_name", "applicant_id_number", "received_at",
              "due_at", "current_unit__name", "procedure__national_code", "procedure__name")
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
    procedures = [(code, f"{code} — {name}") for code, name in
                  Procedure.objects.filter(agency_id__in=agencies, current__isnull=False)
                  .order_by("national_code").values_list("national_code", "name")]
    units = list(Unit.objects.filter(agency_id__in=agencies).active_on().order_by("name")
                 .values_list("id", "name"))
    return procedures, units


def _truncated(text: str, length: int) -> str:
    """As the ``truncatechars`` filter."""
    return text if len(text) <= length else Truncator(text).chars(length)


def _when(moment) -> str:
    """As the ``date:"H:i d/m/Y"`` filter (in the current time zone)."""
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


@dataclass(slots=True)
class QueueRow:
    """What the queue's table shows of one dossier, formatted once in Python: the template only
    prints the values (fifty rows of a dozen values each through the template's filters were
    most of the page's time)."""

    url: str
    code: str
    channel: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    applicant_id_number: str
    received: str
    due: str
    overdue: bool
    where: list[str]  # its active steps
    unit: str  # where it is when no step is active
    status_style: str
    status_label: str


def _active_steps(dossier_ids: list[int]) -> dict[int, list[str]]:
    """Where each dossier is: its active steps as “unit · step · officer” (one query for the
    page)."""
    where: dict[int, list[str]] = {i: [] for i in dossier_ids}
    if where:
        for dossier_id, name, unit, assignee_id, full_name, username in (
                DossierStep.objects.filter(dossier_id__in=where, status=StepStatus.ACTIVE)
                .order_by("started_at", "id")
                .values_list("dossier_id", "name", "unit__name", "assignee_id", "assignee__full_name",
                             "assignee__username")):
            where[dossier_id].append(f"{unit} · {_truncated(name, 60)}"
                                     + (f" · {full_name or username}" if assignee_id else ""))
    return where


def _rows(dossiers: list[dict], now: dt.datetime) -> list[QueueRow]:
    """The rows of the page from the dossiers' values (no model instances: fifty dossiers with
    their procedure and unit are 150 objects to build for a dozen strings each)."""
    url = reverse("dossiers:detail", args=["KEY"])
    head, tail = url.split("KEY")
    channels = {c.value: str(c.label) for c in Channel}
    statuses = {s.value: str(s.label) for s in Status}
    where = _active_steps([d["id"] for d in dossiers])
    rows = []
    for d in dossiers:
        due = d["due_at"]
        rows.append(QueueRow(
            # the key quoted as reverse() quotes it
            url=head + quote(d["code"] or str(d["id"]), safe=RFC3986_SUBDELIMS + "/~:@") + tail,
            code=d["code"] or "", channel=channels.get(d["channel"], d["channel"]),
            procedure_code=d["procedure__national_code"], procedure_name=_truncated(d["procedure__name"], 90),
            applicant_name=d["applicant_name"], applicant_id_number=d["applicant_id_number"],
            received=_when(d["received_at"]) if d["received_at"] else "—",
            due=_when(due) if due else "",
            overdue=due is not None and due < now and d["status"] == Status.PROCESSING,
            where=where[d["id"]], unit=d["current_unit__name"] or "—",
            status_style=status_style(d["status"]), status_label=statuses.get(d["status"], d["status"])))
    return rows


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
    # Every tab's count and the current list's length in one query: the list is counted up to
    # LIST_CAP, its tab from that.
    counted = names if current in names else [*names, current]
    counts = selectors.queue_counts(request.user, counted, filters, now=now, caps={current: LIST_CAP},
                                    default_cap=COUNT_CAP)
    paginator = CappedPaginator(found, PER_PAGE)
    paginator.count = min(counts[current], LIST_CAP)
    page = paginator.get_page(request.GET.get("page"))
    rows = _rows(list(page.object_list.values(*ROW_FIELDS)), now)
    for tab in tabs:
        tab.count = min(counts[tab.name], COUNT_CAP + 1)
    context = {
        "tabs": tabs, "current": current, "form": form, "page": page, "rows": rows, "now": now,
        "capped": page.paginator.count >= LIST_CAP, "list_cap": LIST_CAP, "count_cap": COUNT_CAP,
        "query": request.GET.copy(), "can_receive": "receive" in names,
    }
    partial = (request.headers.get("HX-Request") == "true"
               and request.headers.get("HX-History-Restore-Request") != "true")
    return render(request, "dossiers/_queue_results.html" if partial else "dossiers/queues.html", context)
