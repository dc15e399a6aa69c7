"""Search of the public catalogue over 2,000 procedures, on SQLite.

    uv run python bench/bench_catalogue.py        (or: uv run python bench/run.py catalogue)

Builds a throw-away SQLite database (as bench_recompute does) with the demo agency, its demo
catalogue (``demo_catalogue.json``) and variants of those procedures up to N published ones
(default 2,000; ``BENCH_PROCEDURES`` to change): the same content under other names — for
households or organisations, at district or commune level, in a named district or province,
inter-agency — some at commune level, 2 % suspended and 2 % repealed, all written through
``services.import_catalogue`` so that the cached search text is exactly what the services
compute. Then, interleaving the queries round after round so that a burst of load elsewhere
weighs on all of them alike, it times:

1. ``selectors.search_procedures`` (what the list and the API call) for realistic queries — a
   colloquial name, an abbreviation, words out of order, a national code, single letters that
   match nearly everything — and browsing without a query;
2. the whole public list page (``/dich-vu-cong/thu-tuc/?q=…``) through Django's test client:
   URL routing, middleware, the search, the field counts, pagination and the template.

It prints the median and 95th percentile in milliseconds of each and their ratio to the target
(issue 4: the search answers in under 50 ms median over 2,000 procedures).
"""

from __future__ import annotations

import copy
import io
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET_MS = 50.0
SEED = 20260401
ROUNDS = 15

QUERIES = (
    "cap doi so do", "giay phep moi truong", "dtm", "nuoc duoi dat khai thac", "khoang san", "1.004227",
    "đất đai", "Cấp lại Giấy chứng nhận bị mất", "xoa the chap", "tach thua", "gia han", "so hong",
    "khi tuong thuy van", "chất thải nguy hại", "ninh kieu", "ho gia dinh ca nhan", "khai thac cat soi",
    "d", "c", "g", "t",
)

VARIANTS = (
    "đối với hộ gia đình, cá nhân", "đối với tổ chức", "đối với tổ chức kinh tế có vốn đầu tư nước ngoài",
    "cho người Việt Nam định cư ở nước ngoài", "trường hợp đã có bản đồ địa chính",
    "thực hiện liên thông", "trong khu công nghiệp", "đối với dự án đầu tư công", "(cấp huyện)",
    "(cấp xã)", "(trường hợp điều chỉnh)",
)
PLACES = (
    "quận Ninh Kiều", "quận Bình Thủy", "quận Cái Răng", "quận Ô Môn", "quận Thốt Nốt", "huyện Phong Điền",
    "huyện Cờ Đỏ", "huyện Vĩnh Thạnh", "huyện Thới Lai", "tỉnh Hậu Giang", "tỉnh Vĩnh Long",
    "tỉnh Sóc Trăng", "tỉnh An Giang", "tỉnh Kiên Giang", "tỉnh Đồng Tháp", "tỉnh Bạc Liêu",
    "tỉnh Cà Mau", "tỉnh Bến Tre", "tỉnh Trà Vinh", "tỉnh Tiền Giang", "tỉnh Long An",
)


def _setup_django(var_dir: str) -> None:
    os.environ["MOTCUA_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Static files from the finders (no collectstatic in a throw-away directory); the same
    # {% static %} lookups, without the manifest.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    (Path(var_dir) / "static").mkdir()  # STATIC_ROOT, which whitenoise looks for
    call_command("migrate", verbosity=0)


def _variants(demo: list[dict], count: int) -> list[dict]:
    """``count`` procedures made from the demo ones: other names, codes, levels and statuses."""
    rng = random.Random(SEED)
    taken = {item["code"] for item in demo}
    items = []
    while len(items) < count:
        base = rng.choice(demo)
        item = copy.deepcopy(base)
        for document in item["documents"]:
            if document.get("template"):
                document["template"].pop("base64", None)  # imported with the demo: known by its sha256
        roll = rng.random()
        if roll < 0.35:
            item["name"] = f"{base['name']} {rng.choice(VARIANTS)}"
        elif roll < 0.7:
            item["name"] = f"{base['name']} trên địa bàn {rng.choice(PLACES)}"
        else:
            item["name"] = f"{base['name']} {rng.choice(VARIANTS)} tại {rng.choice(PLACES)}"
        while True:
            if rng.random() < 0.5:
                code = f"{base['code']}.000.00.00.H{rng.randrange(10, 99)}"
            else:
                code = f"{rng.choice('123')}.{rng.randrange(1000, 999999):06d}"
            if code not in taken:
                taken.add(code)
                break
        item["code"], item["base"] = code, base["code"]
        item["level"] = "commune" if rng.random() < 0.3 else "province"
        status = rng.random()
        if status < 0.02:
            item.update(status="suspended", status_since="2025-07-01", status_note="Tạm ngừng để rà soát")
        elif status < 0.04:
            item.update(status="repealed", status_since="2025-03-01", status_note="Đã bãi bỏ")
        else:
            item.update(status="in_force", status_since=None, status_note="")
        items.append(item)
    return items


def _write_variants(agency, items: list[dict]) -> None:
    """Write the variants in bulk: each a copy of its demo procedure's current version (with its
    documents, fees and steps) under the variant's code, name, level and status, published; the
    listing (name, field, level and search text) cached by ``services._refresh_listing`` itself,
    as an import would. (``import_catalogue`` takes about 0.1 s a procedure here.)"""
    from django.db import transaction
    from django.utils import timezone

    from motcua.catalog import services
    from motcua.catalog.models import Fee, Procedure, ProcedureVersion, ProcessStep, RequiredDocument

    bases = {p.national_code: p.current for p in Procedure.objects.filter(agency=agency)
             .select_related("current", "current__field")}
    children = {}
    for model in (RequiredDocument, Fee, ProcessStep):
        for row in model.objects.filter(version__in=list(bases.values())):
            children.setdefault((model, row.version_id), []).append(row)
    base_of = {}
    now = timezone.now()
    with transaction.atomic():
        procedures = Procedure.objects.bulk_create(
            Procedure(agency=agency, national_code=item["code"], status=item["status"],
                      status_since=item["status_since"], status_note=item["status_note"]) for item in items)
        versions = []
        for procedure, item in zip(procedures, items, strict=True):
            base = bases[item["base"]]
            version = copy.copy(base)
            version.pk = version.id = None
            version._state.adding = True  # copy.copy gave it its own state (Model.__getstate__)
            version.procedure, version.number, version.published_at = procedure, 1, now
            version.name, version.level = item["name"], item["level"]
            base_of[procedure.national_code] = base.pk
            versions.append(version)
        ProcedureVersion.objects.bulk_create(versions)
        for model in (RequiredDocument, Fee, ProcessStep):
            rows = []
            for version in versions:
                for row in children.get((model, base_of[version.procedure.national_code]), ()):
                    clone = copy.copy(row)
                    clone.pk = clone.id = None
                    clone._state.adding = True
                    clone.version = version
                    rows.append(clone)
            model.objects.bulk_create(rows, batch_size=500)
        for procedure, version in zip(procedures, versions, strict=True):
            procedure.current = version
        Procedure.objects.bulk_update(procedures, ["current"], batch_size=500)
        for procedure in procedures:
            services._refresh_listing(procedure)


def _time(runs: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Milliseconds of each run, ``rounds`` times, the runs interleaved (shuffled every round)."""
    rng = random.Random(SEED)
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(rounds):
        rng.shuffle(names)
        for name in names:
            began = time.perf_counter()
            runs[name]()
            times[name].append((time.perf_counter() - began) * 1000)
    return times


def _summary(label: str, times: dict[str, list[float]], sizes: dict[str, int]) -> None:
    every = [t for ts in times.values() for t in ts]
    median = statistics.median(every)
    p95 = statistics.quantiles(every, n=20)[-1]
    print(f"   {label}: median {median:.2f} ms, p95 {p95:.2f} ms, max {max(every):.2f} ms over {len(every)} "
          f"calls — median/target {median / TARGET_MS:.3f} (target < 1: under {TARGET_MS:.0f} ms)")
    slowest = sorted(times, key=lambda name: statistics.median(times[name]), reverse=True)
    for name in slowest:
        print(f"      {statistics.median(times[name]):7.2f} ms median  {sizes[name]:5d} found  q={name!r}")


def main() -> None:
    count = int(os.environ.get("BENCH_PROCEDURES", "2000"))
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as var_dir:
        _setup_django(var_dir)
        from django.core.management import call_command
        from django.db import connection, reset_queries
        from django.test import Client

        from motcua.catalog import selectors
        from motcua.catalog.demo import DEMO_FILE
        from motcua.catalog.models import Procedure
        from motcua.org.demo import load_demo

        started = time.perf_counter()
        call_command("seed_demo", quiet_logins=True, verbosity=0, stdout=io.StringIO())
        agency, _ = load_demo()
        demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["procedures"]
        items = _variants(demo, count - Procedure.objects.filter(agency=agency).count())
        _write_variants(agency, items)
        total = Procedure.objects.filter(agency=agency).count()
        public = Procedure.objects.filter(agency=agency).published().count()
        print(f"setup: {total:,} procedures ({public:,} public) written in "
              f"{time.perf_counter() - started:.1f} s")

        sizes = {q: len(selectors.search_procedures(agency, q=q)) for q in (*QUERIES, "")}
        for q in ("cap doi so do", "nuoc duoi dat khai thac", "dtm"):
            print(f"   first for q={q!r}: {selectors.search_procedures(agency, q=q)[0]}")
        runs = {q: (lambda q=q: selectors.search_procedures(agency, q=q)) for q in (*QUERIES, "")}
        _time(runs, 2)  # warm the caches (SQLite pages, translations, the query compiler)
        _summary("search_procedures", _time(runs, ROUNDS), sizes)

        client = Client()
        assert client.get("/dich-vu-cong/thu-tuc/", {"q": "cap doi so do"}).status_code == 200
        pages = {q: (lambda q=q: client.get("/dich-vu-cong/thu-tuc/", {"q": q})) for q in (*QUERIES, "")}
        _time(pages, 2)
        _summary("public list page", _time(pages, ROUNDS), sizes)

        connection.force_debug_cursor = True
        reset_queries()
        client.get("/dich-vu-cong/thu-tuc/", {"q": "d"})
        print(f"   queries for one list page: {len(connection.queries)}")
        connection.force_debug_cursor = False


if __name__ == "__main__":
    main()
