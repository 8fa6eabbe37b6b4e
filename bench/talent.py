"""Benchmark: the Talent matching against a plain join of needs and supply.

Builds, with a fixed seed, 27 Member States × 500 occupations of needs against 100 partner countries ×
500 occupations of supply (the 436 ISCO-08 unit groups and 64 more four-digit codes in real minor
groups), the WHO safeguards list of 2023 from the project's fixture, and some Talent Partnerships; then
measures, as an EU-side viewer who sees every record:

- the full matching: every need's ranking, loading included (``match_queries`` + ``matching.match_all``);
- one Member State's matching page (``/talent/matching/needs/?member_state=DEU``, 25 needs) through
  Django's test client, over R requests;
- the floor: a plain SQL join of needs and supply on the occupation, every row fetched.

The figures, with their ratios, are printed as one JSON object on the last line.

    .venv/bin/python bench/talent.py [--occupations N] [--countries C] [--requests R] [--database URL]
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

from database import configure
from timing import timed

SEED = 20261203


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--occupations", type=int, default=500)
    parser.add_argument("--countries", type=int, default=100)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--full-runs", type=int, default=3)
    parser.add_argument("--database", default="", help="DATABASE_URL; default: a new SQLite file")
    return parser.parse_args()


def build_occupations(count: int, rng: random.Random) -> list:
    """The ISCO-08 structure, and enough four-digit codes in real minor groups to reach ``count``."""
    from partnerhub.talent.models import Occupation
    from partnerhub.talent.reference import read_isco

    by_code = {o.code: o for o in Occupation.objects.all()}  # loaded with the reference data
    for group in sorted(read_isco(), key=lambda g: (g.level, g.code)):
        if group.code not in by_code:
            parent = by_code.get(group.parent_code)
            by_code[group.code] = Occupation.objects.create(
                code=group.code, level=group.level, title=group.title, parent=parent
            )
    units = [o for o in by_code.values() if o.level == 4]
    minors = sorted(code for code, o in by_code.items() if o.level == 3)
    extra = []
    while len(units) + len(extra) < count:
        minor = rng.choice(minors)
        code = f"{minor}{rng.randrange(10)}"
        if code not in by_code:
            by_code[code] = Occupation(code=code, level=4, title=f"Bench occupation {code}", parent=by_code[minor])
            extra.append(by_code[code])
    Occupation.objects.bulk_create(extra)
    return sorted(units + extra, key=lambda o: o.code)[:count]


def build_safeguards() -> None:
    from partnerhub.geo.models import Country
    from partnerhub.talent.models import SafeguardList, SafeguardListing
    from partnerhub.talent.reference import read_safeguard_countries, read_safeguard_lists

    if SafeguardList.objects.exists():  # loaded with the reference data
        return
    countries = {c.iso3: c for c in Country.objects.all()}
    lists = {}
    for found in read_safeguard_lists():
        lists[found.name] = SafeguardList.objects.create(
            name=found.name,
            published=found.published,
            in_force_from=found.in_force_from,
            in_force_until=found.in_force_until,
            covers_isco=" ".join(found.covers_isco),
        )
    SafeguardListing.objects.bulk_create(
        SafeguardListing(safeguard_list=lists[row.list_name], country=countries[row.iso3], basis=row.basis)
        for row in read_safeguard_countries()
        if row.iso3 in countries
    )


def build_data(occupation_count: int, country_count: int):
    from django.contrib.auth import get_user_model

    from partnerhub.access.models import Membership, Organisation
    from partnerhub.geo.models import Country
    from partnerhub.talent.models import TalentNeed, TalentPartnership, TalentSupply

    rng = random.Random(SEED)
    occupations = build_occupations(occupation_count, rng)
    build_safeguards()
    states = list(Country.objects.filter(is_eu_member=True).order_by("iso3"))
    partners = list(Country.objects.filter(is_eu_member=False).order_by("iso3"))
    partners = rng.sample(partners, country_count)
    if not any(p.iso3 == "NGA" for p in partners):  # a listed country, so that safeguards act
        partners[-1] = Country.objects.get(iso3="NGA")
    ministries = {
        s.pk: Organisation.objects.create(name=f"Bench ministry {s.iso3}", kind="ms_ministry", country=s)
        for s in states
    }
    authorities = {
        p.pk: Organisation.objects.create(name=f"Bench authority {p.iso3}", kind="partner_authority", country=p)
        for p in partners
    }
    commission = Organisation.objects.create(name="Bench Commission", kind="eu_institution")
    viewer = get_user_model().objects.create_user("bench.viewer", password="x")  # noqa: S106
    Membership.objects.create(user=viewer, organisation=commission, role="viewer")
    languages = ["de", "fr", "en", "es", "it", "ar", "pt", ""]
    TalentNeed.objects.bulk_create(
        (
            TalentNeed(
                owner=ministries[state.pk],
                sharing_level="eu",
                member_state=state,
                occupation=occupation,
                people_per_year=rng.randrange(5, 2000),
                first_year=2025,
                last_year=2027,
                languages=rng.choice(languages),
            )
            for state in states
            for occupation in occupations
        ),
        batch_size=5000,
    )
    TalentSupply.objects.bulk_create(
        (
            TalentSupply(
                owner=authorities[partner.pk],
                sharing_level="eu",
                country=partner,
                occupation=occupation,
                available_workers=rng.randrange(0, 3000),
                first_year=2025,
                last_year=2027,
                languages=rng.choice(languages),
                partner_reports_shortage=rng.random() < 0.05,
            )
            for partner in partners
            for occupation in occupations
        ),
        batch_size=5000,
    )
    for n in range(60):
        partnership = TalentPartnership.objects.create(
            owner=commission,
            sharing_level="eu",
            title=f"Bench Talent Partnership {n}",
            country=rng.choice(partners),
            status=rng.choice(["exploring", "negotiating", "active", "paused"]),
        )
        partnership.member_states.set(rng.sample(states, 2))
        partnership.occupations.set(rng.sample(occupations, 5))
    return viewer


def full_matching(viewer) -> int:
    """Every visible need ranked against every visible supply: loading and engine."""
    from django.utils import timezone

    from partnerhub.talent.match_queries import MatchFilters, load_context, visible_need_facts, visible_supply
    from partnerhub.talent.matching import iter_rankings

    needs = visible_need_facts(viewer, MatchFilters())
    supplies = visible_supply(viewer, MatchFilters())
    context = load_context(viewer, timezone.localdate())
    return sum(len(ranking) for _need, ranking in iter_rankings(needs, supplies, context))


def floor_join() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.id, s.id, n.people_per_year, s.available_workers FROM talent_talentneed n "
            "JOIN talent_talentsupply s ON s.occupation_id = n.occupation_id"
        )
        return len(cursor.fetchall())


def seconds(call, runs: int) -> tuple[float, float, object]:
    """Median wall-clock and processor seconds of ``runs`` calls, and the last call's result. The
    processor time says what the work costs when other processes share the machine."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = call()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return sorted(walls)[len(walls) // 2], sorted(cpus)[len(cpus) // 2], result


def processor_seconds(call, repeats: int) -> tuple[float, None]:
    """Median processor seconds of ``call()``."""
    samples = []
    for _ in range(repeats):
        started = time.process_time()
        call()
        samples.append(time.process_time() - started)
    return sorted(samples)[len(samples) // 2], None


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    engine = configure(args.database)
    started = time.perf_counter()
    viewer = build_data(args.occupations, args.countries)
    print(f"data built in {time.perf_counter() - started:.1f} s")

    from django.test import Client

    client = Client()
    client.force_login(viewer)

    def page():
        response = client.get("/talent/matching/needs/?member_state=DEU")
        assert response.status_code == 200, response.status_code
        assert response.content.count(b'<section class="ph-match') == 25

    floor_s, floor_cpu_s, joined = seconds(floor_join, args.full_runs)
    full_s, full_cpu_s, suggestions = seconds(lambda: full_matching(viewer), args.full_runs)
    page_ms = timed(page, args.requests)
    page_cpu_s, _ = processor_seconds(page, args.requests)
    print(f"floor join          {floor_s:8.2f} s   ({joined} rows)")
    print(f"full matching       {full_s:8.2f} s   ({suggestions} suggestions)")
    print(f"one Member State    median {page_ms['median_ms']:8.1f} ms   p95 {page_ms['p95_ms']:8.1f} ms")
    summary = {
        "database": engine,
        "needs": 27 * args.occupations,
        "supply_records": args.countries * args.occupations,
        "suggestions": suggestions,
        "floor_rows": joined,
        "matched_on": date.today().isoformat(),  # noqa: DTZ011 (the date the safeguard list was chosen for)
        "full_runs": args.full_runs,
        "requests": args.requests,
        "full_matching_s": round(full_s, 2),
        "one_member_state_page_ms": round(page_ms["median_ms"], 1),
        "one_member_state_page_p95_ms": round(page_ms["p95_ms"], 1),
        "one_member_state_page_cpu_ms": round(page_cpu_s * 1000, 1),
        "floor_join_s": round(floor_s, 3),
        "full_matching_cpu_s": round(full_cpu_s, 2),
        "floor_join_cpu_s": round(floor_cpu_s, 3),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "full_matching_over_floor": round(full_s / floor_s, 1),
        "full_matching_target_s": 60,
        "one_member_state_page_target_ms": 300,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
