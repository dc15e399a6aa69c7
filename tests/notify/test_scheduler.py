"""The scheduler puts reminder runs on the task queue (it never runs them itself) and stops
cleanly when the launcher stops it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_tasks import TaskResultStatus, default_task_backend

from motcua.dossiers.tasks import send_reminders
from motcua.notify.management.commands.run_scheduler import Command

ROOT = Path(__file__).resolve().parents[2]
DUMMY = "django_tasks.backends.dummy.DummyBackend"


@pytest.fixture
def queue(settings, db):
    settings.TASKS = {"default": {"BACKEND": DUMMY}}
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def test_once_enqueues_one_reminder_run_without_running_it(queue):
    call_command("run_scheduler", "--once", stdout=StringIO())
    assert [(r.task.func, r.status) for r in queue.results] == [(send_reminders.func, TaskResultStatus.READY)]


def test_no_second_run_is_enqueued_while_the_first_still_waits(queue):
    command = Command(stdout=StringIO())
    first = command.enqueue(None)
    assert command.enqueue(first) is first
    assert len(queue.results) == 1


def test_a_bad_interval_is_refused():
    with pytest.raises(CommandError, match="--every"):
        call_command("run_scheduler", "--every", "0")


def test_sigterm_stops_the_loop_cleanly(tmp_path):
    env = {**os.environ, "TASKS_BACKEND": DUMMY, "MOTCUA_VAR_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "motcua.settings", "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "run_scheduler", "--every", "3600"],
                               env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # the start line: it is waiting for the next tick
        assert "motcua scheduler" in line, process.stderr.read() if process.poll() is not None else line
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "stopped" in out
