"""Configuration from the environment: the embedded default and clear errors."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.common.dburl import database_from_env

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = Path("/tmp/motcua-test/default.sqlite3")


def test_no_database_url_means_embedded_sqlite_in_wal_mode():
    config = database_from_env({}, DEFAULT)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(DEFAULT)
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["timeout"] >= 5


def test_postgres_url_is_parsed():
    config = database_from_env({"DATABASE_URL": "postgres://u:p@127.0.0.1:5433/motcua"}, DEFAULT)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "127.0.0.1", 5433, "motcua", "u")
    assert config["OPTIONS"]["options"] == "-c jit=off"  # short queries: compiling costs more


def test_postgres_options_given_in_the_url_are_kept():
    url = "postgres://u:p@127.0.0.1:5433/motcua?options=-c%20search_path%3Dmotcua"
    config = database_from_env({"DATABASE_URL": url}, DEFAULT)
    assert config["OPTIONS"]["options"] == "-c search_path=motcua -c jit=off"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "set but empty"),
        ("   ", "set but empty"),
        ("mysql://u@h/db", "unsupported database"),
        ("postgres://u@h", "names no database"),
        ("not a url", "not a valid database URL"),
    ],
)
def test_bad_database_url_is_refused_with_a_clear_message(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_env({"DATABASE_URL": url}, DEFAULT)


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",
                                                             "DJANGO_SETTINGS_MODULE")}
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_startup_with_malformed_database_url_says_so_without_a_traceback(tmp_path):
    result = _manage("check", env={"DATABASE_URL": "mysql://x@y/z",
                                   "MOTCUA_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DATABASE_URL uses an unsupported database" in result.stderr
    assert "Traceback" not in result.stderr


def test_embedded_database_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    probe = ("from django.db import connection\n"
             "c = connection.cursor()\n"
             "print(c.execute('PRAGMA journal_mode').fetchone()[0],"
             " c.execute('PRAGMA busy_timeout').fetchone()[0])")
    result = _manage("shell", "-v", "0", "-c", probe, env={"MOTCUA_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000"]
    assert (tmp_path / "motcua.sqlite3").exists()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
