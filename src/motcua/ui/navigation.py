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
    #: Daily work stays in the bar; settings and reference pages go in the "Quản lý" menu.
    in_menu: bool = False


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    _items.append(item)
    _items.sort(key=lambda i: i.order)


def items_for(user) -> list[dict[str, object]]:
    roles = roles_of(user)
    return [
        {"label": str(i.label), "url": reverse(i.url_name), "icon": i.icon, "in_menu": i.in_menu}
        for i in _items
        if i.roles is None or roles & i.roles
    ]


register(NavItem(_("Trang chủ"), "ui:home", "house", order=0))
register(NavItem(_("Lịch làm việc"), "worktime:calendar", "calendar3", order=70, in_menu=True))
register(NavItem(_("Tính hạn"), "worktime:calculator", "calculator", order=71, in_menu=True))
register(NavItem(_("Cơ cấu tổ chức"), "org:units", "diagram-3", order=80, in_menu=True))
register(NavItem(_("Cán bộ"), "org:staff", "people", order=81, in_menu=True))
register(NavItem(_("Nhật ký hệ thống"), "ui:audit", "journal-text",
                 frozenset({Role.ADMINISTRATOR, Role.AGENCY_LEADER}), order=90, in_menu=True))
