"""Every real IATI 2.0x file in ../shared/data/iati-activities, imported for real.

The files are imported once for the module, three times over: first keeping
the migration-relevant activities only, then every activity, then every
activity again. The expectations are computed here from the files with a
plain lxml parse and the ECB rates of ``currency_converter``, independently
of the importer.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import pytest
from currency_converter import CurrencyConverter, RateNotFoundError
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from lxml import etree

from partnerhub.access.models import Organisation
from partnerhub.analysis.figures.portfolio import load_portfolio
from partnerhub.core.models import ObjectChange
from partnerhub.iati.services import ImportReport, import_iati_files
from partnerhub.registry.models import DataSource, Engagement, EngagementLink, EngagementSector, MoneyLine
from tests.iati.documents import SHARED_ACTIVITIES

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db,
    pytest.mark.skipif(
        not SHARED_ACTIVITIES.is_dir(),
        reason=f"the real IATI files are not at {SHARED_ACTIVITIES} (../shared/data is absent)",
    ),
]

REAL_FOLDERS = ("dportal-covid19-2021", "ocha-hdx-fixtures", "d-portal", "oipa")
REAL_FILES = sorted(path for folder in REAL_FOLDERS for path in (SHARED_ACTIVITIES / folder).glob("*.xml")) + [
    SHARED_ACTIVITIES / "synthetic" / "activity-standard-example-annotated-2.03.xml"
]
LEGACY_FILES = sorted((SHARED_ACTIVITIES / "legacy-v1").glob("*.xml"))
MIGRATION_CODES = {"15190", "15136"}
CENT = Decimal("0.01")
MONEY_KINDS = {"1": "incoming", "2": "commitment", "3": "disbursement", "4": "expenditure"}


@dataclass
class Imports:
    migration_only: ImportReport
    kept_after_first: set[str]
    everything: ImportReport
    rows_after_second: dict[str, int]
    again: ImportReport
    rows_after_third: dict[str, int]


def rows_everywhere() -> dict[str, int]:
    return {
        model.__name__: model._base_manager.count()
        for model in (Engagement, EngagementSector, EngagementLink, MoneyLine, ObjectChange, Organisation, DataSource)
    }


@pytest.fixture(scope="module")
def imports(django_db_setup, django_db_blocker):
    if not SHARED_ACTIVITIES.is_dir():
        pytest.skip(f"the real IATI files are not at {SHARED_ACTIVITIES}")
    with django_db_blocker.unblock():
        organisations = set(Organisation.objects.values_list("pk", flat=True))
        sources = set(DataSource.objects.values_list("pk", flat=True))
        engagements = set(Engagement.objects.unrestricted("test").values_list("pk", flat=True))
        last_change = ObjectChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        first = import_iati_files(REAL_FILES)
        kept = set(Engagement.objects.unrestricted("test").values_list("iati_identifier", flat=True))
        second = import_iati_files(REAL_FILES, keep_all=True)
        after_second = rows_everywhere()
        third = import_iati_files(REAL_FILES, keep_all=True)
        yield Imports(first, kept, second, after_second, third, rows_everywhere())
        Engagement.objects.unrestricted("test").exclude(pk__in=engagements).delete()
        DataSource.objects.exclude(pk__in=sources).delete()
        ObjectChange.objects.filter(pk__gt=last_change).delete()
        Organisation.objects.exclude(pk__in=organisations).delete()


def activities_in(path: Path):
    """Each activity of a file as an lxml element, with the file's default version (plain parse)."""
    for _event, element in etree.iterparse(str(path), tag="iati-activity"):
        yield element
        element.clear()


def identifier_of(element) -> str:
    return (element.findtext("iati-identifier") or "").strip()


def file_result(report: ImportReport, path: Path):
    (result,) = [r for r in report.file_results if r.path == path]
    return result


# -- counts ----------------------------------------------------------------


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_activity_of_the_file_is_read(imports, path):
    independent_count = sum(1 for _ in activities_in(path))
    assert file_result(imports.migration_only, path).activities_read == independent_count
    assert file_result(imports.everything, path).activities_read == independent_count


def test_no_real_file_is_refused_and_only_pre_standard_activities_are_rejected(imports):
    assert imports.everything.failed_files == 0
    assert {e.reason for e in imports.everything.errors} == {
        "IATI version 1.04 is not supported: only 2.01–2.03",
        "IATI version 1.03 is not supported: only 2.01–2.03",
    }
    assert {e.file for e in imports.everything.errors} == {
        str(SHARED_ACTIVITIES / "d-portal" / "dflat_downloads_activities.xml")
    }


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_activity_with_a_migration_purpose_code_is_kept(imports, path):
    coded = {
        identifier_of(a) for a in activities_in(path) if MIGRATION_CODES & {s.get("code") for s in a.iter("sector")}
    }
    assert coded <= imports.kept_after_first


def test_the_migration_screen_keeps_a_minority(imports):
    report = imports.migration_only
    assert 0 < report.migration_relevant == report.created < report.activities_read / 3
    assert report.created + report.skipped + len(report.errors) == report.activities_read


# -- money in EUR, computed by hand ----------------------------------------


def ecb_rate(converter: CurrencyConverter, currency: str, day: date) -> Decimal | None:
    if currency == "EUR":
        return Decimal(1)
    try:
        return Decimal(str(converter.convert(1, currency, "EUR", date=day)))
    except (RateNotFoundError, ValueError):
        return None


def money_elements(activity):
    """(kind, value element) of the activity's budgets that count (not negative, not an original
    one a revised budget of an overlapping period replaces) and of the transactions of a kind the
    hub keeps."""
    budgets = list(activity.iterfind("budget"))
    revised = [budget_period(budget) for budget in budgets if budget.get("type") == "2"]
    for budget in budgets:
        value, period = budget.find("value"), budget_period(budget)
        replaced = budget.get("type") != "2" and any(
            None not in period + other and period[0] <= other[1] and other[0] <= period[1] for other in revised
        )
        if not replaced and not (value is not None and (value.text or "").strip().startswith("-")):
            yield "budget", value
    for transaction in activity.iterfind("transaction"):
        kind_element = transaction.find("transaction-type")
        kind = MONEY_KINDS.get(kind_element.get("code") if kind_element is not None else "")
        if kind is not None:
            yield kind, transaction.find("value")


def budget_period(budget) -> tuple[str | None, str | None]:
    dates = [
        (budget.find(tag).get("iso-date") or "")[:10] if budget.find(tag) is not None else ""
        for tag in ("period-start", "period-end")
    ]
    return tuple(day or None for day in dates)


def hand_checked_money_line(path: Path, converter: CurrencyConverter):
    """The first budget or transaction whose value, currency and value-date are all given and
    which has an ECB fixing on that very day; in a foreign currency if the file has one."""
    candidates = []
    for element in activities_in(path):
        if (element.get("version") or "2").startswith("1"):
            continue
        for kind, value in money_elements(element):
            if value is None or not value.get("value-date"):
                continue
            currency = (value.get("currency") or element.get("default-currency") or "").strip()
            try:
                amount = Decimal((value.text or "").strip()).quantize(CENT, ROUND_HALF_UP)
                day = date.fromisoformat(value.get("value-date")[:10])
            except (InvalidOperation, ValueError):
                continue
            rate = ecb_rate(converter, currency, day) if currency else None
            if rate is not None and amount != 0:
                expected = (amount * rate).quantize(CENT, ROUND_HALF_UP)
                candidates.append((currency != "EUR", identifier_of(element), kind, amount, day, currency, expected))
    return max(candidates, key=lambda candidate: candidate[0]) if candidates else None


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_money_in_eur_matches_a_hand_computed_example(imports, path):
    example = hand_checked_money_line(path, CurrencyConverter())
    assert example is not None, f"{path.name} has no transaction to check"
    _foreign, identifier, kind, amount, day, currency, expected = example
    lines = MoneyLine.objects.unrestricted("test").filter(
        engagement__iati_identifier=identifier, kind=kind, amount=amount, value_date=day, currency=currency
    )
    assert lines.exists(), f"{identifier}: no {kind} of {amount} {currency} on {day}"
    assert {line.amount_eur for line in lines} == {expected}


# -- idempotency -----------------------------------------------------------


def test_keeping_every_activity_adds_the_rest_and_leaves_the_kept_ones_unchanged(imports):
    report = imports.everything
    assert report.unchanged == len(imports.kept_after_first)
    assert report.created == report.activities_read - len(report.errors) - report.unchanged
    assert report.updated == 0


def test_a_second_import_of_every_file_changes_nothing(imports):
    report = imports.again
    assert (report.created, report.updated, report.skipped) == (0, 0, 0)
    assert report.unchanged == imports.everything.created + imports.everything.unchanged
    assert imports.rows_after_third == imports.rows_after_second


def test_imported_engagements_carry_their_findings_and_sources(imports):
    giz_file = SHARED_ACTIVITIES / "dportal-covid19-2021" / "dportal_121.xml"
    flagged = Engagement.objects.unrestricted("test").filter(source__name=giz_file.name).exclude(import_findings=[])
    assert any(
        f["field"] == "recipient-country" and f["tier"] == "error"
        for engagement in flagged
        for f in engagement.import_findings
    )
    assert DataSource.objects.get(name=giz_file.name).publisher.iati_identifier == "XM-DAC-5-7"


# -- the pre-standard files ------------------------------------------------


@pytest.mark.parametrize("path", LEGACY_FILES, ids=lambda p: p.name)
def test_pre_standard_files_are_refused_with_the_version(path):
    report = import_iati_files([path], keep_all=True)
    (error,) = report.errors
    assert error.reason in (
        "IATI version 1.0 is not supported: only 2.01–2.03",
        "IATI version 1.0x is not supported: only 2.01–2.03",
    )
    assert (report.failed_files, report.created) == (1, 0)
    assert not DataSource.objects.filter(name=path.name).exists()


def test_the_command_exits_with_an_error_for_a_pre_standard_file():
    with pytest.raises(CommandError, match="1 file could not be imported"):
        call_command("import-iati", str(SHARED_ACTIVITIES / "legacy-v1" / "worldbank.xml"), "--json")


# -- migration relevance: the verdict, its reasons, and what counts --------

# Refugee and displacement words in the languages of the real titles, read here independently of the
# term files; organisation names are taken out first, since naming who does the work is no subject.
DISPLACEMENT_WORDS = re.compile(
    r"refugee|réfugi|rohingya|\bIDPs?\b|displaced|stranded migrants|flüchtling|geflüchtete|vertriebene"
    r"|refugiad|desplazad|rifugiat|sfollat|profugh",
    re.IGNORECASE,
)
ORGANISATION_NAMES = re.compile(
    r"(united nations |un )?high commissioner for refugees|(danish|norwegian) refugee council", re.IGNORECASE
)


def titles_of(element) -> list[str]:
    return [node.text or "" for node in element.iterfind("title/narrative")]


def about_displacement(element) -> bool:
    return any(DISPLACEMENT_WORDS.search(ORGANISATION_NAMES.sub("", text)) for text in titles_of(element))


def displacement_titles() -> dict[str, list[str]]:
    found = {}
    for path in REAL_FILES:
        for element in activities_in(path):
            if not (element.get("version") or "2").startswith("1") and about_displacement(element):
                found.setdefault(identifier_of(element), titles_of(element))
    return found


def test_every_activity_with_a_refugee_or_displacement_title_is_kept_with_its_title_as_reason(imports):
    expected = displacement_titles()
    kept = dict(
        Engagement.objects.unrestricted("test")
        .filter(iati_identifier__in=expected)
        .values_list("iati_identifier", "relevance_reasons")
    )

    assert len(expected) > 60
    assert set(expected) <= imports.kept_after_first
    assert [
        identifier for identifier, reasons in kept.items() if not any(reason["field"] == "title" for reason in reasons)
    ] == []


def test_every_kept_record_says_why_and_the_others_are_marked_not_relevant(imports):
    imported = Engagement.objects.unrestricted("test").filter(
        provenance="iati", source__name__in=[path.name for path in REAL_FILES]
    )
    relevant = imported.filter(migration_relevant=True)

    assert set(relevant.values_list("iati_identifier", flat=True)) == imports.kept_after_first
    assert imported.filter(migration_relevant=False).count() == imports.everything.created
    assert [pk for pk, reasons in relevant.values_list("pk", "relevance_reasons") if not reasons] == []
    assert not imported.filter(migration_relevant=False).exclude(relevance_reasons=[]).exists()


def test_after_importing_everything_the_list_and_the_api_show_relevant_records_unless_asked(imports):
    visitor = Client()
    public = Engagement.objects.visible_to(AnonymousUser())
    relevant, everything = public.filter(migration_relevant=True).count(), public.count()

    listed = visitor.get(reverse("registry:engagement_list")).context["page_obj"].paginator.count
    listed_all = (
        visitor.get(reverse("registry:engagement_list"), {"relevance": "all"}).context["page_obj"].paginator.count
    )
    api_default = visitor.get("/api/engagements", {"page_size": 5}).json()
    api_other = visitor.get("/api/engagements", {"relevance": "other", "page_size": 5}).json()

    assert relevant < everything
    assert (listed, listed_all) == (relevant, everything)
    assert (api_default["count"], api_other["count"]) == (relevant, everything - relevant)
    assert all(row["migration_relevant"] and row["relevance_reasons"] for row in api_default["items"])
    assert not any(row["migration_relevant"] or row["relevance_reasons"] for row in api_other["items"])


def test_after_importing_everything_country_figures_leave_out_records_not_about_migration(imports):
    with_money = (
        Engagement.objects.unrestricted("test")
        .filter(migration_relevant=False, money_lines__isnull=False)
        .values_list("country_shares__country_id", flat=True)
        .exclude(country_shares__isnull=True)
    )
    country_id = Counter(with_money).most_common(1)[0][0]
    in_country = Engagement.objects.visible_to(AnonymousUser()).filter(country_shares__country_id=country_id)

    portfolio = load_portfolio(AnonymousUser(), [country_id])

    assert set(portfolio.engagements) == set(in_country.filter(migration_relevant=True).values_list("pk", flat=True))
    assert in_country.filter(migration_relevant=False).exists()


def test_the_engagement_page_shows_why_a_record_is_about_migration_or_that_it_is_not(imports):
    kept = Engagement.objects.unrestricted("test").filter(iati_identifier__in=displacement_titles()).first()
    other = Engagement.objects.unrestricted("test").filter(migration_relevant=False, sharing_level="public").first()
    visitor = Client()

    kept_page = visitor.get(kept.get_absolute_url()).content.decode()
    other_page = visitor.get(other.get_absolute_url()).content.decode()

    title_reason = next(reason for reason in kept.relevance_reasons if reason["field"] == "title")
    assert f"“{escape(title_reason['text'])}” in the title" in kept_page
    assert "the classifier found no sign of migration" in other_page


# -- constructed activities: an incidental word, and verdicts kept up to date --

RESEARCH_GRANT = (
    "<description><narrative>The institute's research grant covers governance, public health, agriculture, "
    "climate adaptation, gender equality, urbanisation, migration, education, water management, energy access, "
    "digital inclusion, trade policy and the informal economy across the region, with doctoral fellowships and "
    "open data.</narrative></description>"
)


def test_migration_once_in_a_long_list_of_topics_keeps_no_activity(iati_file, activity):
    path = iati_file(
        "grants.xml", activity("XM-DAC-301-2-1", title="Research grant to a policy institute", parts=RESEARCH_GRANT)
    )

    report = import_iati_files([path])
    import_iati_files([path], keep_all=True)

    assert (report.migration_relevant, report.created, report.skipped) == (0, 0, 1)
    assert Engagement.objects.unrestricted("test").filter(iati_identifier="XM-DAC-301-2-1").values_list(
        "migration_relevant", "relevance_reasons"
    ).get() == (False, [])


def test_a_record_imported_before_the_verdict_was_stored_gets_it_from_the_next_import(iati_file, activity):
    path = iati_file(
        "grants.xml",
        activity("XM-DAC-301-2-1", title="Research grant to a policy institute", parts=RESEARCH_GRANT),
        activity("XM-DAC-301-2-2", title="Health services for refugees in Kakuma"),
    )
    import_iati_files([path], keep_all=True)
    before = Engagement.objects.unrestricted("test").filter(source__name="grants.xml")
    for engagement in before:  # as the migration that added the verdict left them
        engagement.migration_relevant, engagement.relevance_reasons = True, []
        engagement.iati_extra["fingerprint"] = "before the verdict"
        engagement.save()

    report = import_iati_files([path])

    assert report.updated == 2
    assert dict(before.values_list("iati_identifier", "migration_relevant")) == {
        "XM-DAC-301-2-1": False,
        "XM-DAC-301-2-2": True,
    }
    assert Engagement.objects.unrestricted("test").get(iati_identifier="XM-DAC-301-2-2").relevance_explanations() == [
        "“refugees” in the title"
    ]
