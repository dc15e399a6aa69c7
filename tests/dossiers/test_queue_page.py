"""The work-queue page at province scale: every tab's count and the list's length come from one
query, the page reads a fixed, small number of queries for every role and tab, and what a tab
counts is what it lists (the counts are computed apart from the lists)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import selectors
from motcua.dossiers.navigation import queue_tabs
from motcua.org.models import User
from tests.dossiers.conftest import TUESDAY_9AM
from tests.dossiers.test_query_counts import QUEUES, _spread

QUEUES_URL = "/ho-so/"
#: The page's queries: the session, the user, their positions, the filters' procedures and units,
#: the units they lead or oversee (heads and leaders), every tab's count, the page of dossiers,
#: their active steps, the unread notifications of the menu.
MAX_PAGE_QUERIES = {"motcua": 9, "chuyenvien2": 9, "truongdk": 10, "truongphong": 10, "lanhdao": 10}


def _tabs(html: str) -> dict[str, str]:
    return dict(re.findall(r'tab=(\w+)">\s*<i[^>]*></i>[^<]*<span[^>]*>([^<]*)</span>', html))


def _codes(html: str) -> list[str]:
    return re.findall(r'<a href="/ho-so/([^/"]+)/"><code>', html)


@pytest.mark.django_db
@pytest.mark.parametrize("username", sorted(MAX_PAGE_QUERIES))
def test_every_tab_of_the_queue_page_reads_in_a_few_queries(procedure, staff, client, username,
                                                            django_assert_max_num_queries):
    _spread(procedure, staff, 10, 0)
    client.force_login(staff(username))
    names = [t.name for t in queue_tabs(staff(username))]
    client.get(QUEUES_URL)  # warm the per-process caches
    for name in names:
        with django_assert_max_num_queries(MAX_PAGE_QUERIES[username]):
            assert client.get(QUEUES_URL, {"tab": name}).status_code == 200
        with django_assert_max_num_queries(MAX_PAGE_QUERIES[username]):  # a search as well
            assert client.get(QUEUES_URL, {"tab": name, "q": "le van phuc"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["motcua", "chuyenvien2", "truongdk", "truongphong", "lanhdao"])
def test_each_tab_counts_the_dossiers_it_lists(procedure, staff, client, username):
    _spread(procedure, staff, 10, 0)
    client.force_login(staff(username))
    html = client.get(QUEUES_URL).content.decode()
    counts = _tabs(html)
    assert counts and any(c != "0" for c in counts.values())
    for name, count in counts.items():
        listed = _codes(client.get(QUEUES_URL, {"tab": name}).content.decode())
        # dossiers guided to complete at the desk have no code yet: count them from the queue
        rows = selectors.queue(User.objects.get(username=username), name)
        assert int(count) == rows.count() == len(listed) + rows.filter(code=None).count(), (username, name)


@pytest.mark.django_db
def test_the_counts_of_one_query_match_the_queues_for_every_role_and_moment(procedure, staff):
    _spread(procedure, staff, 10, 0)
    for username, name, now in QUEUES:
        user = User.objects.get(username=username)
        counts = selectors.queue_counts(user, [name], now=now, default_cap=3)
        assert counts[name] == min(selectors.queue(user, name, now=now).count(), 4), (username, name)
    late = TUESDAY_9AM + dt.timedelta(days=30)
    user = User.objects.get(username="chuyenvien2")
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.queue_counts(user, list(selectors.QUEUES), now=late)
    assert len(queries) <= 4  # the user's positions and units (not cached on a fresh user), the counts
    assert counts["overdue"] == selectors.queue(user, "overdue", now=late).count() > 0
