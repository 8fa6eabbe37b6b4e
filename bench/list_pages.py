"""Benchmark: the engagement list page and API list against a plain SELECT.

Builds a portfolio of N engagements (default 20,000) with countries, themes,
participants and money, then measures in the same run, as an EU-side user:

- floor: one page of rows read with a plain ``SELECT`` of the visible rows
  (``visible_to(user)`` + ``values()``), no rendering;
- the list page (filters form, 25 rows, totals) through Django's test client;
- the API list (``/api/engagements``, 25 items);
- the same page filtered by country and theme.

Each is timed over R requests (default 30); the medians and 95th percentiles
are printed, with the ratios to the floor, as one JSON object on the last line.

    .venv/bin/python bench/list_pages.py [--engagements N] [--requests R] [--database URL]
"""

import argparse
import json
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from database import configure
from timing import timed


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engagements", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database", default="", help="DATABASE_URL; default: a new SQLite file")
    return parser.parse_args()


def build_portfolio(count: int):
    from django.contrib.auth import get_user_model

    from partnerhub.access.models import Membership, Organisation
    from partnerhub.geo.models import Country
    from partnerhub.registry.models import (
        Engagement,
        EngagementCountry,
        EngagementTheme,
        MoneyLine,
        Participation,
        Theme,
    )

    rng = random.Random(20261127)
    countries = list(Country.objects.filter(is_eu_member=False)[:60])
    states = list(Country.objects.filter(is_eu_member=True))
    themes = list(Theme.objects.all())
    organisations = [
        Organisation.objects.create(name=f"Bench ministry {i}", kind="ms_ministry", country=states[i % 27])
        for i in range(40)
    ]
    viewer = get_user_model().objects.create_user("bench.viewer", password="x")  # noqa: S106
    Membership.objects.create(user=viewer, organisation=organisations[0], role="editor")
    levels = ["public", "partner", "eu", "eu", "restricted", "originator"]
    batch = []
    for n in range(count):
        start = date(2015, 1, 1) + timedelta(days=rng.randrange(4000))
        batch.append(
            Engagement(
                owner=rng.choice(organisations),
                sharing_level=rng.choice(levels),
                kind="project",
                title=f"Bench engagement {n} on migration governance",
                status="implementation",
                planned_start=start,
                planned_end=start + timedelta(days=rng.randrange(200, 1500)),
                start_date=start,
                end_date=start + timedelta(days=900),
            )
        )
    Engagement.objects.bulk_create(batch, batch_size=2000)
    ids = list(
        Engagement.objects.unrestricted("the benchmark reads back the records it has just built").values_list(
            "pk", flat=True
        )
    )
    EngagementCountry.objects.bulk_create(
        (EngagementCountry(engagement_id=i, country=rng.choice(countries)) for i in ids), batch_size=5000
    )
    EngagementTheme.objects.bulk_create(
        (EngagementTheme(engagement_id=i, theme=rng.choice(themes)) for i in ids), batch_size=5000
    )
    Participation.objects.bulk_create(
        (Participation(engagement_id=i, organisation=rng.choice(organisations), role="implementer") for i in ids),
        batch_size=5000,
    )
    MoneyLine.objects.bulk_create(
        (
            MoneyLine(
                engagement_id=i,
                kind="commitment",
                amount=Decimal(rng.randrange(10**5, 10**7)),
                currency="EUR",
                value_date=date(2020, 1, 1),
                amount_eur=Decimal(1000),
            )
            for i in ids
        ),
        batch_size=5000,
    )
    return viewer, countries[0].iso3, themes[0].code


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    engine = configure(args.database)
    viewer, iso3, theme = build_portfolio(args.engagements)

    from django.test import Client

    from partnerhub.registry.models import Engagement

    client = Client()
    client.force_login(viewer)

    def floor():
        list(
            Engagement.objects.visible_to(viewer)
            .order_by("-updated_at", "-pk")
            .values("pk", "title", "status", "start_date", "end_date", "owner__name")[:25]
        )

    def get(url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    results = {
        "floor_select": timed(floor, args.requests),
        "list_page": timed(get("/engagements/"), args.requests),
        "list_page_filtered": timed(get(f"/engagements/?country={iso3}&theme={theme}"), args.requests),
        "api_list": timed(get("/api/engagements"), args.requests),
    }
    floor_ms = results["floor_select"]["median_ms"]
    for name, figures in results.items():
        print(f"{name:20} median {figures['median_ms']:8.1f} ms   p95 {figures['p95_ms']:8.1f} ms")
    summary = {
        "database": engine,
        "engagements": args.engagements,
        "requests": args.requests,
        **{f"{name}_{key}": round(value, 2) for name, figures in results.items() for key, value in figures.items()},
        "list_page_over_floor": round(results["list_page"]["median_ms"] / floor_ms, 1),
        "api_list_over_floor": round(results["api_list"]["median_ms"] / floor_ms, 1),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
