"""The signed-in officer's notifications: reminders of due moments and what happened to the
dossiers they work on; unread first, marked read one by one or all at once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.notify import selectors, services
from motcua.notify.models import Notification

PER_PAGE = 30


def _back(request: HttpRequest, target: str | None = None) -> HttpResponse:
    """To ``target`` (or the ``next`` field) when it is a page of this site, else the list."""
    target = target or request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("notify:list")


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("chua-doc") == "1"
    rows = selectors.notifications_of(request.user)
    if only_unread:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notify/list.html", {
        "page": page, "only_unread": only_unread, "unread": selectors.unread_count(request.user),
        "here": request.get_full_path(),
    })


def _own(request: HttpRequest, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.mark_read(request.user, [_own(request, pk).pk])
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(request.user)
    if count:
        messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
    return _back(request)


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and go to what the notification is about."""
    item = _own(request, pk)
    services.mark_read(request.user, [item.pk])
    return _back(request, item.url or reverse("notify:list"))
