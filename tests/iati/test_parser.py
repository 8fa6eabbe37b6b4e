"""Reading IATI files: streaming, versions, refusals, and one activity → one record."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from currency_converter import CurrencyConverter
from lxml import etree

from partnerhub.iati.mapping import CRITICAL, ERROR, WARNING, classifier_inputs, map_activity
from partnerhub.iati.parser import IatiFileRefused, read_activities
from partnerhub.registry.models import EngagementStatus, MoneyKind, ParticipationRole


def records_of(path):
    return [map_activity(a.element, line=a.line, version=a.version, warnings=a.warnings) for a in read_activities(path)]


def classifier_inputs_of(path):
    (inputs,) = [classifier_inputs(a.element) for a in read_activities(path)]
    return inputs


def only_record(iati_file, activity, parts="", **options):
    path = iati_file("one.xml", activity(parts=parts, **options))
    (record,) = records_of(path)
    return record


def findings(record, tier=None):
    return [(f.tier, f.field, f.message) for f in record.findings if tier is None or f.tier == tier]


# -- streaming -------------------------------------------------------------


def test_activities_come_in_document_order_with_their_lines(iati_file, activity):
    path = iati_file("three.xml", *(activity(f"XI-IATI-EC_INTPA-{n}") for n in range(3)))
    seen = [(a.element.findtext("iati-identifier"), a.line) for a in read_activities(path)]
    assert [identifier for identifier, _line in seen] == [f"XI-IATI-EC_INTPA-{n}" for n in range(3)]
    assert [line for _identifier, line in seen] == [3, 10, 17]


def largest_tree_while_reading(path) -> int:
    largest = 0
    for current in read_activities(path):
        previous = current.element.getprevious()
        # Of the activities before it, only the last is left, emptied.
        assert previous is None or (len(previous) == 0 and previous.getprevious() is None)
        largest = max(largest, sum(1 for _ in current.element.getparent().iter()))
    return largest


def test_activities_already_read_are_freed_so_memory_does_not_grow_with_the_file(iati_file, activity):
    small = iati_file("small.xml", *(activity(f"XI-IATI-EC_INTPA-{n}") for n in range(400)))
    large = iati_file("large.xml", *(activity(f"XI-IATI-EC_INTPA-{n}") for n in range(4000)))
    # The tree holds what the parser has read ahead (one buffer), not what came before.
    assert largest_tree_while_reading(large) <= largest_tree_while_reading(small) * 1.2


def test_a_file_with_a_byte_order_mark_and_comments_before_the_root_is_read(iati_file, activity):
    text = (
        '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- exported by a tool -->\n<?tool x?>\n'
        f'<iati-activities version="2.02">{activity()}</iati-activities>'
    )
    path = iati_file("bom.xml", text=text.encode("utf-8"))
    assert [a.version for a in read_activities(path)] == ["2.02"]


# -- versions --------------------------------------------------------------


@pytest.mark.parametrize("version", ["2.01", "2.02", "2.03"])
def test_versions_two_point_oh_one_to_three_are_read(iati_file, activity, version):
    path = iati_file("v.xml", activity(), version=version)
    (record,) = records_of(path)
    assert not record.is_rejected and record.extra["version"] == version


@pytest.mark.parametrize("version", ["1.01", "1.0", "1.05", "2.04", "3.0"])
def test_a_file_of_another_version_is_refused_naming_the_version(iati_file, activity, version):
    path = iati_file("old.xml", activity(), version=version)
    with pytest.raises(IatiFileRefused) as refusal:
        list(read_activities(path))
    assert refusal.value.reason == f"IATI version {version} is not supported: only 2.01–2.03"


def test_the_version_on_each_activity_counts_when_the_root_has_none(iati_file, activity):
    dportal = 'xmlns:ia="http://d-portal.org/xmlns/iati-activities" ia:version="2.01" xml:lang="en"'
    path = iati_file(
        "mixed.xml",
        activity("A-1", attributes='version="2.02" xml:lang="en"'),
        activity("A-2", attributes=dportal),
        activity("A-3", attributes='version="1.04"'),
        version=None,
    )
    records = records_of(path)
    assert [r.extra.get("version") for r in records[:2]] == ["2.02", "2.01"]
    assert findings(records[2]) == [(CRITICAL, "version", "IATI version 1.04 is not supported: only 2.01–2.03")]


def test_an_activity_without_any_version_is_read_as_two_point_oh_with_a_warning(iati_file, activity):
    path = iati_file("none.xml", activity(), version=None)
    (record,) = records_of(path)
    assert not record.is_rejected
    assert (WARNING, "version", "the file declares no IATI version: read as 2.0x") in findings(record)


def test_an_unversioned_file_in_the_one_point_oh_layout_is_refused(iati_file):
    text = (
        '<iati-activities version=""><iati-activity><reporting-org>UNDP</reporting-org>'
        "<title>PIMS 245</title></iati-activity></iati-activities>"
    )
    path = iati_file("legacy.xml", text=text)
    with pytest.raises(IatiFileRefused, match="IATI version 1.0x is not supported: only 2.01–2.03"):
        list(read_activities(path))


# -- refusals --------------------------------------------------------------


def test_a_doctype_is_refused_before_the_parser_sees_it(iati_file, activity):
    path = iati_file("dtd.xml", activity(), prolog='<!DOCTYPE iati-activities SYSTEM "iati.dtd">\n')
    with pytest.raises(IatiFileRefused) as refusal:
        list(read_activities(path))
    assert str(refusal.value) == "dtd.xml: DTDs and entity declarations are refused"
    assert refusal.value.line == 2


def test_a_doctype_in_a_utf16_file_is_refused_too(iati_file, activity):
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<iati-activities version="2.03"/>'
    path = iati_file("utf16.xml", text=text.encode("utf-16"))
    with pytest.raises(IatiFileRefused, match="DTDs and entity declarations are refused"):
        list(read_activities(path))


def test_the_parser_refuses_a_doctype_even_when_handed_the_stream_directly(tmp_path):
    """Second line of defence: the prolog check is skipped, the parser still refuses."""
    from partnerhub.iati.parser import _stream_activities

    path = tmp_path / "direct.xml"
    path.write_text(
        '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]><iati-activities version="2.03">'
        "<iati-activity><iati-identifier>&a;</iati-identifier></iati-activity></iati-activities>"
    )
    with path.open("rb") as stream, pytest.raises(IatiFileRefused, match="DTDs and entity declarations"):
        list(_stream_activities(path, stream))


def test_a_foreign_root_element_is_refused_by_name(iati_file):
    path = iati_file("org.xml", text='<iati-organisations version="2.03"><iati-organisation/></iati-organisations>')
    with pytest.raises(IatiFileRefused) as refusal:
        list(read_activities(path))
    assert refusal.value.reason == (
        "the root element is <iati-organisations>, not <iati-activities>: this is not an IATI activity file"
    )


def test_malformed_xml_is_refused_with_line_and_column(iati_file, activity):
    # Spaces after the first activity fill more than lxml's read buffer, so that the first activity
    # is parsed from an earlier chunk than the error whatever the parser's state (no new line added).
    padding = " " * 100_000
    text = f'<iati-activities version="2.03">{activity("A-1")}{padding}\n<iati-activity>\n<title></iati-activity>'
    assert text.count("\n") == 9  # the mismatched end tag is on line 10
    path = iati_file("broken.xml", text=text)
    activities = read_activities(path)
    next(activities)  # the first, well-formed activity is read before the error is met
    with pytest.raises(IatiFileRefused) as refusal:
        list(activities)
    assert refusal.value.reason.startswith("malformed XML at line 10, column 24: ")
    assert "mismatch" in refusal.value.reason


def test_a_file_that_is_not_xml_at_all_is_refused_at_line_one(iati_file):
    path = iati_file("notes.xml", text="These are not the activities you are looking for.")
    with pytest.raises(IatiFileRefused, match=r"malformed XML at line 1, column \d+"):
        list(read_activities(path))


# -- one activity → one record ---------------------------------------------


def test_titles_and_descriptions_in_every_language_are_kept_and_the_default_one_is_chosen(iati_file, activity):
    parts = """
      <description type="1"><narrative xml:lang="en">Return and reintegration.</narrative>
        <narrative xml:lang="fr">Retour et réintégration.</narrative></description>
      <description type="2"><narrative>Objectives.</narrative></description>"""
    path = iati_file(
        "texts.xml",
        activity(
            title='Réintégration</narrative><narrative xml:lang="en">Reintegration',
            parts=parts,
            attributes='xml:lang="FR" default-currency="EUR"',
        ),
    )
    (record,) = records_of(path)
    texts, _codes = classifier_inputs_of(path)
    assert (record.title, record.language) == ("Réintégration", "fr")
    assert record.description == "Retour et réintégration."
    assert record.extra["narratives"] == {
        "title": [{"lang": "fr", "text": "Réintégration"}, {"lang": "en", "text": "Reintegration"}],
        "description": [
            {"type": "1", "lang": "en", "text": "Return and reintegration."},
            {"type": "1", "lang": "fr", "text": "Retour et réintégration."},
            {"type": "2", "lang": "fr", "text": "Objectives."},
        ],
    }
    assert texts == [
        ("title", "Réintégration"),
        ("title", "Reintegration"),
        ("description", "Return and reintegration."),
        ("description", "Retour et réintégration."),
        ("description", "Objectives."),
    ]


def test_a_title_in_a_language_outside_the_eu_falls_back_to_an_eu_one(iati_file, activity):
    record = only_record(
        iati_file, activity, title='هجرة</narrative><narrative xml:lang="es">Migración', attributes='xml:lang="ar"'
    )
    assert (record.title, record.language) == ("Migración", "es")


def test_status_dates_and_humanitarian_flag_are_read(iati_file, activity):
    parts = """<activity-date type="1" iso-date="2021-01-01"/><activity-date type="2" iso-date="2021-02-15"/>
               <activity-date type="3" iso-date="2024-12-31"/><activity-date type="4" iso-date="2025-03-31Z"/>"""
    record = only_record(iati_file, activity, parts, status="3", attributes='xml:lang="en" humanitarian="1"')
    assert record.status == EngagementStatus.FINALISATION
    assert (record.planned_start, record.actual_start) == (date(2021, 1, 1), date(2021, 2, 15))
    assert (record.planned_end, record.actual_end) == (date(2024, 12, 31), date(2025, 3, 31))
    assert record.humanitarian is True
    assert record.last_updated == datetime(2023, 5, 1, 10, tzinfo=UTC)


def test_countries_with_percentages_and_regions_are_read(iati_file, activity):
    parts = """<recipient-country code="MA" percentage="60"/><recipient-country code="tn" percentage="40"/>
               <recipient-region code="289" vocabulary="1" percentage="100"/>"""
    record = only_record(iati_file, activity, parts)
    assert record.countries == [("MA", Decimal("60.00")), ("TN", Decimal("40.00"))]
    assert record.extra["regions"] == [{"code": "289", "vocabulary": "1", "percentage": "100"}]


def test_country_percentages_that_do_not_add_up_are_kept_aside_not_as_shares(iati_file, activity):
    parts = '<recipient-country code="AF" percentage="25"/><recipient-country code="AG" percentage="25"/>'
    record = only_record(iati_file, activity, parts)
    assert record.countries == [("AF", None), ("AG", None)]
    assert record.extra["country_percentages"] == {"AF": "25", "AG": "25"}


def test_sectors_of_every_vocabulary_are_kept_with_transaction_sectors_added(iati_file, activity):
    parts = """<sector code="15190" percentage="70"/><sector vocabulary="2" code="151" percentage="30"/>
               <sector vocabulary="99" code="MIG-A"/>
               <transaction><transaction-type code="3"/><value value-date="2022-01-03">10</value>
                 <sector vocabulary="1" code="15136"/><sector code="15190"/></transaction>"""
    path = iati_file("sectors.xml", activity(parts=parts))
    (record,) = records_of(path)
    assert [(s.vocabulary, s.code, s.percentage) for s in record.sectors] == [
        ("1", "15190", Decimal("70.00")),
        ("2", "151", Decimal("30.00")),
        ("99", "MIG-A", None),
        ("1", "15136", None),
    ]
    assert classifier_inputs_of(path)[1] == ["15190", "151", "15136", "15190"]


def test_participating_organisations_get_their_roles(iati_file, activity):
    parts = """<participating-org ref="XM-DAC-918" role="1" type="40"><narrative>EU</narrative></participating-org>
               <participating-org ref="DE-1" role="2"><narrative>BMZ</narrative></participating-org>
               <participating-org ref="XI-IATI-EC_INTPA" role="3"/>
               <participating-org role="4"><narrative>Caritas Maroc</narrative></participating-org>
               <participating-org role="4"/>"""
    record = only_record(iati_file, activity, parts)
    assert [(o.ref, o.name, role) for o, role in record.participations] == [
        ("XM-DAC-918", "EU", ParticipationRole.FUNDER),
        ("DE-1", "BMZ", ParticipationRole.LEAD),
        ("XI-IATI-EC_INTPA", "", ParticipationRole.EXTENDING),
        ("", "Caritas Maroc", ParticipationRole.IMPLEMENTER),
    ]
    assert (WARNING, "participating-org", "a participating-org has neither ref nor name: left out") in findings(record)


def test_budgets_and_transactions_become_money_in_eur_with_the_funding_chain(iati_file, activity):
    parts = """
      <budget type="1" status="2"><period-start iso-date="2022-01-01"/><period-end iso-date="2022-12-31"/>
        <value value-date="2022-01-03">1000000</value></budget>
      <transaction><transaction-type code="1"/><transaction-date iso-date="2022-02-01"/>
        <value>500</value></transaction>
      <transaction><transaction-type code="2"/><value currency="USD" value-date="2022-03-01">2000.50</value>
        <provider-org ref="XI-IATI-EC_INTPA" provider-activity-id="XI-IATI-EC_INTPA-1"/>
        <receiver-org ref="XM-DAC-47066" receiver-activity-id="XM-DAC-47066-MA-1"/></transaction>
      <transaction><transaction-type code="3"/><value value-date="2022-04-01">300</value></transaction>
      <transaction><transaction-type code="4"/><value value-date="2022-05-02">200</value></transaction>
      <transaction><transaction-type code="11"/><value value-date="2022-05-02">50</value></transaction>"""
    record = only_record(iati_file, activity, parts)
    money = {m.kind: m for m in record.money}
    assert set(money) == {
        MoneyKind.BUDGET,
        MoneyKind.INCOMING,
        MoneyKind.COMMITMENT,
        MoneyKind.DISBURSEMENT,
        MoneyKind.EXPENDITURE,
    }
    assert (money[MoneyKind.BUDGET].amount, money[MoneyKind.BUDGET].amount_eur) == (Decimal("1000000.00"),) * 2
    assert money[MoneyKind.INCOMING].value_date == date(2022, 2, 1)  # the transaction date stands in
    commitment = money[MoneyKind.COMMITMENT]
    usd_in_eur = Decimal(str(CurrencyConverter().convert(1, "USD", "EUR", date=date(2022, 3, 1))))
    assert (commitment.currency, commitment.amount_eur) == (
        "USD",
        (Decimal("2000.50") * usd_in_eur).quantize(Decimal("0.01")),
    )
    assert (commitment.provider_ref, commitment.provider_activity) == ("XI-IATI-EC_INTPA", "XI-IATI-EC_INTPA-1")
    assert (commitment.receiver_ref, commitment.receiver_activity) == ("XM-DAC-47066", "XM-DAC-47066-MA-1")
    assert record.extra["other_transactions"][0]["type"] == "11"
    assert record.extra["budgets"][0]["period_end"] == "2022-12-31"


def test_policy_markers_tags_and_related_activities_are_kept(iati_file, activity):
    parts = """<policy-marker vocabulary="1" code="1" significance="2"/>
               <tag vocabulary="3" code="10.7"><narrative>Migration policies</narrative></tag>
               <related-activity ref="XI-IATI-EC_INTPA-PARENT" type="1"/>"""
    record = only_record(iati_file, activity, parts)
    assert record.extra["policy_markers"] == [{"vocabulary": "1", "code": "1", "significance": "2"}]
    assert record.extra["tags"] == [{"vocabulary": "3", "code": "10.7", "text": "Migration policies"}]
    assert record.extra["related_activities"] == [{"ref": "XI-IATI-EC_INTPA-PARENT", "type": "1"}]


def test_real_publishers_quirks_become_findings_not_failures(iati_file, activity):
    parts = """<sector vocabulary="1" percentage="100"/>
               <recipient-country percentage="100"/>
               <budget xmlns:x="http://aggregator.example/ns" x:note="added">
                 <period-start iso-date="2020-01-01"/><value value-date="2020-01-01">-5e-10</value></budget>
               <transaction><transaction-type code="D"/><value value-date="2020-02-03">10</value></transaction>"""
    record = only_record(iati_file, activity, parts)
    assert not record.is_rejected
    assert findings(record) == [
        (ERROR, "sector", "a sector has no code: left out"),
        (ERROR, "recipient-country", "a recipient-country has no code: left out"),
        (WARNING, "budget", "budget: value -5e-10 rounds to zero: left out"),
        (WARNING, "transaction", "transaction type 'D' read as code 3"),
    ]
    assert [m.kind for m in record.money] == [MoneyKind.DISBURSEMENT]


def test_unparseable_dates_numbers_and_currencies_are_named_and_dropped(iati_file, activity):
    parts = """<activity-date type="1" iso-date="2020-13-45"/>
               <budget><period-start iso-date="2020-01-01"/><value value-date="2020-01-01">1,000.00</value></budget>
               <transaction><transaction-type code="3"/><value currency="EURO" value-date="2020-01-02">5</value>
               </transaction>
               <transaction><transaction-type code="3"/><value value-date="02/01/2020">5</value></transaction>"""
    record = only_record(iati_file, activity, parts)
    assert findings(record, ERROR) == [
        (ERROR, "activity-date", "activity-date type 1: '2020-13-45' is not a date"),
        (ERROR, "budget", "budget: value '1,000.00' is not a number: left out"),
        (ERROR, "transaction", "transaction (type 3): currency 'EURO' is not a currency code: left out"),
        (ERROR, "transaction", "transaction (type 3): value-date '02/01/2020' is not a date: left out"),
    ]
    assert record.planned_start is None and record.money == []


def test_an_end_before_the_start_is_dropped_and_flagged(iati_file, activity):
    parts = '<activity-date type="1" iso-date="2050-12-31"/><activity-date type="3" iso-date="2021-12-31"/>'
    record = only_record(iati_file, activity, parts)
    assert (record.planned_start, record.planned_end) == (date(2050, 12, 31), None)
    assert findings(record, ERROR)[0][1] == "activity-date"


def test_money_in_a_currency_without_an_ecb_rate_is_kept_aside(iati_file, activity):
    parts = (
        '<transaction><transaction-type code="3"/><transaction-date iso-date="2021-05-28"/>'
        '<value currency="XDR" value-date="2021-06-01">6559</value></transaction>'
    )
    record = only_record(iati_file, activity, parts)
    assert record.money == []
    assert record.extra["money_without_eur_rate"] == [
        {
            "kind": "disbursement",
            "amount": "6559.00",
            "currency": "XDR",
            "value_date": "2021-06-01",
            "transaction_date": "2021-05-28",
        }
    ]
    assert "no rate for XDR" in findings(record, ERROR)[0][2]


def test_an_activity_without_identifier_or_reporting_organisation_is_rejected(iati_file, activity):
    record = only_record(iati_file, activity, identifier=None, reporting=("", "", ""))
    assert findings(record, CRITICAL) == [
        (CRITICAL, "iati-identifier", "the activity has no iati-identifier"),
        (CRITICAL, "reporting-org", "the activity has no reporting-org"),
    ]


def test_the_digest_changes_with_the_published_content_only(iati_file, activity):
    first = only_record(iati_file, activity)
    again = only_record(iati_file, activity)
    changed = only_record(iati_file, activity, title="Another title")
    assert first.source_digest == again.source_digest != changed.source_digest


def test_mapping_reads_an_element_built_in_memory():
    element = etree.fromstring(
        "<iati-activity><iati-identifier>X-1</iati-identifier>"
        '<reporting-org ref="X"><narrative>X</narrative></reporting-org>'
        "<title><narrative>T</narrative></title></iati-activity>"
    )
    record = map_activity(element, line=1, version="2.03")
    assert (record.iati_identifier, record.title, record.reporting_org.ref) == ("X-1", "T", "X")
