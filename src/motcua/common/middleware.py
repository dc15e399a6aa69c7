"""Requests that no page can answer sensibly, refused before they reach a view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


class RejectNullCharactersMiddleware:
    """A NUL character in the address or a query parameter is answered 400. PostgreSQL cannot
    store or compare text with NUL in it and would fail with a server error; form fields already
    refuse it (Django's forms validate it), this covers addresses and query strings."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET
        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in query.getlist(key))
                                         for key in query):
            message = _("Địa chỉ hoặc tham số có ký tự không hợp lệ.")
            if request.path.startswith("/api/"):  # the API's error shape
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message.encode(), content_type="text/plain; charset=utf-8")
        return self.get_response(request)
