"""Run motcua's benchmarks: every ``bench/bench_*.py`` module's ``main()``, or the named ones.

    uv run python bench/run.py              # all
    uv run python bench/run.py worktime     # bench/bench_worktime.py only

Each benchmark measures its comparisons within one run and prints ratios (not absolute timings
that depend on the machine), with the target each ratio must meet.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def discover(names: list[str]) -> list[str]:
    found = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if not names:
        return found
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in names]
    unknown = sorted(set(wanted) - set(found))
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(found)}")
    return wanted


def main(argv: list[str]) -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    for name in discover(argv):
        print(f"== {name} ==", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"bench.{name}").main()
        print(f"   ({time.perf_counter() - started:.1f} s)\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
