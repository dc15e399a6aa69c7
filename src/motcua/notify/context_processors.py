"""The number of unread notifications, shown on the bell in the staff header."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from motcua.notify.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict:
    """``unread_notifications``, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
