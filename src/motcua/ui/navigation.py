"""The staff navigation: each part of motcua registers its entries here, with the roles that
see them. Later modules add their own with :func:`register`."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.org.access import roles_of
from motcua.org.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset[str] | None = None  # None: every signed-in staff member
    order: int = 100


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    _items.append(item)
    _items.sort(key=lambda i: i.order)


def items_for(user) -> list[dict[str, str]]:
    roles = roles_of(user)
    return [
        {"label": str(i.label), "url": reverse(i.url_name), "icon": i.icon}
        for i in _items
        if i.roles is None or roles & i.roles
    ]


register(NavItem(_("Trang chủ"), "ui:home", "house", order=0))
register(NavItem(_("Lịch làm việc"), "worktime:calendar", "calendar3", order=70))
register(NavItem(_("Tính hạn"), "worktime:calculator", "calculator", order=71))
register(NavItem(_("Cơ cấu tổ chức"), "org:units", "diagram-3", order=80))
register(NavItem(_("Cán bộ"), "org:staff", "people", order=81))
register(NavItem(_("Nhật ký hệ thống"), "ui:audit", "journal-text",
                 frozenset({Role.ADMINISTRATOR, Role.AGENCY_LEADER}), order=90))
