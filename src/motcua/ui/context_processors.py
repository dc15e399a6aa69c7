from __future__ import annotations

from django.http import HttpRequest

from motcua.org.selectors import agency_of
from motcua.ui.navigation import items_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_items": items_for(user), "current_agency": agency_of(user)}
