"""Database configuration from ``DATABASE_URL`` with a clear message when it is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

SUPPORTED_ENGINES = {
    "django.db.backends.sqlite3": "sqlite",
    "django.db.backends.postgresql": "postgres",
}


def sqlite_database(path: Path | str) -> dict[str, Any]:
    """SQLite in WAL mode with a busy timeout, and write transactions taken up front.

    ``IMMEDIATE`` transactions make a writer wait for the lock (up to ``timeout`` seconds)
    instead of failing half-way with "database is locked" when two officers save at once.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
        "ATOMIC_REQUESTS": False,
    }


def database_from_env(environ: Mapping[str, str], default_sqlite_path: Path) -> dict[str, Any]:
    """Return Django's ``DATABASES['default']`` for ``DATABASE_URL``.

    Unset means the embedded default (SQLite under ``var/``). Set but empty or malformed stops
    startup with a message that says what was expected.
    """
    if "DATABASE_URL" not in environ:
        return sqlite_database(default_sqlite_path)
    url = environ["DATABASE_URL"].strip()
    example = "postgres://user:password@127.0.0.1:5432/motcua or sqlite:////path/motcua.sqlite3"
    if not url:
        raise ImproperlyConfigured(
            f"DATABASE_URL is set but empty. Unset it for the embedded SQLite database, "
            f"or give a URL such as {example}."
        )
    try:
        config = dj_database_url.parse(url)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a valid database URL ({exc}). Expected e.g. {example}."
        ) from exc
    engine = config.get("ENGINE", "")
    if engine not in SUPPORTED_ENGINES:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses an unsupported database ({engine or url.split(':', 1)[0]}). "
            f"motcua runs on SQLite or PostgreSQL, e.g. {example}."
        )
    if engine == "django.db.backends.sqlite3":
        return sqlite_database(config["NAME"] or default_sqlite_path)
    if not config.get("NAME"):
        raise ImproperlyConfigured(
            f"DATABASE_URL names no database (the path after the host). Expected e.g. {example}."
        )
    config["CONN_MAX_AGE"] = 60
    config["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles a query whose estimated cost passes a threshold: for the short
    # queries of a one-stop desk (a page's counts capped at a thousand rows each) compiling takes
    # tens of milliseconds, longer than running them.
    options = config.setdefault("OPTIONS", {})
    if "jit" not in options.get("options", ""):
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config
