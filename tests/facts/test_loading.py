"""Loading a reading: idempotent, all or nothing, revised figures reopen agreed ones."""

from datetime import date
from decimal import Decimal

import pytest

from partnerhub.access.models import Organisation
from partnerhub.core.history import events_of, history_of
from partnerhub.facts.loading import load_reading, revisions_awaiting_decision
from partnerhub.facts.models import FactsLoad, Indicator, ObservationStatus, Source
from partnerhub.facts.services import agree_observation, propose_observation
from partnerhub.facts.sources.base import SkippedRow
from tests.facts.factories import REFUGEES, REMITTANCES, figures, reading, row

pytestmark = pytest.mark.django_db


def remittances(*values: tuple[str, str, str]):
    return reading(*(row(country, period, value, line=n + 2) for n, (country, period, value) in enumerate(values)))


def test_a_reading_becomes_indicators_a_source_and_public_figures_of_the_publisher(cast):
    report = load_reading(remittances(("MA", "2022", "11234567890.5"), ("TN", "2022-Q3", "25")), loaded_by=None)
    assert (report.loaded, report.unchanged, report.skipped) == (2, 0, 0)
    indicator = Indicator.objects.get()
    assert (indicator.code, indicator.unit, indicator.direction) == (REMITTANCES.code, "USD", "higher-better")
    assert [theme.code for theme in indicator.themes.all()] == ["DEV-REMIT"]
    source = Source.objects.get()
    assert (str(source), source.release_date, indicator.default_source) == (
        "World Bank – World Development Indicators",
        date(2025, 7, 1),
        source,
    )
    morocco = figures().get(country__iso2="MA")
    assert morocco.value == Decimal("11234567890.5")
    assert (morocco.owner.name, morocco.sharing_level, morocco.status) == ("World Bank", "public", "imported")
    assert figures().get(country__iso2="TN").period_start == date(2022, 7, 1)


def test_loading_the_same_reading_twice_changes_nothing(cast):
    values = (("MA", "2022", "11234567890.123456"), ("TN", "2022", "0.000001"), ("EG", "2021", "-3.5"))
    load_reading(remittances(*values), loaded_by=None)
    again = load_reading(remittances(*values), loaded_by=None)
    assert again.as_dict() == {
        "observations_read": 3,
        "loaded": 0,
        "unchanged": 3,
        "skipped": 0,
        "reasons": {},
        "revised": 0,
        "reopened": 0,
    }
    assert figures().count() == 3


def test_skipped_rows_are_counted_by_reason_and_kept_as_job_findings(cast):
    parsed = remittances(("MA", "2022", "1"), ("QQ", "2022", "2"), ("TN", "2022-13", "3"), ("MA", "2022", "4"))
    parsed.skipped = [SkippedRow(9, "aggregate", "World"), SkippedRow(10, "footnote", "Source: World Bank")]
    job = FactsLoad.objects.create(source_name="wdi", file_name="remittances.csv")
    report = load_reading(parsed, loaded_by=None, job=job)
    assert report.as_dict()["reasons"] == {
        "aggregate": 1,
        "bad-period": 1,
        "duplicate": 1,
        "footnote": 1,
        "unknown-country": 1,
    }
    assert (report.observations_read, report.loaded, report.skipped) == (6, 1, 5)
    lines = sorted(item["where"]["line"] for item in job.findings)
    assert lines == [3, 4, 5, 9, 10]
    assert any("'QQ'" in item["message"] for item in job.findings)


def test_a_revised_imported_figure_takes_the_new_value_and_keeps_the_old_one_in_its_history(cast):
    load_reading(remittances(("MA", "2022", "1000")), loaded_by=None)
    report = load_reading(remittances(("MA", "2022", "1010")), loaded_by=cast.commission_desk_officer)
    assert (report.loaded, report.revised, report.unchanged) == (0, 1, 0)
    figure = figures().get()
    assert figure.value == Decimal(1010)
    change = history_of(figure).get()
    assert change.changes == {"value": ["1000.000000", "1010.000000"]}
    assert (change.user, change.sharing_level) == (cast.commission_desk_officer, "public")


def test_a_revised_agreed_figure_reopens_the_agreement_and_waits_for_a_coordinator(cast):
    load_reading(remittances(("MA", "2022", "1000")), loaded_by=None)
    agreed = figures().get()
    propose_observation(agreed, note="Quote WDI", acting_user=cast.commission_desk_officer)
    agree_observation(agreed, acting_user=cast.coordinator)
    report = load_reading(remittances(("MA", "2022", "1200")), loaded_by=None)
    assert (report.revised, report.reopened, report.loaded) == (1, 1, 0)
    agreed.refresh_from_db()
    assert (agreed.status, agreed.value) == (ObservationStatus.AGREED, Decimal(1000))
    revision = revisions_awaiting_decision(cast.coordinator).get()
    assert (revision.value, revision.status, revision.revises) == (Decimal(1200), "proposed", agreed)
    assert events_of(revision, ["observation.revised"]).get().data["revises"] == agreed.pk
    assert load_reading(remittances(("MA", "2022", "1200")), loaded_by=None).unchanged == 1
    agree_observation(revision, acting_user=cast.coordinator)
    agreed.refresh_from_db()
    assert agreed.status == ObservationStatus.SUPERSEDED
    assert not revisions_awaiting_decision(cast.coordinator).exists()


def test_pairs_are_loaded_per_destination(cast):
    rows = [
        row("SY", "2023", "716728", destination="DE", indicator=REFUGEES.code, unit="persons"),
        row("SY", "2023", "3214779", destination="TR", indicator=REFUGEES.code, unit="persons"),
    ]
    assert load_reading(reading(*rows, indicators=(REFUGEES,)), loaded_by=None).loaded == 2
    assert figures().get(destination__iso2="TR").value == Decimal(3214779)
    assert load_reading(reading(*rows, indicators=(REFUGEES,)), loaded_by=None).unchanged == 2


def test_a_load_that_fails_half_way_writes_nothing(cast, monkeypatch):
    import partnerhub.facts.loading as loading

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loading, "_keep_revisions", broken)
    with pytest.raises(RuntimeError):
        load_reading(remittances(("MA", "2022", "1")), loaded_by=None)
    assert not figures().exists()
    assert not Indicator.objects.exists() and not Source.objects.exists()
    assert not Organisation.objects.filter(name="World Bank").exists()


def test_imported_figures_may_belong_to_a_coordinators_organisation_and_stay_in_the_eu_circle(cast):
    load_reading(
        remittances(("MA", "2022", "1")),
        loaded_by=cast.coordinator,
        owner=cast.eu_delegation_morocco,
        sharing_level="eu",
    )
    figure = figures().get()
    assert (figure.owner, figure.sharing_level) == (cast.eu_delegation_morocco, "eu")
    assert not figures().model.objects.visible_to(cast.moroccan_ministry_user).exists()


def test_a_files_figures_are_written_in_batches_not_one_query_each(cast, django_assert_max_num_queries):
    countries = ["MA", "TN", "EG", "SN", "NG", "ML", "NE", "DZ"]
    rows = [
        row(country, str(year), str(year * 10 + index), line=n)
        for n, (index, country, year) in enumerate(
            (index, country, year) for index, country in enumerate(countries) for year in range(1960, 2025)
        )
    ]
    # 520 figures; the search index adds its own fixed handful of queries per batch (search.indexer: the
    # entries, their countries and themes, and the audience lists each entry keeps).
    with django_assert_max_num_queries(52):
        assert load_reading(reading(*rows), loaded_by=None).loaded == len(rows)


def test_loaded_figures_are_never_restricted_without_named_organisations(cast):
    with pytest.raises(ValueError, match="not 'restricted'"):
        load_reading(remittances(("MA", "2022", "1")), loaded_by=None, sharing_level="restricted")
    assert not figures().exists()
