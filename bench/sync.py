"""Benchmark: the IATI Registry sync over a simulated registry, first run and a nightly run.

Generates the activity files of N publishers (two datasets each) into a work
folder and serves them, with a CKAN ``package_search`` answering like the IATI
Registry's, from a separate process on 127.0.0.1 (ETag, Last-Modified, 304).
The activities are generated: one publisher's own, compact but complete
(identifier, reporting and participating organisations, title, description,
status, dates, recipient country, sector, budget, two transactions); one in
ten carries migration's purpose code and words, as in the real files where
about 11 % are kept. Then, in the same run:

(a) floor: every file fetched with a plain GET and read with a bare lxml
    iterparse (identifiers only), no database;
(b) the first sync: ``sync_publishers`` with every publisher subscribed,
    into a new SQLite database (or PostgreSQL with ``--postgres``);
(c) the nightly sync after 2 % of the datasets changed (in each, one activity in
    ten retitled and one dropped, which the sync withdraws).

Figures: activities/s of the first sync and of the floor, their ratio, the
nightly run's seconds (wall clock, and the CPU seconds of the syncing process,
which other jobs on a shared machine do not inflate), the datasets and the
fraction of bytes it downloaded.
The last line is one JSON object.

    .venv/bin/python bench/sync.py [--publishers 1000 --activities 1000000] [--small] [--postgres URL]
"""

import argparse
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from email.utils import formatdate
from pathlib import Path

DATASETS_PER_PUBLISHER = 2
CHANGED_SHARE = 0.02
MIGRATION_EVERY = 10
COUNTRIES = ("MA", "TN", "SN", "NG", "ET", "NE", "ML", "BD", "PK", "AF", "CO", "VE", "LB", "JO", "TR", "UA")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publishers", type=int, default=1000)
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--small", action="store_true", help="20 publishers and 2,000 activities, for the test")
    parser.add_argument("--postgres", default="", help="a PostgreSQL database URL (emptied first); SQLite by default")
    parser.add_argument("--workdir", default="", help="where the files go (default: a temporary folder, deleted)")
    parser.add_argument("--serve", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.small:
        args.publishers, args.activities = 20, 2000
    return args


# -- the simulated registry (run in its own process) --------------------------------


def serve(folder: Path) -> None:
    """Serve ``folder``'s index.json as CKAN's package_search and its files with validators."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlsplit

    index: dict = {}
    loaded_at = [0.0]

    def datasets() -> dict:
        stamp = (folder / "index.json").stat().st_mtime
        if stamp != loaded_at[0]:
            index.clear()
            index.update(json.loads((folder / "index.json").read_text()))
            loaded_at[0] = stamp
        return index

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 (the base class's name)
            pass

        def do_GET(self):  # noqa: N802 (http.server's name)
            url = urlsplit(self.path)
            if url.path == "/api/3/action/package_search":
                self._search(parse_qs(url.query))
            elif url.path.startswith("/files/"):
                self._file(url.path.removeprefix("/files/"))
            else:
                self._send(404, b"")

        def _search(self, query) -> None:
            publisher = query["fq"][0].removeprefix("organization:")
            rows, start = int(query["rows"][0]), int(query["start"][0])
            own = sorted(name for name, d in datasets().items() if d["publisher"] == publisher)
            host = f"http://{self.headers['Host']}"
            results = [
                {
                    "name": name,
                    "organization": {"name": publisher},
                    "extras": [{"key": "filetype", "value": "activity"}],
                    "resources": [
                        {"url": f"{host}/files/{name}.xml", "hash": index[name]["sha1"], "size": index[name]["size"]}
                    ],
                }
                for name in own[start : start + rows]
            ]
            body = json.dumps({"success": True, "result": {"count": len(own), "results": results}}).encode()
            self._send(200, body, {"Content-Type": "application/json"})

        def _file(self, file_name: str) -> None:
            entry = datasets().get(file_name.removesuffix(".xml"))
            if entry is None:
                self._send(404, b"")
                return
            etag, modified = f'"{entry["sha1"][:20]}"', formatdate(entry["mtime"], usegmt=True)
            if self.headers.get("If-None-Match") == etag:
                self._send(304, None, {"ETag": etag})
                return
            body = (folder / file_name).read_bytes()
            self._send(200, body, {"Content-Type": "application/xml", "ETag": etag, "Last-Modified": modified})

        def _send(self, status: int, body: bytes | None, headers: dict | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if body is not None:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


# -- generated files ---------------------------------------------------------------


def activity_xml(publisher: int, number: int, edition: int) -> str:
    """One activity of the publisher; ``edition`` > 0 is a later version of it."""
    org = f"XM-BENCH-{publisher:04d}"
    identifier = f"{org}-{number:07d}"
    migration = number % MIGRATION_EVERY == 0
    country = COUNTRIES[number % len(COUNTRIES)]
    if migration:
        title = f"Support to migrants and labour migration governance {number} ({country})"
        sector = "15190"
    else:
        title = f"Rural water supply and sanitation programme {number} ({country})"
        sector = "14030"
    if edition:
        title += f", phase {edition + 1}"
    amount = 100_000 + (number * 7919) % 5_000_000
    return (
        f'<iati-activity last-updated-datetime="2026-1{edition % 2}-0{1 + edition % 9}T00:00:00Z" '
        f'xml:lang="en" default-currency="EUR">'
        f"<iati-identifier>{identifier}</iati-identifier>"
        f'<reporting-org ref="{org}" type="10"><narrative>Bench publisher {publisher}</narrative></reporting-org>'
        f"<title><narrative>{title}</narrative></title>"
        f'<description type="1"><narrative>Generated activity {number} of publisher {publisher}, '
        f"for the sync benchmark.</narrative></description>"
        f'<participating-org ref="{org}" role="1" type="10"><narrative>Bench publisher {publisher}</narrative>'
        f"</participating-org>"
        f'<activity-status code="2"/>'
        f'<activity-date iso-date="2024-01-01" type="1"/><activity-date iso-date="2027-12-31" type="3"/>'
        f'<recipient-country code="{country}" percentage="100"/>'
        f'<sector code="{sector}" vocabulary="1" percentage="100"/>'
        f'<budget type="1" status="2"><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>'
        f'<value currency="EUR" value-date="2024-01-01">{amount}</value></budget>'
        f'<transaction><transaction-type code="2"/><transaction-date iso-date="2024-02-01"/>'
        f'<value currency="EUR" value-date="2024-02-01">{amount}</value></transaction>'
        f'<transaction><transaction-type code="3"/><transaction-date iso-date="2024-06-01"/>'
        f'<value currency="EUR" value-date="2024-06-01">{amount // 2}</value></transaction>'
        f"</iati-activity>"
    )


def write_dataset(path: Path, publisher: int, numbers: range, edition: int = 0) -> dict:
    """The file of these activities; in a later edition one in ten is retitled and the first is dropped."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">']
    for number in numbers:
        if edition and number == numbers.start:
            continue
        parts.append(activity_xml(publisher, number, edition if number % 10 == 0 else 0))
    parts.append("</iati-activities>\n")
    body = "\n".join(parts).encode()
    path.write_bytes(body)
    return {"sha1": hashlib.sha1(body, usedforsecurity=False).hexdigest(), "size": len(body), "mtime": time.time()}


def build_registry(folder: Path, publishers: int, activities: int) -> dict:
    per_dataset = activities // (publishers * DATASETS_PER_PUBLISHER)
    index = {}
    for publisher in range(publishers):
        for part in range(DATASETS_PER_PUBLISHER):
            name = f"pub-{publisher:04d}-{part}"
            start = (publisher * DATASETS_PER_PUBLISHER + part) * per_dataset
            index[name] = {
                "publisher": f"pub-{publisher:04d}",
                "number": publisher,
                "start": start,
                "count": per_dataset,
                **write_dataset(folder / f"{name}.xml", publisher, range(start, start + per_dataset)),
            }
    (folder / "index.json").write_text(json.dumps(index))
    return index


def change_some(folder: Path, index: dict, share: float, seed: int = 15) -> list[str]:
    """Publish a new edition of ``share`` of the datasets."""
    chosen = sorted(random.Random(seed).sample(sorted(index), max(1, round(len(index) * share))))
    for name in chosen:
        entry = index[name]
        numbers = range(entry["start"], entry["start"] + entry["count"])
        entry.update(write_dataset(folder / f"{name}.xml", entry["number"], numbers, edition=1))
    (folder / "index.json").write_text(json.dumps(index))
    return chosen


# -- measuring -----------------------------------------------------------------------


def floor_pass(base: str, index: dict) -> dict:
    """Every file fetched and read with a bare iterparse: what any sync must at least do."""
    from lxml import etree

    started, activities, size = time.perf_counter(), 0, 0
    for name in index:
        with urllib.request.urlopen(f"{base}/files/{name}.xml", timeout=60) as response:  # noqa: S310 (our server)
            body = response.read()
        size += len(body)
        for _event, element in etree.iterparse(io.BytesIO(body), tag="iati-activity"):
            activities += element.findtext("iati-identifier") is not None
            element.clear()
    return {"seconds": time.perf_counter() - started, "activities": activities, "bytes": size}


def sync_pass(api_url: str, download_dir: Path) -> dict:
    from partnerhub.iati.sync import SyncOptions, sync_publishers

    options = SyncOptions.from_settings(registry_url=api_url, timeout=120.0, max_bytes=2**31, download_dir=download_dir)
    started, cpu_started = time.perf_counter(), time.process_time()
    reports = sync_publishers(options=options)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu_started,
        "activities_read": sum(r.imported.activities_read for r in reports),
        "written": sum(r.imported.created + r.imported.updated for r in reports),
        "downloaded": sum(r.downloaded for r in reports),
        "unchanged": sum(r.unchanged for r in reports),
        "failed": sum(r.failed for r in reports),
        "bytes": sum(r.bytes_downloaded for r in reports),
        "withdrawn": sum(r.withdrawn for r in reports),
    }


def start_server(folder: Path) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(  # noqa: S603 (this script)
        [sys.executable, __file__, "--serve", str(folder)], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    port = int(server.stdout.readline())
    return server, f"http://127.0.0.1:{port}"


def main() -> None:
    args = parse_args()
    if args.serve:
        serve(Path(args.serve))
        return
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="phbench-sync-"))
    files, downloads = workdir / "registry", workdir / "downloads"
    files.mkdir(parents=True, exist_ok=True)
    try:
        summary = measure(args, files, downloads)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for key, value in summary.items():
        print(f"{key:40} {value}")
    print(json.dumps(summary))


def measure(args: argparse.Namespace, files: Path, downloads: Path) -> dict:
    started = time.perf_counter()
    index = build_registry(files, args.publishers, args.activities)
    total_bytes = sum(entry["size"] for entry in index.values())
    print(f"generated {len(index)} datasets, {total_bytes / 2**20:.0f} MiB in {time.perf_counter() - started:.0f} s")
    server, base = start_server(files)
    try:
        return run_syncs(args, files, downloads, index, base, total_bytes)
    finally:
        server.terminate()
        server.wait()


def run_syncs(args, files: Path, downloads: Path, index: dict, base: str, total_bytes: int) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from database import configure

    os.environ.setdefault("DEBUG", "false")
    engine = configure(args.postgres)
    from partnerhub.access.models import Organisation
    from partnerhub.iati.models import PublisherSubscription

    floor = floor_pass(base, index)
    print(f"floor: {floor['activities'] / floor['seconds']:.0f} activities/s")
    asking = Organisation.objects.create(name="Benchmark coordinators", kind="other")
    PublisherSubscription.objects.bulk_create(
        PublisherSubscription(publisher_id=f"pub-{number:04d}", organisation=asking, keep_all=False)
        for number in range(args.publishers)
    )
    api_url = f"{base}/api/3/action/"
    first = sync_pass(api_url, downloads)
    print(f"first sync: {first['activities_read'] / first['seconds']:.0f} activities/s")
    changed = change_some(files, index, CHANGED_SHARE)
    changed_bytes = sum(index[name]["size"] for name in changed)
    nightly = sync_pass(api_url, downloads)
    activities = floor["activities"]
    return {
        "database": engine,
        "publishers": args.publishers,
        "datasets": len(index),
        "activities": activities,
        "files_mib": round(total_bytes / 2**20, 1),
        "floor_seconds": round(floor["seconds"], 1),
        "floor_activities_per_s": round(activities / floor["seconds"]),
        "first_sync_seconds": round(first["seconds"], 1),
        "first_sync_cpu_seconds": round(first["cpu_seconds"], 1),
        "first_sync_activities_per_s": round(first["activities_read"] / first["seconds"]),
        "first_sync_over_floor": round(first["seconds"] / floor["seconds"], 2),
        "first_sync_written": first["written"],
        "first_sync_failed": first["failed"],
        "nightly_changed_datasets": len(changed),
        "nightly_seconds": round(nightly["seconds"], 1),
        "nightly_cpu_seconds": round(nightly["cpu_seconds"], 1),
        "nightly_downloaded_datasets": nightly["downloaded"],
        "nightly_unchanged_datasets": nightly["unchanged"],
        "nightly_activities_read": nightly["activities_read"],
        "nightly_activities_per_s": round(nightly["activities_read"] / nightly["seconds"]),
        "nightly_covered_activities_per_s": round(activities / nightly["seconds"]),
        "nightly_bytes_fraction": round(nightly["bytes"] / total_bytes, 4),
        "nightly_changed_bytes_fraction": round(changed_bytes / total_bytes, 4),
        "nightly_written": nightly["written"],
        "nightly_withdrawn": nightly["withdrawn"],
        "nightly_failed": nightly["failed"],
        "nightly_under_5_minutes": nightly["seconds"] < 300,
        "load_average_1min_at_end": round(os.getloadavg()[0], 1),
    }


if __name__ == "__main__":
    main()
