"""The precomputed counted-once rows give every reader exactly the figures of the netting engine.

Generated portfolios of one partner country — owners inside and outside Team Europe, every
sharing level, shares over two countries, themes with and without shares, money of several
kinds and years, funding links, IATI transactions naming another activity or only its
organisation — are read by each persona through the profile (added up from the rows) and,
independently, through ``load_portfolio`` + ``CountryFigures`` (the netting engine the other
pages use), and every figure must agree to the millionth of a euro per engagement. Then the
same portfolios are edited through the services, and the rows kept current step by step must
equal rows rebuilt from nothing.
"""

from collections import defaultdict
from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerhub.access.models import Organisation, Role
from partnerhub.analysis.figures.actors import ActorDirectory, CountryFigures
from partnerhub.analysis.figures.balance import balance_of, theme_interests, whole_countries
from partnerhub.analysis.figures.counted import rebuild_all, refresh_outdated
from partnerhub.analysis.figures.counted_sums import refresh_sums
from partnerhub.analysis.figures.portfolio import load_portfolio
from partnerhub.analysis.figures.profile import compute_country_profile
from partnerhub.analysis.figures.teameurope import (
    Taxonomy,
    country_rows,
    index_scope,
    index_totals,
    money_totals,
    pillar_summaries,
    scope_figures,
)
from partnerhub.analysis.models import (
    AmbiguousReference,
    CountedAudience,
    CountedMoney,
    CountedShare,
    CountedTheme,
    FiguresOutdated,
    SummedMoney,
    SummedShares,
    SummedThemes,
)
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.visibility import audience_of
from partnerhub.geo.models import Country
from partnerhub.iati.services import import_iati_files
from partnerhub.registry.models import Engagement, EngagementLink, LinkKind, MoneyKind, MoneyLine
from partnerhub.registry.services import delete_engagement, input_from_engagement, update_engagement
from tests.support.builders import money, record
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db

SHARED_IATI = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati-activities"

LEVELS = ["public", "partner", "eu", "restricted", "originator"]
# A pillar tagged with one of its own themes counts once in the pillar, its part in each.
THEME_CHOICES = [
    [],
    [("RETURN-REINTEGRATION", None)],
    [("DEV-REMIT", 70), ("GOV-DATA", 30)],
    [("LEGAL", None), ("DEV-REMIT", None)],
    [("DEV", None), ("DEV-REMIT", None)],
]
KINDS = [MoneyKind.COMMITMENT, MoneyKind.DISBURSEMENT, MoneyKind.INCOMING, MoneyKind.BUDGET]
OWNERS = ["commission", "giz", "german_interior", "iom"]
# One millionth of a euro per engagement and figure is what rounding each row may cost.
TOLERANCE = Decimal("0.00001")

amounts = st.integers(min_value=1, max_value=5_000_000)


@st.composite
def portfolios(draw):
    size = draw(st.integers(min_value=2, max_value=6))
    engagements = []
    for _ in range(size):
        lines = []
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            kind = draw(st.sampled_from(KINDS))
            named = draw(st.none() | st.integers(min_value=0, max_value=size - 1))
            chain = {}
            if named is not None and kind != MoneyKind.BUDGET:
                by_organisation = draw(st.booleans())
                side = "provider" if kind == MoneyKind.INCOMING else "receiver"
                if by_organisation:
                    chain[f"{side}_ref"] = draw(st.sampled_from(["XI-IATI-EC_INTPA", "DE-1-GIZ-TEST", "XM-DAC-47066"]))
                else:
                    chain[f"{side}_activity"] = f"XX-TEST-{named}"
            year = draw(st.integers(min_value=2022, max_value=2024))
            lines.append(money(kind, str(draw(amounts)), on=date(year, 3, 1), **chain))
        engagements.append(
            {
                "owner": draw(st.sampled_from(OWNERS)),
                "level": draw(st.sampled_from(LEVELS)),
                "countries": draw(
                    st.sampled_from([[("MAR", None)], [("MAR", 60), ("TUN", 40)], [("MAR", None), ("TUN", None)]])
                ),
                "themes": draw(st.sampled_from(THEME_CHOICES)),
                "money": lines,
                "upstream": draw(st.none() | st.integers(min_value=0, max_value=size - 1)),
                "link_kind": draw(st.sampled_from([LinkKind.PART_OF, LinkKind.FUNDED_BY])),
            }
        )
    return engagements


def build(cast, editors, portfolio) -> list[Engagement]:
    built = []
    for number, spec in enumerate(portfolio):
        owner = getattr(cast, spec["owner"])
        built.append(
            record(
                owner,
                editors[spec["owner"]],
                title=f"Engagement {number}",
                iati_identifier=f"XX-TEST-{number}",
                sharing_level=spec["level"],
                countries=spec["countries"],
                themes=spec["themes"],
                money_lines=spec["money"],
            )
        )
    for number, spec in enumerate(portfolio):
        if spec["upstream"] is not None and spec["upstream"] != number:
            EngagementLink.objects.create(source=built[number], target=built[spec["upstream"]], kind=spec["link_kind"])
    return built


@pytest.fixture
def editors(cast):
    return {
        "commission": cast.commission_desk_officer,
        "giz": make_user("giz.editor", cast.giz, Role.EDITOR),
        "german_interior": cast.german_ministry_editor,
        "iom": cast.iom_officer,
    }


def readers(cast):
    return [
        cast.commission_desk_officer,
        cast.german_ministry_editor,
        cast.giz_viewer,
        cast.french_ministry_editor,
        cast.moroccan_ministry_user,
        cast.iom_officer,
        cast.outsider,
    ]


def engine_figures(user, country, kind):
    """What the netting engine gives the reader, added up here independently of the profile."""
    portfolio = load_portfolio(user, [country.pk])
    actors = ActorDirectory(f.owner_id for f in portfolio.engagements.values())
    figures = {k: CountryFigures(portfolio, actors, country.pk, k) for k in MoneyKind.values}
    main = figures[kind]
    team_europe = main.team_europe_ids()
    totals = {
        k: (f.team_europe_total(), sum((f.reported(pk) for pk in team_europe), Decimal(0)))
        for k, f in figures.items()
        if any(k in facts.money for facts in portfolio.engagements.values())
        or k in ("budget", "commitment", "disbursement")
    }
    actor_rows = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    for pk, facts in main.engagements.items():
        row = actor_rows[actors.group(facts.owner_id).label]
        row[0] += main.reported(pk)
        row[1] += main.counted(pk)
        row[2] += 1
    themes = defaultdict(lambda: [Decimal(0), set()])
    years = defaultdict(Decimal)
    instruments = defaultdict(Decimal)
    parents = {t.pk: (t.code, t.parent.code if t.parent else None) for t in _themes()}
    for pk in team_europe:
        fractions = main.engagements[pk].theme_fractions.items() or [(None, Decimal(1))]
        for theme_id, fraction in fractions:
            code, parent = parents[theme_id] if theme_id else ("-", None)
            for key in [code] + ([parent] if parent else []):
                themes[key][0] += main.counted(pk) * fraction
                themes[key][1].add(pk)
        for year, amount in main.counted_by_year(pk).items():
            years[str(year)] += amount
        instruments[main.engagements[pk].instrument_id] += main.counted(pk)
    netted = {pk: netting.covered * main.fraction(pk) for pk, netting in main.netted()}
    balance = balance_of(main, theme_interests(), whole_countries([country.pk], kind)[country.pk])
    return {
        "total": main.team_europe_total(),
        "totals": totals,
        "actors": {label: tuple(row) for label, row in actor_rows.items()},
        "themes": {code: (amount, len(pks)) for code, (amount, pks) in themes.items()},
        "years": dict(years),
        "netted": netted,
        "balance": {p.interest: (p.money, p.engagements) for p in balance.parts},
        "verdict": (balance.verdict_shown, balance.unclassified_money, balance.unclassified_engagements),
        "count": len(main.engagements),
    }


def _themes():
    from partnerhub.registry.models import Theme

    return Theme.objects.select_related("parent")


def profile_figures(user, country, kind):
    profile = compute_country_profile(user, country, kind)
    return {
        "total": profile.team_europe_total,
        "totals": {t.kind: (t.team_europe, t.reported) for t in profile.totals},
        "actors": {row.label: (row.reported, row.amount, row.engagements) for row in profile.by_actor},
        "themes": {row.key: (row.amount, row.engagements) for row in profile.by_theme},
        "years": {row.key: row.amount for row in profile.by_year},
        "netted": {row.engagement_id: row.netted for row in profile.netted},
        "balance": {p.interest: (p.money, p.engagements) for p in profile.balance.parts},
        "verdict": (
            profile.balance.verdict_shown,
            profile.balance.unclassified_money,
            profile.balance.unclassified_engagements,
        ),
        "count": profile.engagement_count,
    }


def assert_close(found, expected, where=""):
    if isinstance(expected, dict):
        assert set(found) == set(expected), where
        for key in expected:
            assert_close(found[key], expected[key], f"{where}/{key}")
    elif isinstance(expected, tuple):
        assert len(found) == len(expected), where
        for index, (a, b) in enumerate(zip(found, expected, strict=True)):
            assert_close(a, b, f"{where}[{index}]")
    elif isinstance(expected, Decimal):
        assert abs(Decimal(found) - expected) <= TOLERANCE, (where, found, expected)
    else:
        assert found == expected, (where, found, expected)


def in_rollback(body):
    with transaction.atomic():
        body()
        transaction.set_rollback(True)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(portfolio=portfolios(), kind=st.sampled_from([MoneyKind.COMMITMENT, MoneyKind.DISBURSEMENT]))
def test_every_reader_gets_from_the_rows_what_the_netting_engine_gives(cast, editors, portfolio, kind):
    morocco = Country.objects.get(iso3="MAR")

    def body():
        build(cast, editors, portfolio)
        for reader in readers(cast):
            assert_close(profile_figures(reader, morocco, kind), engine_figures(reader, morocco, kind), reader.username)

    in_rollback(body)


def index_engine(user, countries, kind):
    """The pages over many countries as the netting engine gives them: per country the Team
    Europe money counted once, the engagements seen and the balance; over all of them, each kind's
    total with its engagements with money; and each pillar's money and engagements with money."""
    taxonomy = Taxonomy.load()
    ids = [country.pk for country in countries]
    scope = scope_figures(user, ids, taxonomy)
    figures = scope.of(kind)
    rows = {
        country.iso3: (
            figures[country.pk].team_europe_total(),
            len(figures[country.pk].engagements),
            balance_key(
                balance_of(figures[country.pk], theme_interests(), whole_countries([country.pk], kind)[country.pk])
            ),
        )
        for country in countries
        if country.pk in figures
    }
    pillars = {}
    for money_kind, by_country in scope.by_kind.items():
        amounts, engagements = defaultdict(Decimal), defaultdict(set)
        for country_figures in by_country.values():
            for pk in country_figures.team_europe_ids():
                has_money = bool(country_figures.nettings[pk].gross)
                for theme_id, fraction in country_figures.engagements[pk].theme_fractions.items():
                    pillar = taxonomy.pillar_of[theme_id]
                    amounts[pillar] += country_figures.counted(pk) * fraction
                    if has_money and fraction:
                        engagements[pillar].add(pk)
        for pillar in taxonomy.pillars:
            pillars[(money_kind, pillar.code)] = (amounts[pillar.pk], len(engagements[pillar.pk]))
    totals = {
        total.kind: (total.team_europe, total.engagements) for total in money_totals(scope, ids, undisclosed=False)
    }
    # Where money hidden from the reader lies (the "undisclosed" marks): by country, the themes of those records.
    hidden = dict(scope.hidden.themes_by_country)
    return {"rows": rows, "totals": totals, "pillars": pillars, "hidden": hidden}


def index_from_rows(user, countries, kind):
    taxonomy = Taxonomy.load()
    ids = [country.pk for country in countries]
    scope = index_scope(user, ids, taxonomy)
    rows = {
        row.country.iso3: (row.team_europe, row.engagements, balance_key(row.balance))
        for row in country_rows(scope, countries, kind)
    }
    totals = {
        total.kind: (total.team_europe, total.engagements) for total in index_totals(scope, ids, undisclosed=False)
    }
    pillars = {
        (total.kind, summary.code): (total.team_europe, total.engagements)
        for summary in pillar_summaries(scope, ids, taxonomy)
        for total in summary.totals
    }
    return {"rows": rows, "totals": totals, "pillars": pillars, "hidden": dict(scope.hidden.themes_by_country)}


def balance_key(balance):
    parts = tuple((part.interest, part.money, part.engagements) for part in balance.parts)
    return (*parts, balance.verdict_shown, balance.unclassified_money, balance.unclassified_engagements)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(portfolio=portfolios(), kind=st.sampled_from([MoneyKind.COMMITMENT, MoneyKind.DISBURSEMENT]))
def test_the_pages_over_many_countries_give_every_reader_what_the_netting_engine_gives(cast, editors, portfolio, kind):
    countries = list(Country.objects.filter(iso3__in=["MAR", "TUN"]).order_by("iso3"))

    def body():
        build(cast, editors, portfolio)
        for reader in readers(cast):
            assert_close(
                index_from_rows(reader, countries, kind), index_engine(reader, countries, kind), reader.username
            )

    in_rollback(body)


def all_rows():
    """Every counted row, with the audience it names as ``audience_of`` gives it, and the sums over them."""
    refresh_sums()
    audiences = {audience.pk: audience_as_given(audience) for audience in CountedAudience.objects.all()}

    def rows(model, *fields):
        return sorted(model.objects.values_list(*fields), key=repr)

    def with_audience(model, *fields):
        return sorted(
            # The per-level sums name no audience.
            ((*row, audiences.get(audience)) for *row, audience in model.objects.values_list(*fields, "audience_id")),
            key=repr,
        )

    return {
        "shares": with_audience(CountedShare, "engagement_id", "country_id", "chain", "owner_id", "instrument_id"),
        "summed shares": with_audience(SummedShares, "country_id", "sharing_level", "owner_id", "engagements"),
        "summed money": with_audience(
            SummedMoney, "country_id", "sharing_level", "owner_id", "kind", "reported", "counted", "with_money"
        ),
        "summed themes": with_audience(
            SummedThemes,
            "country_id",
            "sharing_level",
            "owner_id",
            "kind",
            "theme_id",
            "pillar_id",
            "weight",
            "counted",
            "lines",
            "on_pillar",
        ),
        "money": with_audience(
            CountedMoney,
            "engagement_id",
            "country_id",
            "chain",
            "owner_id",
            "kind",
            "year",
            "reported",
            "counted",
            "has_money",
            "netted",
            "sources",
        ),
        "themes": with_audience(
            CountedTheme,
            "engagement_id",
            "country_id",
            "chain",
            "kind",
            "theme_id",
            "weight",
            "counted",
            "has_money",
            "first_on_pillar",
        ),
        "ambiguous": rows(AmbiguousReference, "engagement_id", "country_id", "organisation_ref"),
    }


def audience_as_given(audience: CountedAudience) -> dict:
    """An audience as its fields say it (what ``visibility_q`` reads), in the form ``audience_of`` gives."""
    given = {"level": audience.sharing_level, "owner": audience.owner_id}
    if audience.sharing_level == SharingLevel.RESTRICTED:
        given["organisations"] = sorted(audience.shared_with_organisations.values_list("pk", flat=True))
        given["member_states"] = sorted(audience.shared_with_countries.values_list("pk", flat=True))
    if audience.sharing_level == SharingLevel.PARTNER:
        given["countries"] = sorted(audience.partner_countries.values_list("pk", flat=True))
    return given


def assert_each_row_names_its_engagements_audience():
    engagements = Engagement.objects.unrestricted("test: every engagement's audience")
    for model in (CountedShare, CountedMoney, CountedTheme):
        for engagement_id, audience_id in model.objects.values_list("engagement_id", "audience_id"):
            expected = audience_of(engagements.get(pk=engagement_id))
            assert audience_as_given(CountedAudience.objects.get(pk=audience_id)) == expected, model.__name__


edits = st.lists(
    st.tuples(
        st.sampled_from(
            ["raise", "drop_money", "unlink", "delete", "move", "restrict", "to_partners", "name_directly"]
        ),
        st.integers(0, 5),
    ),
    max_size=4,
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(portfolio=portfolios(), changes=edits)
def test_rows_kept_current_edit_by_edit_equal_rows_rebuilt_from_nothing(cast, editors, portfolio, changes):
    def body():
        built = build(cast, editors, portfolio)
        refresh_outdated()
        for action, index in changes:
            engagement = Engagement.objects.unrestricted("test").filter(pk=built[index % len(built)].pk).first()
            if engagement is None:
                continue
            editor = editors[portfolio[index % len(built)]["owner"]]
            apply_edit(action, engagement, editor)
            refresh_outdated()
        assert_each_row_names_its_engagements_audience()
        kept = all_rows()
        rebuild_all()
        assert kept == all_rows()

    in_rollback(body)


def apply_edit(action: str, engagement: Engagement, editor) -> None:
    if action == "delete":
        delete_engagement(engagement, acting_user=editor)
        return
    if action == "unlink":
        for link in EngagementLink.objects.unrestricted("test").filter(source=engagement):
            link.delete()
        return
    data = input_from_engagement(engagement)
    if action == "raise":
        data.money = [replace(m, amount=m.amount + 1000) for m in data.money]
    elif action == "drop_money":
        data.money = data.money[1:]
    elif action == "move":
        data.countries = [(Country.objects.get(iso3="TUN"), None)]
    elif action == "restrict":
        data.sharing_level = SharingLevel.RESTRICTED
        data.shared_with_organisations = list(Organisation.objects.exclude(pk=engagement.owner_id).order_by("pk")[:1])
    elif action == "to_partners":
        data.sharing_level = SharingLevel.PARTNER
    elif action == "name_directly":  # a list changed on its own (a shell, a script), the record not saved
        engagement.shared_with_countries.add(Country.objects.filter(is_eu_member=True).order_by("pk").first())
        return
    update_engagement(engagement, data, acting_user=editor)


def test_an_edit_is_counted_when_the_writer_commits(cast, editors, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        engagement = record(
            cast.commission,
            cast.commission_desk_officer,
            title="Reintegration facility",
            money_lines=[money("commitment", "1000000")],
        )
    assert not FiguresOutdated.objects.exists()
    data = input_from_engagement(engagement)
    data.money = [replace(line, amount=Decimal("1500000")) for line in data.money]
    with django_capture_on_commit_callbacks(execute=True):
        update_engagement(engagement, data, acting_user=cast.commission_desk_officer)
    assert not FiguresOutdated.objects.exists()
    row = CountedMoney.objects.get(engagement_id=engagement.pk, kind="commitment", year__isnull=True)
    assert (row.reported, row.counted) == (1_500_000_000_000, 1_500_000_000_000)


def test_refresh_figures_recomputes_what_was_changed_behind_the_hubs_back(cast):
    morocco = Country.objects.get(iso3="MAR")
    engagement = record(
        cast.commission,
        cast.commission_desk_officer,
        title="Border data systems",
        sharing_level="public",
        money_lines=[money("commitment", "200000")],
    )
    refresh_outdated()
    MoneyLine.objects.unrestricted("test: a change by hand").filter(engagement=engagement).update(
        amount_eur=Decimal("300000")
    )
    assert compute_country_profile(cast.outsider, morocco).team_europe_total == Decimal("200000")
    call_command("refresh-figures", stdout=StringIO())
    assert compute_country_profile(cast.outsider, morocco).team_europe_total == Decimal("300000")


def test_a_database_from_before_the_counted_rows_gets_them_when_migrated(cast):
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="Legal pathways pilot",
        money_lines=[money("commitment", "50000")],
    )
    refresh_outdated()
    expected = all_rows()
    for model in (CountedShare, CountedMoney, CountedTheme):
        model.objects.all().delete()
    call_command("migrate", "analysis", verbosity=0)
    assert all_rows() == expected


@pytest.mark.slow
def test_rows_after_importing_real_iati_activities_equal_rows_rebuilt_from_nothing():
    """The d-portal extract's activities name each other in transactions and related activities;
    the import brings the rows up to date once, at its end."""
    report = import_iati_files([SHARED_IATI / "d-portal" / "dflat_downloads_activities.xml"], keep_all=True)
    assert report.file_results[0].created > 0
    assert not FiguresOutdated.objects.exists()
    kept = all_rows()
    assert kept["money"]
    rebuild_all()
    assert all_rows() == kept
