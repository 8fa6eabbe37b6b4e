"""Benchmark: the IATI import against a bare iterparse floor, and its memory.

Builds a large IATI 2.03 file by repeating the real activities of
../shared/data/iati-activities under new identifiers, then measures in the
same run:

(a) floor: a bare lxml iterparse pass that only reads each activity's
    identifier, title, sectors and transactions, clearing as it goes;
(b) the full import, as ``partnerhub import-iati`` runs it (every activity
    read, mapped and classified; the migration-relevant ones written), into a
    new SQLite database;
(c) the same into PostgreSQL (a database of its own, ``partnerhub_bench_iati``);
(d) peak resident memory of the import (SQLite) at two file sizes, N/2 and N;
(e) the import with ``--all`` (every activity written) on a file of N/10
    activities, against the floor on that same file.

Each measurement runs in a fresh subprocess so that one does not warm or
bloat the next. The generated files (about 1.5 GiB for 100,000 activities)
are deleted at the end. The last line is one JSON object.

    .venv/bin/python bench/iati_import.py [--activities 100000] [--postgres URL] [--workdir DIR]
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from database import ensure_postgres_database
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "iati-activities"
SOURCES = sorted((SHARED / "dportal-covid19-2021").glob("*.xml"))
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/partnerhub_bench_iati"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument(
        "--postgres",
        default=DEFAULT_POSTGRES,
        help=f"the PostgreSQL database to import into, emptied first (default {DEFAULT_POSTGRES}); "
        "'' to skip PostgreSQL",
    )
    parser.add_argument(
        "--workdir",
        default="",
        help="where the generated files go (default: a new temporary folder); they are deleted at the end either way",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    return parser.parse_args()


# -- building the file ------------------------------------------------------


def real_activities() -> list[bytes]:
    """Every activity of the real 2.03 d-portal files, serialised once."""
    activities = []
    for path in SOURCES:
        for _event, element in etree.iterparse(str(path), tag="iati-activity"):
            activities.append(etree.tostring(element))
            element.clear()
    return activities


def build_file(path: Path, count: int, activities: list[bytes]) -> None:
    """``count`` activities: the real ones again and again, each under a new identifier."""
    with etree.xmlfile(str(path), encoding="utf-8") as xml:
        xml.write_declaration()
        with xml.element("iati-activities", version="2.03", **{"generated-datetime": "2026-11-27T00:00:00Z"}):
            for number in range(count):
                element = etree.fromstring(activities[number % len(activities)])
                identifier = element.find("iati-identifier")
                identifier.text = f"{(identifier.text or 'X').strip()}-BENCH-{number}"
                for name in list(element.attrib):
                    if name.startswith("{"):  # d-portal's own namespaced attributes
                        del element.attrib[name]
                xml.write(element)


# -- the measurements (each in its own process) ------------------------------


def floor_pass(path: Path) -> dict:
    started = time.perf_counter()
    count = 0
    for _event, activity in etree.iterparse(
        str(path), tag="iati-activity", resolve_entities=False, no_network=True, load_dtd=False
    ):
        activity.findtext("iati-identifier")
        activity.findtext("title/narrative")
        [sector.get("code") for sector in activity.iterfind("sector")]
        [
            (
                t.find("transaction-type").get("code") if t.find("transaction-type") is not None else None,
                t.findtext("value"),
                t.find("value-date").get("iso-date") if t.find("value-date") is not None else None,
            )
            for t in activity.iterfind("transaction")
        ]
        count += 1
        activity.clear()
        while activity.getprevious() is not None:
            del activity.getparent()[0]
    return {"activities": count, "seconds": time.perf_counter() - started}


def import_pass(path: Path, database_url: str, keep_all: bool) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "partnerhub.settings"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DEBUG"] = "false"  # the debug cursor keeps every query: memory and time
    import django

    django.setup()
    from django.core.management import call_command

    from partnerhub.iati.services import import_iati_files

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load-reference", verbosity=0)
    started = time.perf_counter()
    report = import_iati_files([path], keep_all=keep_all).as_dict()
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "activities": report["activities_read"],
        "created": report["created"],
        "errors": len(report["errors"]),
        "seconds": seconds,
        "peak_rss_mib": peak_kib / 1024,
    }


def run_child(*arguments: str) -> dict:
    command = [sys.executable, __file__, "--child", *arguments]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    finished = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if finished.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{finished.stderr[-3000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def child(arguments: list[str]) -> None:
    mode, path = arguments[0], Path(arguments[1])
    if mode == "floor":
        result = floor_pass(path)
    else:
        result = import_pass(path, arguments[2], keep_all=mode == "import-all")
    print(json.dumps(result))


# -- the run -------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    if args.child:
        child(args.child)
        return
    if not SOURCES:
        raise SystemExit(f"no real IATI files under {SHARED}: the benchmark needs ../shared/data")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="phbench-iati-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        summary = measure(args, workdir)
    finally:
        remove_generated(workdir, whole_folder=not args.workdir)
    for key, value in summary.items():
        print(f"{key:28} {value}")
    print(json.dumps(summary))


def measure(args: argparse.Namespace, workdir: Path) -> dict:
    activities = real_activities()
    full, half = workdir / f"activities-{args.activities}.xml", workdir / f"activities-{args.activities // 2}.xml"
    tenth = workdir / f"activities-{args.activities // 10}.xml"
    build_file(full, args.activities, activities)
    build_file(half, args.activities // 2, activities)
    build_file(tenth, args.activities // 10, activities)
    print(f"built {full.name} ({full.stat().st_size / 2**20:.0f} MiB) from {len(activities)} real activities")

    floor = run_child("floor", str(full))
    sqlite = run_child("import", str(full), f"sqlite:///{workdir / 'bench.sqlite3'}")
    half_sqlite = run_child("import", str(half), f"sqlite:///{workdir / 'bench-half.sqlite3'}")
    floor_tenth = run_child("floor", str(tenth))
    everything = run_child("import-all", str(tenth), f"sqlite:///{workdir / 'bench-all.sqlite3'}")
    postgres = None
    if args.postgres:
        ensure_postgres_database(args.postgres)
        postgres = run_child("import", str(full), args.postgres)
    return summarise(full.stat().st_size, floor, sqlite, half_sqlite, floor_tenth, everything, postgres)


def summarise(
    file_bytes: int,
    floor: dict,
    sqlite: dict,
    half_sqlite: dict,
    floor_tenth: dict,
    everything: dict,
    postgres: dict | None,
) -> dict:
    floor_rate = floor["activities"] / floor["seconds"]
    summary = {
        "activities": floor["activities"],
        "file_mib": round(file_bytes / 2**20, 1),
        "floor_seconds": round(floor["seconds"], 2),
        "floor_activities_per_s": round(floor_rate),
        "sqlite_seconds": round(sqlite["seconds"], 2),
        "activities_per_s_sqlite": round(sqlite["activities"] / sqlite["seconds"]),
        "import_over_floor_sqlite": round(sqlite["seconds"] / floor["seconds"], 2),
        "peak_rss_mib_half": round(half_sqlite["peak_rss_mib"], 1),
        "peak_rss_mib_full": round(sqlite["peak_rss_mib"], 1),
        "rss_growth_when_doubled": round(sqlite["peak_rss_mib"] / half_sqlite["peak_rss_mib"] - 1, 3),
        "migration_relevant_written": sqlite["created"],
        "import_errors": sqlite["errors"],
        "all_activities": everything["activities"],
        "all_activities_per_s_sqlite": round(everything["activities"] / everything["seconds"]),
        "import_all_over_floor_sqlite": round(everything["seconds"] / floor_tenth["seconds"], 2),
    }
    if postgres:
        summary.update(
            {
                "postgres_seconds": round(postgres["seconds"], 2),
                "activities_per_s_postgres": round(postgres["activities"] / postgres["seconds"]),
                "import_over_floor_postgres": round(postgres["seconds"] / floor["seconds"], 2),
            }
        )
    return summary


def remove_generated(workdir: Path, *, whole_folder: bool) -> None:
    """The generated files take about 1.5 GiB for 100,000 activities: never leave them behind."""
    if whole_folder:
        shutil.rmtree(workdir, ignore_errors=True)
        return
    for pattern in ("activities-*.xml", "bench*.sqlite3*"):
        for path in workdir.glob(pattern):
            path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
