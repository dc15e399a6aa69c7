#!/usr/bin/env python
"""motcua's command line: ``python manage.py <command>``."""

import os
import sys
from pathlib import Path


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:  # a configuration mistake: say what, not a traceback
        sys.exit(f"motcua: cấu hình chưa đúng — configuration error: {exc}")


if __name__ == "__main__":
    main()
