"""Benchmark: the one search box on 100,000 engagements and 10,000 lessons, against a bare full-text query.

Builds, with a fixed seed, 100,000 engagements whose titles and descriptions are those of the real IATI
activities in ../shared/data (their English and French narratives, cycled through; generated sentences when
../shared is absent) and 10,000 lessons written with fragments of the same texts, owned by 30 organisations
at every sharing level (a sixth restricted and shared with named organisations or Member States), in 60
partner countries and the themes; then rebuilds the search index (timed: rows per second) and runs 50 varied
queries — common and rare words, two words, quoted phrases, French words, a type filter, a country filter —
as a user of a Member State ministry (EU side: sees much of the portfolio, not all of it):

- **search** — ``search.services.search(user, SearchRequest(...), page=1, per_page=20)``, the results read;
- **floor** — the same full-text match on the index table with the same type and country filters, order
  and limit, the total counted in the same statement, without the visibility filter: a plain SQL query on
  ``search_fts`` (SQLite) or the tsvector columns (PostgreSQL).

Each of the 50 queries is run once to warm up, then ``--rounds`` times, search and floor in turn; the
median and the 95th percentile are taken over every timed run. Each database runs in a fresh process.
The last line is one JSON object.

    .venv/bin/python bench/search.py [--engagements 100000] [--lessons 10000] [--rounds 5]
                                     [--postgres URL | --postgres ''] [--small] [--analyze-sqlite]
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "iati-activities"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/partnerhub_bench_search"
SEED = 20261203
PER_PAGE = 20
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Words nobody searches for alone, left out of the "common word" queries.
FUNCTION_WORDS = {"through", "which", "their", "these", "those", "about", "other", "within", "where", "while", "being"}
LEVELS = ["public"] * 6 + ["partner"] * 3 + ["eu"] * 6 + ["restricted"] * 3 + ["originator"] * 2


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engagements", type=int, default=100_000)
    parser.add_argument("--lessons", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of each query after the warm-up")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' to skip PostgreSQL")
    parser.add_argument("--small", action="store_true", help="5,000 engagements, 500 lessons, 2 rounds")
    parser.add_argument("--analyze-sqlite", action="store_true", help="run ANALYZE on SQLite after the rebuild")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the SQLite database in DIR, and re-use the data already there (and in --postgres) when its"
        " size matches: only the index is rebuilt and the queries run (for measuring a change of the search)",
    )
    parser.add_argument(
        "--reindex", action="store_true", help="with --keep: rebuild the kept index (after a change to what it holds)"
    )
    parser.add_argument("--child", metavar="DATABASE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.small:
        args.engagements, args.lessons, args.rounds = 5_000, 500, 2
    return args


# -- texts ------------------------------------------------------------------


class Texts:
    """(title, description, language) of the real activities, English and French narratives each."""

    def __init__(self):
        self.items = read_activities() if SHARED.exists() else []
        self.source = "real IATI activities" if self.items else "generated (../shared/data absent)"
        if not self.items:
            self.items = generated_texts()
        self.corpus = [w for title, description, _ in self.items for w in f"{title} {description}".split()]

    def activity(self, n: int) -> tuple[str, str, str]:
        return self.items[n % len(self.items)]

    def fragment(self, rng: random.Random, words: int) -> str:
        """Consecutive words of the real texts, in runs of three to eight: sentences of the portfolio's
        own words at their own frequencies, with its phrases."""
        picked: list[str] = []
        while len(picked) < words:
            start = rng.randrange(len(self.corpus))
            picked += self.corpus[start : start + rng.randint(3, 8)]
        return " ".join(picked[:words])


def read_activities() -> list[tuple[str, str, str]]:
    from lxml import etree

    texts = []
    for path in sorted(SHARED.rglob("*.xml")):
        if "legacy-v1" in path.parts:
            continue
        for _event, activity in etree.iterparse(str(path), tag="iati-activity", resolve_entities=False, recover=True):
            texts += narratives(activity)
            activity.clear()
    return texts


def narratives(activity) -> list[tuple[str, str, str]]:
    """The activity's title and description in English and in French, where it has them."""
    default = (activity.get(XML_LANG) or "en")[:2].lower()

    def by_language(path: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for narrative in activity.findall(path):
            language = (narrative.get(XML_LANG) or default)[:2].lower()
            if (narrative.text or "").strip():
                found.setdefault(language, narrative.text.strip())
        return found

    titles, descriptions = by_language("title/narrative"), by_language("description/narrative")
    return [
        (titles[language][:400], descriptions.get(language, "")[:2000], language)
        for language in ("en", "fr")
        if language in titles
    ]


def generated_texts() -> list[tuple[str, str, str]]:
    rng = random.Random(SEED)
    subjects = ["reintegration of returnees", "labour mobility", "border management", "diaspora investment"]
    subjects += ["protection of refugees", "migration data", "anti-smuggling cooperation", "remittance costs"]
    places = ["northern provinces", "the capital region", "border areas", "rural districts", "coastal towns"]
    sujets = ["réintégration des migrants de retour", "mobilité de la main-d'œuvre", "gestion des frontières"]
    lieux = ["les provinces du nord", "la région de la capitale", "les zones frontalières"]
    texts = []
    for n in range(3000):
        if n % 6 == 5:
            subject, place = rng.choice(sujets), rng.choice(lieux)
            texts.append((f"Appui à la {subject} dans {place}", f"L'action porte sur la {subject}.", "fr"))
        else:
            subject, place = rng.choice(subjects), rng.choice(places)
            title = f"Support to {subject} in {place} {n}"
            texts.append((title, f"The action works on {subject} with local authorities in {place}.", "en"))
    return texts


# -- the portfolio ----------------------------------------------------------


class World:
    """Who owns what, and who searches."""

    def __init__(self, rng: random.Random, existing: bool = False):
        from django.contrib.auth import get_user_model

        from partnerhub.access.models import Membership, Organisation
        from partnerhub.geo.models import Country
        from partnerhub.registry.models import Theme

        partners = list(Country.objects.partners().order_by("-is_priority_partner", "iso3")[:60])
        self.countries = partners
        self.country_weights = [1 / (rank + 1) ** 0.6 for rank in range(len(partners))]
        self.themes = list(Theme.objects.filter(parent__isnull=False).order_by("code"))
        states = list(Country.objects.member_states().order_by("iso3"))
        self.states = states
        organisations = [Organisation(name="Bench Commission", kind="eu_institution", acronym="BEC")]
        organisations += [
            Organisation(name=f"Bench ministry {s.iso3}", kind="ms_ministry", country=s) for s in states[:14]
        ]
        organisations += [Organisation(name=f"Bench agency {s.iso3}", kind="ms_agency", country=s) for s in states[14:]]
        organisations += [Organisation(name=f"Bench international {n}", kind="international") for n in range(3)]
        self.viewer_state = Country.objects.get(iso3="DEU")
        self.rng = rng
        if existing:  # the portfolio of an earlier run (--keep): its owners and searcher, as they were made
            self.owners = [Organisation.objects.get(name=o.name) for o in organisations]
            self.viewer = get_user_model().objects.get(username="bench.ministry")
            return
        self.owners = [Organisation.objects.create(**_fields(o)) for o in organisations]
        ministry = next(o for o in self.owners if o.country_id == self.viewer_state.pk and o.kind == "ms_ministry")
        self.viewer = get_user_model().objects.create_user("bench.ministry", password="x")  # noqa: S106
        Membership.objects.create(user=self.viewer, organisation=ministry, role="viewer")

    def country_sample(self) -> set:
        return {self.rng.choices(self.countries, self.country_weights)[0] for _ in range(self.rng.choice([1, 1, 1, 2]))}

    def sharing(self) -> tuple[object, str]:
        return self.rng.choice(self.owners), self.rng.choice(LEVELS)


def _fields(organisation) -> dict:
    return {f: getattr(organisation, f) for f in ("name", "kind", "acronym", "country") if getattr(organisation, f)}


def build_engagements(world: World, texts: Texts, count: int) -> list[int]:
    from partnerhub.registry.models import Engagement, EngagementCountry, EngagementTheme

    rng = world.rng
    records = []
    for n in range(count):
        title, description, language = texts.activity(n)
        owner, level = world.sharing()
        start = date(2014, 1, 1) + timedelta(days=rng.randrange(4000))
        end = start + timedelta(days=rng.randrange(300, 1800))
        records.append(
            Engagement(
                owner=owner,
                sharing_level=level,
                kind="project",
                status="implementation",
                title=title,
                description=description,
                language=language,
                planned_start=start,
                planned_end=end,
                start_date=start,
                end_date=end,
                iati_identifier=f"XX-BENCH-SEARCH-{n}",
                provenance="iati",
            )
        )
    Engagement.objects.bulk_create(records, batch_size=2000)
    rows = list(
        Engagement.objects.unrestricted("the benchmark reads back the records it has just built")
        .order_by("pk")
        .values_list("pk", "sharing_level")
    )
    countries, themes = [], []
    for pk, _level in rows:
        countries += [EngagementCountry(engagement_id=pk, country=c) for c in world.country_sample()]
        themes += [EngagementTheme(engagement_id=pk, theme=t) for t in rng.sample(world.themes, rng.choice([1, 1, 2]))]
    EngagementCountry.objects.bulk_create(countries, batch_size=5000)
    EngagementTheme.objects.bulk_create(themes, batch_size=5000)
    share_restricted(world, Engagement, rows)
    return [pk for pk, _ in rows]


def build_lessons(world: World, texts: Texts, count: int) -> None:
    from partnerhub.knowledge.models import Lesson

    rng = world.rng
    records = []
    for _ in range(count):
        owner, level = world.sharing()
        records.append(
            Lesson(
                owner=owner,
                sharing_level=level,
                kind=rng.choice(["lesson", "lesson", "evaluation", "pilot"]),
                title=texts.fragment(rng, rng.randint(5, 12)).capitalize()[:300],
                tried=texts.fragment(rng, rng.randint(20, 60)),
                worked=texts.fragment(rng, rng.randint(10, 40)),
                did_not_work=texts.fragment(rng, rng.randint(10, 40)),
                conditions=texts.fragment(rng, rng.randint(5, 20)),
                recommendations=texts.fragment(rng, rng.randint(10, 30)),
                impact=rng.choice(["high", "medium", "low"]),
                dated=date(2016, 1, 1) + timedelta(days=rng.randrange(3600)),
            )
        )
    Lesson.objects.bulk_create(records, batch_size=1000)
    rows = list(
        Lesson.objects.unrestricted("the benchmark reads back the records it has just built")
        .order_by("pk")
        .values_list("pk", "sharing_level")
    )
    countries, themes = Lesson.countries.through, Lesson.themes.through
    countries.objects.bulk_create(
        [countries(lesson_id=pk, country_id=c.pk) for pk, _ in rows for c in world.country_sample()], batch_size=5000
    )
    themes.objects.bulk_create(
        [themes(lesson_id=pk, theme_id=t.pk) for pk, _ in rows for t in rng.sample(world.themes, rng.choice([1, 2]))],
        batch_size=5000,
    )
    share_restricted(world, Lesson, rows)


def share_restricted(world: World, model, rows: list[tuple[int, str]]) -> None:
    """Restricted records name one or two organisations; one in three also names the viewer's Member State
    (which lets the viewer read it through the ``shared_with_countries`` branch of the visibility filter)."""
    rng = world.rng
    organisations = model.shared_with_organisations.through
    countries = model.shared_with_countries.through
    own = model._meta.model_name
    named, states = [], []
    for pk, level in rows:
        if level != "restricted":
            continue
        named += [organisations(**{f"{own}_id": pk, "organisation_id": o.pk}) for o in rng.sample(world.owners, 2)]
        if rng.random() < 1 / 3:
            states.append(countries(**{f"{own}_id": pk, "country_id": world.viewer_state.pk}))
    organisations.objects.bulk_create(named, batch_size=5000, ignore_conflicts=True)
    countries.objects.bulk_create(states, batch_size=5000)


# -- the queries ------------------------------------------------------------


def choose_queries(texts: Texts, world: World) -> list[dict]:
    """Fifty queries read from the texts themselves, so that each finds something whatever the data."""
    rng = random.Random(SEED)
    english = [(t, d) for t, d, language in texts.items if language == "en"]
    french = [(t, d) for t, d, language in texts.items if language == "fr"] or english
    frequency = document_frequency(english)
    french_only = document_frequency(french) - frequency
    common = [w for w, _ in frequency.most_common(80) if len(w) > 4 and w not in FUNCTION_WORDS][:10]
    rare = sorted(w for w, n in frequency.items() if n == 1 and len(w) > 6)
    french_words = [w for w, _ in french_only.most_common(40) if len(w) > 4]
    titles = [t.split() for t, _ in english if len(t.split()) >= 4]
    queries = [{"text": w, "group": "common word"} for w in common]
    queries += [{"text": w, "group": "rare word"} for w in rng.sample(rare, min(8, len(rare)))]
    queries += [{"text": " ".join(pair), "group": "two words"} for pair in word_runs(titles, 2, 8, rng)]
    queries += [{"text": f'"{" ".join(run)}"', "group": "phrase"} for run in word_runs(titles, 3, 6, rng)]
    queries += [{"text": w, "group": "French word"} for w in (french_words or common)[:6]]
    queries += [{"text": common[n], "group": "type filter", "kinds": ["lesson"]} for n in range(3)]
    queries += [{"text": common[n + 5], "group": "type filter", "kinds": ["engagement"]} for n in range(3)]
    busiest = world.countries[:6]
    queries += [{"text": common[n + 2], "group": "country filter", "country": c.iso3} for n, c in enumerate(busiest)]
    return queries[:50]


def document_frequency(texts: list[tuple[str, str]]) -> Counter:
    import re

    counts: Counter = Counter()
    for title, description in texts:
        counts.update({w for w in re.findall(r"[^\W\d_]+", f"{title} {description}".lower())})
    return counts


def word_runs(titles: list[list[str]], length: int, count: int, rng: random.Random) -> list[list[str]]:
    """``count`` runs of ``length`` consecutive words of real titles, words of letters only."""
    runs: list[list[str]] = []
    while len(runs) < count:
        title = rng.choice(titles)
        start = rng.randrange(len(title) - length + 1)
        run = [w.strip(",.:;()").lower() for w in title[start : start + length]]
        if all(w.isalpha() and len(w) > 2 for w in run):
            runs.append(run)
    return runs


# -- the search under test and its floor ------------------------------------


def rebuild_index() -> None:
    from partnerhub.search.indexer import rebuild

    rebuild()


def ensure_lessons_searchable() -> bool:
    """Registers the lessons' search as the knowledge app declares it, where this checkout's knowledge app
    does not yet (the search and the lessons were built side by side); returns whether it had to."""
    from partnerhub.core.confidential import Searchable, entry_for, register
    from partnerhub.knowledge.models import Lesson

    entry = entry_for(Lesson)
    if entry is not None and entry.search is not None:
        return False
    body = ("tried", "worked", "did_not_work", "conditions", "recommendations", "what_to_change")
    register(
        "knowledge.Lesson",
        partner_countries="countries",
        search=Searchable(
            kind="lesson",
            title="title",
            body=(*body, "attachments.extracted_text"),
            countries="countries",
            themes="themes",
            date="dated",
        ),
    )
    return True


def index_entries() -> dict[str, int]:
    from django.db.models import Count

    from partnerhub.search.models import SearchEntry

    return dict(SearchEntry.objects.values_list("kind").annotate(n=Count("id")).order_by())


def run_search(user, query: dict) -> int:
    """The first page of hits as the search page gets it (hits, total, facets); returns the total."""
    from partnerhub.search.services import SearchRequest, search

    request = SearchRequest(text=query["text"], kinds=tuple(query.get("kinds", ())), country=query.get("country", ""))
    results = search(user, request, page=1, per_page=PER_PAGE)
    assert len(results.hits) == min(PER_PAGE, results.total), (query, len(results.hits), results.total)
    return results.total


class Floor:
    """The bare full-text query: the same match on the index (every term in the title or the body, in its
    English or its French stems), the same type and country filters, the same order (10 points a term in
    the title, else 1 in the body; then newest; then id) and limit, the total counted in the same query —
    and no visibility filter. Written here from the index's documented shape (``search_fts`` over
    ``title_stems`` and ``body_stems`` and the narrow ``search_entry_listing`` index on SQLite,
    ``title_tsv`` and ``body_tsv`` of ``search_match`` on PostgreSQL)."""

    def __init__(self, vendor: str):
        self.postgres = vendor == "postgresql"

    def run(self, query: dict) -> int:
        from django.db import connection, transaction

        from partnerhub.search.statement import settings_for_statement

        sql, params = self.sql(query)
        # The planner settings the search's statement runs with (on PostgreSQL: the GIN indexes rather than
        # a sequential scan, no JIT), so that the floor is the best the bare match does, not the server's
        # defaults.
        with transaction.atomic(), connection.cursor() as cursor:
            restore = settings_for_statement(cursor, connection.vendor)
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            restore()
        return rows[0][-1] if rows else 0

    def sql(self, query: dict) -> tuple[str, list]:
        from partnerhub.search.query import parse

        terms = [term for group in parse(query["text"]).groups for term in group]
        phrases = [list(dict.fromkeys([" ".join(term.english), " ".join(term.french)])) for term in terms]
        return self.sqlite_sql(query, phrases) if not self.postgres else self.postgres_sql(query, phrases)

    def filters(self, query: dict, entry_id: str = "e.id") -> tuple[list[str], list]:
        from partnerhub.geo.models import Country

        where, params = [], []
        if query.get("kinds"):
            where.append(f"e.kind IN ({', '.join(['%s'] * len(query['kinds']))})")
            params += list(query["kinds"])
        if query.get("country"):
            placed = f"SELECT 1 FROM search_searchentrycountry c WHERE c.entry_id = {entry_id} AND c.country_id = %s"  # noqa: S608
            where.append(f"EXISTS ({placed})")
            params.append(Country.objects.get(iso3=query["country"]).pk)
        return where, params

    def sqlite_sql(self, query: dict, phrases: list[list[str]]) -> tuple[str, list]:
        """Each term's FTS5 rows read once (anywhere in the entry; in the title), the entries' kind and date
        read from the narrow ``search_entry_listing`` index."""
        tables, params, where, score = [], [], [], []
        for n, term_phrases in enumerate(phrases):
            for name, columns in ((f"t{n}", "title_stems"), (f"a{n}", "{title_stems body_stems}")):
                fts = "SELECT rowid AS id FROM search_fts WHERE search_fts MATCH %s"
                tables.append(f"{name} AS MATERIALIZED ({fts})")
                params.append(" OR ".join(f'{columns} : "{phrase}"' for phrase in term_phrases))
            where.append(f"e.id IN a{n}")
            score.append(f"CASE WHEN e.id IN t{n} THEN 10 ELSE 1 END")
        filters, filter_params = self.filters(query)
        sql = (
            f"WITH {', '.join(tables)} SELECT e.id, e.kind, e.object_id, e.date, {' + '.join(score)} AS score,"  # noqa: S608
            " COUNT(*) OVER () FROM search_searchentry AS e INDEXED BY search_entry_listing"
            f" WHERE {' AND '.join(where + filters)}"
            f" ORDER BY score DESC, e.date IS NULL, e.date DESC, e.id LIMIT {PER_PAGE}"
        )
        return sql, params + filter_params

    def postgres_sql(self, query: dict, phrases: list[list[str]]) -> tuple[str, list]:
        """The narrow ``search_match`` table (kind, record, date and the tsvectors of each entry)."""
        where, score, params, score_params = [], [], [], []
        for term_phrases in phrases:
            title, title_params = self.tsv_match("e.title_tsv", term_phrases)
            body, body_params = self.tsv_match("e.body_tsv", term_phrases)
            where.append(f"({title} OR {body})")
            params += title_params + body_params
            # Every match holds every term here: only whether its title does is asked (as the search does).
            score.append(f"CASE WHEN {title} THEN 10 ELSE 1 END")
            score_params += title_params
        filters, filter_params = self.filters(query, "e.entry_id")
        sql = (
            f"SELECT e.entry_id, e.kind, e.object_id, e.date, {' + '.join(score)} AS score,"  # noqa: S608
            f" COUNT(*) OVER () FROM search_match e WHERE {' AND '.join(where + filters)}"
            f" ORDER BY score DESC, e.date DESC NULLS LAST, e.entry_id LIMIT {PER_PAGE}"
        )
        return sql, score_params + params + filter_params

    def tsv_match(self, column: str, phrases: list[str]) -> tuple[str, list[str]]:
        return "(" + " OR ".join(f"{column} @@ phraseto_tsquery('simple', %s)" for _ in phrases) + ")", phrases


# -- measuring --------------------------------------------------------------


def child(database_url: str, args) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerhub.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DEBUG"] = "false"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    texts = Texts()
    reused = bool(args.keep) and has_portfolio(args.engagements, args.lessons)
    started = time.perf_counter()
    if reused:
        world = World(random.Random(SEED), existing=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
        call_command("load-reference", verbosity=0)
        world = World(random.Random(SEED))
        build_engagements(world, texts, args.engagements)
        build_lessons(world, texts, args.lessons)
    built_s = time.perf_counter() - started
    how = "re-used" if reused else "built"
    print(f"{connection.vendor}: data {how} in {built_s:.1f} s", file=sys.stderr, flush=True)

    lessons_registered_here = ensure_lessons_searchable()
    index_s = None  # the index of an earlier run, kept with its data (--keep), is not built again
    if args.reindex or not (reused and index_entries()):
        started = time.perf_counter()
        rebuild_index()
        index_s = time.perf_counter() - started
    from database import gather_statistics  # here: the tests load this script without bench/ on the path

    analyzed = gather_statistics(args.analyze_sqlite)
    entries = index_entries()
    queries = choose_queries(texts, world)
    floor = Floor(connection.vendor)
    searched, floored = measure(queries, lambda q: run_search(world.viewer, q), floor.run, args.rounds)
    return {
        "database": connection.vendor,
        "text_source": texts.source,
        "distinct_texts": len(texts.items),
        "build_s": round(built_s, 1),
        "data_reused": reused,
        "index_entries": entries,
        "lesson_search_registered_by_bench": lessons_registered_here,
        "planner_statistics": analyzed,
        "index_s": round(index_s, 2) if index_s is not None else None,
        "queries": [
            {**q, "hits": searched[i]["hits"], "floor_hits": floored[i]["hits"], **per_query(searched[i], floored[i])}
            for i, q in enumerate(queries)
        ],
        "search": pooled(searched),
        "floor": pooled(floored),
    }


def has_portfolio(engagements: int, lessons: int) -> bool:
    """Whether the database holds the portfolio of an earlier run of this size (its searcher included)."""
    from django.contrib.auth import get_user_model

    from partnerhub.knowledge.models import Lesson
    from partnerhub.registry.models import Engagement

    reason = "the benchmark counts the records of an earlier run"
    return (
        get_user_model().objects.filter(username="bench.ministry").exists()
        and Engagement.objects.unrestricted(reason).filter(iati_identifier__startswith="XX-BENCH-SEARCH-").count()
        == engagements
        and Lesson.objects.unrestricted(reason).count() == lessons
    )


def measure(queries: list[dict], search, floor, rounds: int) -> tuple[list[dict], list[dict]]:
    """Every query once to warm up, then ``rounds`` times, the search and its floor in turn (so that a
    busy moment of the machine falls on both)."""
    searched = [{"hits": search(q), "ms": [], "cpu_ms": []} for q in queries]
    floored = [{"hits": floor(q), "ms": [], "cpu_ms": []} for q in queries]
    for _ in range(rounds):
        for query, search_times, floor_times in zip(queries, searched, floored, strict=True):
            for call, times in ((search, search_times), (floor, floor_times)):
                started, cpu = time.perf_counter(), time.process_time()
                call(query)
                times["ms"].append((time.perf_counter() - started) * 1000)
                times["cpu_ms"].append((time.process_time() - cpu) * 1000)
    return searched, floored


def per_query(searched: dict, floored: dict) -> dict:
    return {
        "median_ms": round(statistics.median(searched["ms"]), 2),
        "floor_median_ms": round(statistics.median(floored["ms"]), 2),
    }


def pooled(timings: list[dict]) -> dict:
    """Median and 95th percentile of every timed run, wall-clock and processor time of this process (on
    SQLite the database works in it; on PostgreSQL the server's work is not counted)."""
    samples = sorted(ms for timing in timings for ms in timing["ms"])
    cpu = sorted(ms for timing in timings for ms in timing["cpu_ms"])
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": percentile_95(samples),
        "cpu_median_ms": statistics.median(cpu),
        "cpu_p95_ms": percentile_95(cpu),
        "samples": len(samples),
    }


def percentile_95(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def run_child(database_url: str, args) -> dict:
    command = [sys.executable, __file__, "--child", database_url]
    command += ["--engagements", str(args.engagements), "--lessons", str(args.lessons), "--rounds", str(args.rounds)]
    command += ["--analyze-sqlite"] if args.analyze_sqlite else []
    command += ["--keep", args.keep] if args.keep else []
    command += ["--reindex"] if args.reindex else []
    completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (our own script)
    sys.stderr.write(completed.stderr)
    if completed.returncode != 0:
        raise SystemExit(f"benchmark run failed: {database_url}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def ensure_postgres_database(database_url: str) -> None:
    import psycopg

    server, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def report(result: dict) -> None:
    engine = result["database"]
    entries = ", ".join(f"{n} {kind}" for kind, n in result["index_entries"].items())
    print(f"== {engine}: index of {entries} built in {result['index_s']} s")
    for q in result["queries"]:
        filters = " ".join(f"{k}={q[k]}" for k in ("kinds", "country") if k in q)
        print(
            f"  {q['group']:<14} {q['text'][:40]:<40} {filters:<22} found {q['hits']:>6} of {q['floor_hits']:<6}"
            f" search {q['median_ms']:7.1f} ms  floor {q['floor_median_ms']:6.1f} ms"
        )
    print(
        f"  search median {result['search']['median_ms']:.1f} ms p95 {result['search']['p95_ms']:.1f} ms;"
        f" floor median {result['floor']['median_ms']:.1f} ms p95 {result['floor']['p95_ms']:.1f} ms",
        flush=True,
    )


def figures(result: dict) -> dict:
    engine = "postgres" if result["database"] == "postgresql" else result["database"]
    search, floor = result["search"], result["floor"]
    return {
        f"search_median_ms_{engine}": round(search["median_ms"], 1),
        f"search_p95_ms_{engine}": round(search["p95_ms"], 1),
        f"search_floor_median_ms_{engine}": round(floor["median_ms"], 1),
        f"search_floor_p95_ms_{engine}": round(floor["p95_ms"], 1),
        f"search_over_floor_{engine}": round(search["p95_ms"] / floor["p95_ms"], 2),
        f"search_cpu_median_ms_{engine}": round(search["cpu_median_ms"], 1),
        f"search_cpu_p95_ms_{engine}": round(search["cpu_p95_ms"], 1),
        f"search_floor_cpu_p95_ms_{engine}": round(floor["cpu_p95_ms"], 1),
        f"planner_statistics_{engine}": result["planner_statistics"],
        f"index_rows_per_s_{engine}": (
            round(sum(result["index_entries"].values()) / result["index_s"]) if result["index_s"] else None
        ),
        f"index_entries_{engine}": result["index_entries"],
        f"queries_narrowed_by_visibility_{engine}": sum(q["hits"] < q["floor_hits"] for q in result["queries"]),
        f"queries_finding_more_than_floor_{engine}": sum(q["hits"] > q["floor_hits"] for q in result["queries"]),
        f"index_s_{engine}": result["index_s"],
    }


def main() -> None:
    args = parse_args()
    if args.child:
        print(json.dumps(child(args.child, args)))
        return
    workdir = args.keep or tempfile.mkdtemp(prefix="phbench-search-")
    Path(workdir).mkdir(parents=True, exist_ok=True)
    sqlite = run_child(f"sqlite:///{workdir}/search.sqlite3", args)
    if not args.keep:
        Path(f"{workdir}/search.sqlite3").unlink(missing_ok=True)
    report(sqlite)
    summary = {
        "engagements": args.engagements,
        "lessons": args.lessons,
        "text_source": sqlite["text_source"],
        "distinct_texts": sqlite["distinct_texts"],
        "lesson_search_registered_by_bench": sqlite["lesson_search_registered_by_bench"],
        "data_reused": sqlite["data_reused"],
        "queries": len(sqlite["queries"]),
        "rounds": args.rounds,
        "per_page": PER_PAGE,
        **figures(sqlite),
    }
    if args.postgres:
        ensure_postgres_database(args.postgres)
        postgres = run_child(args.postgres, args)
        report(postgres)
        summary.update(figures(postgres))
    summary["load_average_1min"] = round(os.getloadavg()[0], 1)
    summary["target_p95_ms"] = 150
    summary["target_over_floor"] = 2
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
