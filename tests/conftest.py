from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from motcua.org.demo import load_demo
from motcua.org.models import Agency, User


@pytest.fixture
def demo(db) -> Agency:
    """The demo agency (Sở TN&MT Cần Thơ) with its units and staff."""
    return load_demo()[0]


@pytest.fixture
def catalogue(demo) -> Agency:
    """The demo agency with its catalogue of procedures (demo_catalogue.json) imported."""
    from motcua.catalog.demo import load_demo_catalogue

    load_demo_catalogue(demo)
    return demo


@pytest.fixture
def staff(demo) -> Callable[[str], User]:
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def login(client: Client, staff) -> Callable[[str], Client]:
    """Sign ``client`` in as a demo user: ``login("motcua")``."""

    def sign_in(username: str) -> Client:
        client.force_login(staff(username))
        return client

    return sign_in
