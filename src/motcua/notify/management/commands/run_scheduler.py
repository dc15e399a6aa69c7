"""The scheduler: every few minutes, put a reminder run on the task queue (the background worker,
``db_worker``, runs it). It never runs the reminders itself, and puts no new run on the queue
while the previous one is still waiting, so a busy worker is not flooded. Stops cleanly on
SIGTERM or Ctrl-C."""

from __future__ import annotations

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from motcua.dossiers.tasks import send_reminders

log = logging.getLogger("motcua.notify")


class Command(BaseCommand):
    verbosity = 1
    help = "Đưa việc nhắc hạn xử lý hồ sơ vào hàng đợi định kỳ — enqueue the reminder run periodically."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=300,
                            help="seconds between two reminder runs (default 300)")
        parser.add_argument("--once", action="store_true", help="enqueue one reminder run and exit")

    def handle(self, *args, every: float, once: bool, **options) -> None:
        if every <= 0:
            raise CommandError("--every must be a positive number of seconds.")
        self.verbosity = options.get("verbosity", 1)
        stop = threading.Event()
        if not once:
            def on_signal(signum: int, frame: object) -> None:
                stop.set()

            signal.signal(signal.SIGTERM, on_signal)
            signal.signal(signal.SIGINT, on_signal)
            self.stdout.write(f"motcua scheduler: nhắc hạn mỗi {every:g} giây — reminders every {every:g} s")
            self.stdout.flush()
        last: TaskResult | None = None
        while not stop.is_set():
            last = self.enqueue(last)
            if once or stop.wait(every):
                break
        if not once:
            self.stdout.write("motcua scheduler: đã dừng — stopped")

    def enqueue(self, last: TaskResult | None) -> TaskResult | None:
        """Enqueue a reminder run unless the previous one is still waiting or running."""
        close_old_connections()
        if last is not None and _pending(last):
            log.info("scheduler: the previous reminder run is still pending; not enqueuing another")
            return last
        try:
            result = send_reminders.enqueue()
        except DatabaseError:  # the database is busy or away for a moment: try at the next tick
            log.exception("scheduler: could not enqueue the reminder run")
            return last
        if self.verbosity >= 2:
            self.stdout.write(f"motcua scheduler: enqueued {result.id}")
        return result


def _pending(result: TaskResult) -> bool:
    try:
        result.refresh()
    except (NotImplementedError, TaskResultDoesNotExist, DatabaseError):
        return False
    return result.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING)
