"""Where dossiers appear in the staff UI: the menu entries, and which work queues each role
uses (the tabs of the queues page and the counts on the home page)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers import selectors
from motcua.org.access import roles_of
from motcua.org.models import Role
from motcua.ui.navigation import NavItem, register

DESK = frozenset({Role.DESK_OFFICER})
HANDLING = frozenset({Role.SPECIALIST, Role.UNIT_HEAD, Role.AGENCY_LEADER})
LEADERS = frozenset({Role.UNIT_HEAD, Role.AGENCY_LEADER})
#: Every role that handles or oversees dossiers.
DOSSIER_ROLES = DESK | HANDLING | {Role.REFORM_OFFICER}
#: A tab's count stops here (shown as “1000+”): counting every row of a large agency is slow.
COUNT_CAP = 1000

#: (queue, label, icon, roles that use it), in the order of the tabs.
QUEUES: tuple[tuple[str, Promise, str, frozenset[str]], ...] = (
    ("receive", _("Chờ tiếp nhận"), "inbox", DESK),
    ("process", _("Cần xử lý"), "pencil-square", HANDLING),
    ("due_soon", _("Sắp đến hạn"), "hourglass-split", DOSSIER_ROLES),
    ("overdue", _("Quá hạn"), "exclamation-triangle", DOSSIER_ROLES),
    ("supplement", _("Chờ bổ sung, tạm dừng"), "pause-circle", DESK | HANDLING),
    ("sign", _("Chờ ký duyệt"), "pen", LEADERS),
    ("return", _("Chờ trả kết quả"), "box-arrow-right", DESK),
    ("all", _("Tất cả"), "collection", DOSSIER_ROLES | {Role.ADMINISTRATOR}),
)


@dataclass
class QueueTab:
    name: str
    label: str
    icon: str
    count: int | None = None

    @property
    def count_text(self) -> str:
        if self.count is None:
            return ""
        return f"{COUNT_CAP}+" if self.count > COUNT_CAP else str(self.count)


def queue_tabs(user) -> list[QueueTab]:
    """The queues ``user``'s roles use, most specific first."""
    roles = roles_of(user)
    return [QueueTab(name, str(label), icon) for name, label, icon, wanted in QUEUES if roles & wanted]


def tabs_with_counts(user) -> list[QueueTab]:
    """The viewer's queues with how many dossiers wait in each (for the home page; one query)."""
    tabs = queue_tabs(user)
    counts = selectors.queue_counts(user, [t.name for t in tabs], default_cap=COUNT_CAP)
    for tab in tabs:
        tab.count = counts[tab.name]
    return tabs


register(NavItem(_("Tiếp nhận hồ sơ"), "dossiers:receive", "inbox", DESK, order=10))
register(NavItem(_("Hồ sơ"), "dossiers:queues", "folder2-open", DOSSIER_ROLES, order=11))
register(NavItem(_("Sổ theo dõi"), "dossiers:ledger", "journal-bookmark",
                 DOSSIER_ROLES | {Role.ADMINISTRATOR}, order=12))
