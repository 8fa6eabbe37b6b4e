"""Benchmark: the country profile and the overlap finder on large portfolios.

Generates portfolios of 10,000 and 100,000 engagements whose titles and
descriptions are those of the real IATI activities in ../shared/data, each
used once, then new texts drawn from their words (synthetic sentences when
../shared is absent), spread over 60 partner countries with a realistic skew
(the largest country holds about 8 % of the engagements), owned by the EU,
27 Member States' agencies and IOM, with budgets, commitments and
disbursements, parent programmes and their contracts (``is part of``), funding
chains stated by IATI transactions, and planted near-duplicates by other
owners. Then, in the same run and process:

- floor: a plain ``SELECT`` of the largest country's visible engagements
  with their money lines (``values_list``, no computation);
- the country profile page of that country (``/countries/<iso3>/``) through
  Django's test client, as an EU-side editor: median and 95th percentile of
  the server time over 50 requests (the figures are then kept per circle
  until the data changes, see ``partnerhub.analysis.figures.cache``);
- the same page computed afresh each time (the cache cleared before each
  request), as after any change to the data: "cold";
- one edit of a commitment of an engagement in that country through the
  registry's service, then the profile page, as its editor sees it next:
  "edit then profile";
- the pages over every partner country (``/countries/``,
  ``/countries/balance/``, ``/team-europe/``) computed afresh, the slowest of
  them: "all countries, cold" (SQLite only);
- the overlap finder over the whole portfolio (SQLite only).

Each portfolio size and database runs in a fresh subprocess. The last line
is one JSON object.

    .venv/bin/python bench/analytics.py [--sizes 10000 100000] [--postgres URL] [--requests 50]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from database import configure, ensure_postgres_database, gather_statistics
from timing import timed

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "iati-activities"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/partnerhub_bench_analytics"
PARTNER_COUNTRIES = 60
CENT = Decimal("0.01")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' to skip PostgreSQL")
    parser.add_argument("--child", nargs=3, metavar=("DATABASE", "SIZE", "OVERLAPS"), help=argparse.SUPPRESS)
    return parser.parse_args()


# -- texts ------------------------------------------------------------------


def real_texts() -> list[tuple[str, str]]:
    """(title, description) of every activity in the real files, first narrative each."""
    from lxml import etree

    texts = []
    for path in sorted(SHARED.rglob("*.xml")):
        if "legacy" in path.parts:
            continue
        try:
            for _event, activity in etree.iterparse(str(path), tag="iati-activity", resolve_entities=False):
                title = activity.findtext("title/narrative") or activity.findtext("title") or ""
                description = activity.findtext("description/narrative") or ""
                if title.strip():
                    texts.append((title.strip()[:400], description.strip()[:1500]))
                activity.clear()
        except etree.XMLSyntaxError:
            continue
    return texts


class Texts:
    """The real activities' texts once each, then new texts of the same words.

    A portfolio of 100,000 real projects does not repeat 2,000 texts fifty
    times; repeating them would measure the finder on families of identical
    records. Past the real texts, each title and description is drawn word by
    word from the real texts' distinct words, each as likely as any other (drawn
    by their frequencies, every text would be made of the same common words and
    look alike).
    """

    def __init__(self, real: list[tuple[str, str]]):
        self.real = real
        words = {
            w.lower()
            for title, description in real
            for w in f"{title} {description}".split()
            if len(w) > 3 and w.isalpha()
        }
        self.vocabulary = sorted(words) or ["migration"]

    def text(self, n: int, rng: random.Random) -> tuple[str, str]:
        if n < len(self.real):
            return self.real[n]
        title = " ".join(rng.choices(self.vocabulary, k=rng.randint(5, 12)))
        return title.capitalize(), " ".join(rng.choices(self.vocabulary, k=rng.randint(20, 80)))


def synthetic_texts() -> list[tuple[str, str]]:
    rng = random.Random(7)
    subjects = [
        "reintegration of returnees",
        "labour mobility",
        "border management",
        "diaspora investment",
        "protection of refugees",
        "migration data",
        "anti-smuggling cooperation",
        "remittance costs",
    ]
    places = ["northern provinces", "the capital region", "border areas", "rural districts", "coastal towns"]
    return [
        (
            f"Support to {rng.choice(subjects)} in {rng.choice(places)}",
            f"The action works on {rng.choice(subjects)} with local authorities in {rng.choice(places)}.",
        )
        for _ in range(2000)
    ]


# -- the portfolio ----------------------------------------------------------


def build_portfolio(size: int, texts: "Texts"):
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from partnerhub.access.models import Membership, Organisation
    from partnerhub.geo.models import Country
    from partnerhub.registry.models import (
        Engagement,
        EngagementCountry,
        EngagementLink,
        EngagementTheme,
        MoneyLine,
        Participation,
        Theme,
    )

    rng = random.Random(20261127)
    # Action Plan countries first: they get the largest shares, as in reality.
    countries = list(Country.objects.partners().order_by("-is_priority_partner", "iso3")[:PARTNER_COUNTRIES])
    # Zipf-like weights: a few countries hold much of the portfolio, as Morocco, Tunisia or Niger do.
    weights = [1 / (rank + 1) ** 0.6 for rank in range(len(countries))]
    themes = list(Theme.objects.filter(parent__isnull=False))
    states = list(Country.objects.member_states())
    eu = Organisation.objects.create(name="Bench Commission", kind="eu_institution", acronym="BEC")
    agencies = [Organisation.objects.create(name=f"Bench agency {s.iso3}", kind="ms_agency", country=s) for s in states]
    iom = Organisation.objects.create(name="Bench IOM", kind="international", acronym="BIOM")
    owners = [eu] * 8 + agencies + [iom] * 3
    viewer = get_user_model().objects.create_user("bench.viewer", password="x")  # noqa: S106
    Membership.objects.create(user=viewer, organisation=eu, role="editor")
    levels = ["public", "public", "partner", "eu", "eu", "eu", "restricted", "originator"]

    engagements = []
    for n in range(size):
        title, description = texts.text(n, rng)
        start = date(2016, 1, 1) + timedelta(days=rng.randrange(3300))
        engagements.append(
            Engagement(
                owner=rng.choice(owners),
                sharing_level=rng.choice(levels),
                kind="project",
                status="implementation",
                title=f"{title} ({n})"[:500],
                description=description,
                planned_start=start,
                planned_end=start + timedelta(days=rng.randrange(300, 1800)),
                iati_identifier=f"XX-BENCH-{n}",
                provenance="iati",
            )
        )
    for engagement in engagements:
        engagement.start_date, engagement.end_date = engagement.planned_start, engagement.planned_end
    Engagement.objects.bulk_create(engagements, batch_size=2000)
    rows = list(
        Engagement.objects.unrestricted("the benchmark reads back the records it has just built")
        .order_by("pk")
        .values_list("pk", "owner_id", "iati_identifier")
    )

    country_rows, theme_rows, money_rows, participations, links = [], [], [], [], []
    for index, (pk, _owner, _identifier) in enumerate(rows):
        chosen = {rng.choices(countries, weights)[0] for _ in range(1 if rng.random() < 0.85 else 3)}
        share = None if len(chosen) == 1 or rng.random() < 0.5 else (Decimal(100) / len(chosen)).quantize(CENT)
        country_rows += [EngagementCountry(engagement_id=pk, country=c, share=share) for c in chosen]
        theme_rows += [
            EngagementTheme(engagement_id=pk, theme=t) for t in rng.sample(themes, 1 if rng.random() < 0.7 else 2)
        ]
        participations.append(Participation(engagement_id=pk, organisation=rng.choice(owners), role="implementer"))
        amount = Decimal(rng.randrange(10**5, 10**7))
        year_date = date(2017 + rng.randrange(8), 1 + rng.randrange(12), 1)
        money_rows += [
            MoneyLine(
                engagement_id=pk,
                kind="budget",
                amount=amount * 2,
                currency="EUR",
                value_date=year_date,
                amount_eur=amount * 2,
            ),
            MoneyLine(
                engagement_id=pk,
                kind="commitment",
                amount=amount,
                currency="EUR",
                value_date=year_date,
                amount_eur=amount,
            ),
            MoneyLine(
                engagement_id=pk,
                kind="disbursement",
                amount=amount / 2,
                currency="EUR",
                value_date=year_date + timedelta(days=200),
                amount_eur=amount / 2,
            ),
        ]
        if index % 20 == 1:  # a contract under the previous programme
            links.append(EngagementLink(source_id=pk, target_id=rows[index - 1][0], kind="part_of", from_iati=True))
        if index % 50 == 2:  # delegated cooperation stated by a transaction
            money_rows.append(
                MoneyLine(
                    engagement_id=pk,
                    kind="incoming",
                    amount=amount / 2,
                    currency="EUR",
                    value_date=year_date,
                    amount_eur=amount / 2,
                    provider_activity=rows[index - 2][2],
                )
            )
    EngagementCountry.objects.bulk_create(country_rows, batch_size=5000)
    EngagementTheme.objects.bulk_create(theme_rows, batch_size=5000)
    Participation.objects.bulk_create(participations, batch_size=5000)
    MoneyLine.objects.bulk_create(money_rows, batch_size=5000)
    EngagementLink.objects.bulk_create(links, batch_size=5000)
    plant_duplicates(rng, rows, owners)
    busiest = (
        EngagementCountry.objects.unrestricted("the benchmark picks its busiest country")
        .values("country__iso3")
        .order_by()
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return viewer, busiest["country__iso3"], busiest["n"]


def plant_duplicates(rng, rows, owners) -> None:
    """One in 200 engagements gets a near-copy by another owner in the same country and theme."""
    from partnerhub.registry.models import Engagement, EngagementCountry, EngagementTheme

    originals = (
        Engagement.objects.unrestricted("the benchmark copies records it has just built")
        .filter(pk__in=[pk for pk, _o, _i in rows[::200]])
        .prefetch_related("country_shares", "theme_shares")
    )
    for original in originals:
        other = rng.choice([o for o in owners if o.pk != original.owner_id])
        copy = Engagement.objects.create(
            owner=other,
            sharing_level="eu",
            kind="project",
            status="implementation",
            title=f"{original.title} – phase II"[:500],
            description=original.description,
            planned_start=original.planned_start,
            planned_end=original.planned_end,
        )
        EngagementCountry.objects.bulk_create(
            EngagementCountry(engagement=copy, country_id=s.country_id) for s in original.country_shares.all()
        )
        EngagementTheme.objects.bulk_create(
            EngagementTheme(engagement=copy, theme_id=s.theme_id) for s in original.theme_shares.all()
        )


# -- measuring --------------------------------------------------------------


def child(database_url: str, size: int, with_overlaps: bool, requests: int) -> dict:
    os.environ["DEBUG"] = "false"
    configure(database_url)
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from partnerhub.registry.models import Engagement, MoneyLine

    started = time.perf_counter()
    viewer, iso3, in_country = build_portfolio(size, Texts(real_texts() if SHARED.exists() else synthetic_texts()))
    built_s = time.perf_counter() - started
    # The portfolio is written in bulk, as a data migration would: the counted-once rows are
    # computed once for all, as `partnerhub refresh-figures` does.
    started = time.perf_counter()
    call_command("refresh-figures", verbosity=0)
    counted_s = time.perf_counter() - started
    gather_statistics()  # as autovacuum would on PostgreSQL (off on this machine's server)
    # As a server process starts (``partnerhub.wsgi``): exchange rates read, every view imported, and
    # what is loaded so far kept out of the garbage collector's full passes.
    import partnerhub.wsgi  # noqa: F401

    def floor():
        visible = Engagement.objects.visible_to(viewer).filter(country_shares__country__iso3=iso3)
        list(visible.values_list("pk", "title", "owner_id", "instrument_id", "sharing_level"))
        list(MoneyLine.objects.of(engagement=visible).values_list("engagement_id", "kind", "value_date", "amount_eur"))

    client = Client()
    client.force_login(viewer)

    def profile_page():
        response = client.get(f"/countries/{iso3}/")
        assert response.status_code == 200, response.status_code

    def cold_profile_page():
        cache.clear()  # the figures are computed again, as after any change to the data
        profile_page()

    edited = editable_engagement(viewer, iso3)

    def edit_then_profile():
        edit_commitment(edited, viewer)
        profile_page()

    result = {
        "engagements": Engagement.objects.unrestricted("the size of the benchmark").count(),
        "country": iso3,
        "country_engagements": in_country,
        "build_s": round(built_s, 1),
        "counted_rows_s": round(counted_s, 1),
        "floor": timed(floor, requests),
        "profile": timed(profile_page, requests),
        "profile_cold": timed(cold_profile_page, max(5, requests // 5)),
        "edit_then_profile": timed(edit_then_profile, max(5, requests // 5)),
    }
    if with_overlaps:
        result["all_countries_cold"] = {
            path: timed(lambda path=path: cold_page(client, path), 3) for path in ALL_COUNTRIES_PAGES
        }
        from partnerhub.overlaps.finder import find_overlaps

        started = time.perf_counter()
        report = find_overlaps()
        result["overlap_s"] = round(time.perf_counter() - started, 2)
        result["overlap_pairs"] = report.pairs_found
    return result


ALL_COUNTRIES_PAGES = ("/countries/", "/countries/balance/", "/team-europe/")


def cold_page(client, path: str) -> None:
    from django.core.cache import cache

    cache.clear()
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)


def editable_engagement(viewer, iso3: str):
    """An engagement of the viewer's organisation in the country, with a commitment."""
    from partnerhub.registry.models import Engagement

    return (
        Engagement.objects.editable_by(viewer)
        .filter(country_shares__country__iso3=iso3, money_lines__kind="commitment")
        .order_by("pk")
        .first()
    )


def edit_commitment(engagement, editor) -> None:
    """Raise the engagement's commitment by one euro, as its editor would through the form."""
    from dataclasses import replace

    from partnerhub.registry.services import input_from_engagement, update_engagement

    data = input_from_engagement(engagement)
    data.money = [replace(m, amount=m.amount + 1) if m.kind == "commitment" else m for m in data.money]
    update_engagement(engagement, data, acting_user=editor)


def run_child(database_url: str, size: int, with_overlaps: bool, requests: int) -> dict:
    command = [
        sys.executable,
        __file__,
        "--requests",
        str(requests),
        "--child",
        database_url,
        str(size),
        "1" if with_overlaps else "0",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (our own script)
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"benchmark run failed: {database_url} {size}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def label(size: int) -> str:
    return f"{size // 1000}k"


def main() -> None:
    args = parse_args()
    if args.child:
        database_url, size, overlaps = args.child
        print(json.dumps(child(database_url, int(size), overlaps == "1", args.requests)))
        return
    summary = {
        "requests": args.requests,
        "sizes": args.sizes,
        "texts": "real IATI activities" if SHARED.exists() else "synthetic (../shared absent)",
    }
    workdir = tempfile.mkdtemp(prefix="phbench-analytics-")
    for size in args.sizes:
        sqlite = run_child(f"sqlite:///{workdir}/bench-{size}.sqlite3", size, True, args.requests)
        Path(f"{workdir}/bench-{size}.sqlite3").unlink(missing_ok=True)
        print(f"SQLite {size:>7}: {sqlite}", flush=True)
        summary.update(_figures(sqlite, size, "sqlite"))
        summary[f"overlap_s_{label(size)}"] = sqlite["overlap_s"]
        summary[f"overlap_pairs_{label(size)}"] = sqlite["overlap_pairs"]
        slowest = max(sqlite["all_countries_cold"].values(), key=lambda page: page["median_ms"])
        summary[f"all_countries_cold_ms_{label(size)}_sqlite"] = round(slowest["median_ms"], 1)
        summary[f"all_countries_cold_cpu_ms_{label(size)}_sqlite"] = round(slowest["cpu_median_ms"], 1)
        for path, page in sqlite["all_countries_cold"].items():
            summary[f"cold_median_ms_{label(size)}_sqlite{path.rstrip('/').replace('/', '_')}"] = round(
                page["median_ms"], 1
            )
        if args.postgres:
            ensure_postgres_database(args.postgres)
            postgres = run_child(args.postgres, size, False, args.requests)
            print(f"PostgreSQL {size:>7}: {postgres}", flush=True)
            summary.update(_figures(postgres, size, "postgres"))
    if 10_000 in args.sizes and 100_000 in args.sizes:
        summary["overlap_growth_10k_to_100k"] = round(summary["overlap_s_100k"] / summary["overlap_s_10k"], 2)
    print(json.dumps(summary))


def _figures(result: dict, size: int, engine: str) -> dict:
    suffix = f"{label(size)}_{engine}"
    return {
        f"profile_median_ms_{suffix}": round(result["profile"]["median_ms"], 1),
        f"profile_p95_ms_{suffix}": round(result["profile"]["p95_ms"], 1),
        f"floor_median_ms_{suffix}": round(result["floor"]["median_ms"], 1),
        f"profile_over_floor_{suffix}": round(result["profile"]["median_ms"] / result["floor"]["median_ms"], 1),
        f"profile_cold_median_ms_{suffix}": round(result["profile_cold"]["median_ms"], 1),
        f"profile_cold_p95_ms_{suffix}": round(result["profile_cold"]["p95_ms"], 1),
        f"profile_cold_p95_over_floor_{suffix}": round(
            result["profile_cold"]["p95_ms"] / result["floor"]["median_ms"], 1
        ),
        f"edit_then_profile_ms_{suffix}": round(result["edit_then_profile"]["median_ms"], 1),
        f"edit_then_profile_p95_ms_{suffix}": round(result["edit_then_profile"]["p95_ms"], 1),
        # Processor time of the benchmark's process (SQLite runs in it; PostgreSQL's server does not).
        f"profile_cold_cpu_p95_ms_{suffix}": round(result["profile_cold"]["cpu_p95_ms"], 1),
        f"floor_cpu_median_ms_{suffix}": round(result["floor"]["cpu_median_ms"], 1),
        f"edit_then_profile_cpu_median_ms_{suffix}": round(result["edit_then_profile"]["cpu_median_ms"], 1),
        f"profile_cold_over_floor_{suffix}": round(
            result["profile_cold"]["median_ms"] / result["floor"]["median_ms"], 1
        ),
        f"country_engagements_{suffix}": result["country_engagements"],
        f"counted_rows_s_{suffix}": result["counted_rows_s"],
    }


if __name__ == "__main__":
    main()
