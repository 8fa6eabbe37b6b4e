"""Benchmark: 50 signed-in users on the production server, on SQLite and on PostgreSQL.

Builds the portfolio of bench/analytics.py (its functions, same seed; default 100,000 engagements), adds
people of several circles — an EU-side editor, a Member State ministry's viewer, an embassy's viewer, a
Member State agency's editor and a partner country's authority — each signed in (a session in the
database, as after the sign-in form) and holding an API token, and rebuilds the search index. Then it
starts gunicorn (``partnerhub.wsgi``, loopback, ``--workers`` processes, DEBUG off) on that database and
drives it with locust, headless, for ``--seconds`` with ``--users`` concurrent users (bench/load_locustfile.py:
each user waits 1 to 2 s between requests, as someone reading a page does), on a mix of the engagement
list (with and without a country filter), engagement pages, country profiles, searches, and the API list
(with and without a country filter) and API detail with the token.

Before the measured minute the server is warmed up, unmeasured: each person opens every page of the mix
once, one after the other (every list, country, profile, search and API read the users will ask for), as a
deploy's smoke check would. A server that has just started, on data that has just changed, otherwise spends
its first 20 seconds compiling its templates in every worker and computing every circle's kept counts and
profiles at once while 50 users arrive (``--no-warm-up`` measures that too). A warm-up request that fails
counts among the errors.

Reported per database: requests per second, median and 95th percentile latency, errors, and per endpoint
the same with its share of the server's time (requests x mean latency), with the load average of the
machine. Each database is built in a fresh subprocess. The last line is one JSON object.

    .venv/bin/python bench/load.py [--engagements 100000] [--users 50] [--seconds 60] [--workers 3]
                                   [--postgres URL | --postgres '']
"""

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/partnerhub_bench_load"
STARTUP_SECONDS = 60
# Engagement ids each person may open, drawn from what they see (their detail pages and API reads).
VISIBLE_SAMPLE = 300
SEARCH_WORDS = ["migration", "border", "labour", "reintegration", "return", "refugees", "diaspora", "protection"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engagements", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (2 cores: 3)")
    parser.add_argument("--no-warm-up", dest="warm_up", action="store_false", help="measure from the first request")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' to skip PostgreSQL")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the SQLite database and the fixtures in DIR; a later run with the same DIR measures them again "
        "without building (PostgreSQL: the database named by --postgres is kept likewise)",
    )
    parser.add_argument("--child", nargs=2, metavar=("DATABASE", "FIXTURE"), help=argparse.SUPPRESS)
    return parser.parse_args()


# -- the data (in a child process: Django set up on the benchmark's database) ---------------------------


def build(database_url: str, size: int, fixture: Path) -> None:
    """The portfolio, the people and their credentials; what the users need is written to ``fixture``."""
    from database import configure, gather_statistics

    configure(database_url)
    from analytics import SHARED, Texts, build_portfolio, real_texts, synthetic_texts
    from django.core.management import call_command

    from partnerhub.search.indexer import rebuild

    started = time.perf_counter()
    editor, iso3, _in_country = build_portfolio(size, Texts(real_texts() if SHARED.exists() else synthetic_texts()))
    call_command("refresh-figures", verbosity=0)
    rebuild()
    gather_statistics()  # as autovacuum would on PostgreSQL (off on this machine's server)
    built_s = time.perf_counter() - started
    people = {"eu_editor": editor, **other_people(iso3)}
    countries = busiest_countries(5)
    fixture.write_text(
        json.dumps(
            {
                "built_s": round(built_s, 1),
                "countries": countries,
                "search_words": SEARCH_WORDS,
                "people": [credentials(name, user, countries) for name, user in people.items()],
            }
        )
    )


def other_people(partner_iso3: str) -> dict:
    """People of the other circles, in organisations of the kinds the portfolio does not make itself."""
    from django.contrib.auth import get_user_model

    from partnerhub.access.models import Membership, Organisation
    from partnerhub.geo.models import Country

    def person(username: str, organisation: Organisation, role: str):
        user = get_user_model().objects.create_user(username, password="x")  # noqa: S106
        Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    germany, france = Country.objects.get(iso3="DEU"), Country.objects.get(iso3="FRA")
    ministry = Organisation.objects.create(name="Bench interior ministry", kind="ms_ministry", country=germany)
    embassy = Organisation.objects.create(name="Bench embassy", kind="ms_embassy", country=france)
    authority = Organisation.objects.create(
        name="Bench partner authority", kind="partner_authority", country=Country.objects.get(iso3=partner_iso3)
    )
    agency = Organisation.objects.get(name="Bench agency FRA")
    return {
        "ms_ministry_viewer": person("bench.ministry", ministry, "viewer"),
        "embassy_viewer": person("bench.embassy", embassy, "viewer"),
        "ms_agency_editor": person("bench.agency", agency, "editor"),
        "partner_authority": person("bench.partner", authority, "editor"),
    }


def busiest_countries(count: int) -> list[str]:
    from django.db.models import Count

    from partnerhub.registry.models import EngagementCountry

    rows = (
        EngagementCountry.objects.unrestricted("the benchmark picks the countries its users filter on")
        .values("country__iso3")
        .order_by()
        .annotate(n=Count("pk"))
        .order_by("-n")[:count]
    )
    return [row["country__iso3"] for row in rows]


def credentials(name: str, user, countries: list[str]) -> dict:
    """A signed-in session (as the sign-in form leaves it), an API token, and engagements the person sees."""
    import random

    from django.conf import settings
    from django.test import Client

    from partnerhub.access.models import ApiToken
    from partnerhub.registry.models import Engagement

    client = Client()
    client.force_login(user)
    _token, raw = ApiToken.issue(user, "load benchmark")
    visible = list(Engagement.objects.visible_to(user).order_by("pk").values_list("pk", flat=True))
    return {
        "name": name,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "token": raw,
        "engagements": random.Random(name).sample(visible, min(VISIBLE_SAMPLE, len(visible))),
        "visible": len(visible),
    }


# -- the server and the load -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "partnerhub.settings",
        "DEBUG": "false",
        # As the README's production set-up: each worker keeps its connection between requests.
        "DATABASE_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }


def start_server(database_url: str, port: int, workers: int) -> subprocess.Popen:
    """gunicorn as in production (docs/deployment), on loopback only, in a process group of its own."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "partnerhub.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=server_environment(database_url), start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up ({server.returncode})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("gunicorn did not answer in time")


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run_locust(port: int, fixture: Path, users: int, seconds: int, csv_prefix: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "locust",
        "--locustfile",
        str(BENCH / "load_locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 5)),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "30",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    environment = {**os.environ, "LOAD_FIXTURE": str(fixture)}
    # Errors are counted from the statistics, not from locust's exit code (1 when any request failed).
    completed = subprocess.run(  # noqa: S603 (locust on our own locustfile)
        command, env=environment, check=False, timeout=seconds + 120, capture_output=True, text=True
    )
    if not Path(f"{csv_prefix}_stats.csv").exists():
        sys.stderr.write(completed.stderr[-3000:])
        raise SystemExit("locust wrote no statistics")


def read_statistics(csv_prefix: Path) -> tuple[dict, list[dict]]:
    """The overall figures and one row per endpoint, from locust's statistics file."""
    with open(f"{csv_prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))

    def figures(row: dict) -> dict:
        return {
            "name": row["Name"],
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "requests_per_s": round(float(row["Requests/s"]), 2),
            "median_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "mean_ms": float(row["Average Response Time"]),
        }

    endpoints = [figures(row) for row in rows if row["Name"] != "Aggregated"]
    total = figures(next(row for row in rows if row["Name"] == "Aggregated"))
    server_ms = sum(e["requests"] * e["mean_ms"] for e in endpoints) or 1.0
    for endpoint in endpoints:
        endpoint["share"] = round(endpoint["requests"] * endpoint["mean_ms"] / server_ms, 3)
    return total, sorted(endpoints, key=lambda e: -e["share"])


def measure(database_url: str, engine: str, args, workdir: Path) -> dict:
    fixture = workdir / f"fixture-{engine}.json"
    if not (args.keep and fixture.exists()):
        build_in_child(database_url, args.engagements, fixture, engine)
    port = free_port()
    server = start_server(database_url, port, args.workers)
    warm_up_errors, warm_up_s = 0, 0.0
    try:
        if args.warm_up:
            started = time.perf_counter()
            warm_up_errors = warm_up(port, json.loads(fixture.read_text()))
            warm_up_s = time.perf_counter() - started
            if warm_up_errors and args.keep:
                raise SystemExit(
                    f"{warm_up_errors} warm-up requests failed: the kept {fixture.name} may no longer match the "
                    f"database (rebuilt by another run?); delete it to build again"
                )
        run_locust(port, fixture, args.users, args.seconds, workdir / f"locust-{engine}")
        load_average = os.getloadavg()
    finally:
        stop_server(server)
    total, endpoints = read_statistics(workdir / f"locust-{engine}")
    report(engine, total, endpoints, load_average)
    return {
        f"requests_per_s_{engine}": total["requests_per_s"],
        f"median_ms_{engine}": total["median_ms"],
        f"p95_ms_{engine}": total["p95_ms"],
        f"errors_{engine}": total["errors"] + warm_up_errors,
        f"warm_up_s_{engine}": round(warm_up_s, 1),
        f"requests_{engine}": total["requests"],
        f"load_average_1min_{engine}": round(load_average[0], 2),
        f"build_s_{engine}": json.loads(fixture.read_text())["built_s"],
        f"slowest_endpoint_{engine}": endpoints[0]["name"] if endpoints else "",
        f"slowest_endpoint_share_{engine}": endpoints[0]["share"] if endpoints else 0,
    }


def warm_up_paths(fixture: dict, person: dict) -> list[tuple[str, dict[str, str]]]:
    """Every page of the locustfile's mix, once, for ``person``: with their session, or their token."""
    browser = {"Cookie": f"{person['session_cookie']}={person['session']}"}
    api = {"Authorization": f"Bearer {person['token']}"}
    engagement = person["engagements"][0] if person["engagements"] else None
    paths = [(f"/engagements/{page}", browser) for page in ("", "?page=2", "?page=40")]
    for country in fixture["countries"]:
        paths += [(f"/engagements/?country={country}", browser), (f"/countries/{country}/", browser)]
        paths.append((f"/api/engagements?country={country}", api))
    paths += [(f"/search/?q={word}", browser) for word in fixture["search_words"]]
    paths.append(("/api/engagements", api))
    if engagement is not None:
        paths += [(f"/engagements/{engagement}/", browser), (f"/api/engagements/{engagement}", api)]
    return paths


def warm_up(port: int, fixture: dict) -> int:
    """Each person opens every page of the mix once (``warm_up_paths``); returns how many failed."""
    failures = 0
    for person in fixture["people"]:
        for path, headers in warm_up_paths(fixture, person):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (loopback)
                    response.read()
            except OSError as error:  # HTTPError included: a 4xx or 5xx
                failures += 1
                sys.stderr.write(f"warm-up {path} ({person['name']}): {error}\n")
    return failures


def build_in_child(database_url: str, size: int, fixture: Path, engine: str) -> None:
    command = [sys.executable, __file__, "--engagements", str(size), "--child", database_url, str(fixture)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (our own script)
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"building the data failed: {engine}")


def report(engine: str, total: dict, endpoints: list[dict], load_average: tuple[float, float, float]) -> None:
    print(
        f"{engine}: {total['requests_per_s']} requests/s, median {total['median_ms']:.0f} ms, "
        f"p95 {total['p95_ms']:.0f} ms, {total['errors']} errors of {total['requests']} "
        f"(load average {load_average[0]:.2f} {load_average[1]:.2f} {load_average[2]:.2f})"
    )
    print(f"  {'endpoint':28} {'requests':>8} {'errors':>6} {'median':>8} {'p95':>8} {'server time':>11}")
    for e in endpoints:
        print(
            f"  {e['name']:28} {e['requests']:8} {e['errors']:6} {e['median_ms']:6.0f}ms "
            f"{e['p95_ms']:6.0f}ms {e['share']:10.0%}"
        )
    sys.stdout.flush()


def main() -> None:
    args = parse_args()
    if args.child:
        database_url, fixture = args.child
        build(database_url, args.engagements, Path(fixture))
        return
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="phbench-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    summary: dict = {"engagements": args.engagements, "users": args.users, "seconds": args.seconds}
    summary["workers"] = args.workers
    summary.update(measure(f"sqlite:///{workdir}/bench.sqlite3", "sqlite", args, workdir))
    if not args.keep:
        (workdir / "bench.sqlite3").unlink(missing_ok=True)
    if args.postgres:
        from database import ensure_postgres_database

        if not (args.keep and (workdir / "fixture-postgres.json").exists()):
            ensure_postgres_database(args.postgres)
        summary.update(measure(args.postgres, "postgres", args, workdir))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
