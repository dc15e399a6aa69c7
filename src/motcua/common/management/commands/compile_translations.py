"""Compile the gettext catalogues (.po → .mo) in pure Python.

Django's own ``compilemessages`` needs GNU gettext, which a fresh machine may not have; polib
does the same job, so setup needs nothing outside the Python environment.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Biên dịch các tệp bản dịch .po thành .mo (không cần GNU gettext)."

    def handle(self, *args, **options):
        for locale_dir in map(Path, settings.LOCALE_PATHS):
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                if options["verbosity"] > 1:
                    self.stdout.write(f"compiled {mo_path}")
