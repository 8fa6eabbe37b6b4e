"""CSV and XLSX exports: exactly the visible, filtered engagements, safe to open."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from partnerhub.core.models import Event
from partnerhub.registry.models import Instrument
from partnerhub.registry.services import input_from_engagement, update_engagement
from tests.support.builders import add_money
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

HEADER = [
    "id",
    "title",
    "kind",
    "status",
    "owner",
    "countries",
    "country_names",
    "themes",
    "theme_names",
    "instrument",
    "start",
    "end",
    "budget_eur",
    "commitments_eur",
    "disbursements_eur",
    "sharing_level",
    "provenance",
    "iati_identifier",
    "migration_relevant",
    "relevance_reasons",
    "url",
]


def export_url(file_format: str, query: str = "") -> str:
    url = reverse("registry:engagement_export", args=[file_format])
    return f"{url}?{query}" if query else url


def csv_rows(response) -> list[dict]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark"
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig")))
    header, *rows = list(reader)
    assert header == HEADER
    return [dict(zip(header, row, strict=True)) for row in rows]


def xlsx_rows(response) -> tuple[list[dict], object]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    return [dict(zip(HEADER, row, strict=True)) for row in values[1:]], sheet


@pytest.fixture
def records(cast):
    morocco = cast.engagement(
        cast.commission,
        cast.commission_desk_officer,
        title="Morocco labour",
        countries=("MAR", "TUN"),
        themes=("LEGAL-LABOUR", "DEV-REMIT"),
        amount="1000000",
        instrument=Instrument.objects.get(code="NDICI-GE"),
        kind="programme",
    )
    data = input_from_engagement(morocco)
    data.countries = [(data.countries[0][0], Decimal("60")), (data.countries[1][0], Decimal("40"))]
    update_engagement(morocco, data, acting_user=cast.commission_desk_officer)
    add_money(morocco, cast.commission_desk_officer, "budget", "3000000")
    add_money(morocco, cast.commission_desk_officer, "disbursement", "250000")
    return {
        "morocco": morocco,
        "senegal": cast.engagement(
            cast.french_foreign_affairs,
            cast.french_ministry_editor,
            title="Senegal dialogue",
            countries=("SEN",),
            kind="dialogue",
            sharing_level="public",
            amount=None,
        ),
        "originator": cast.engagement(
            cast.german_interior,
            cast.german_ministry_editor,
            title="German file",
            sharing_level="originator",
            amount="777777",
        ),
        "restricted": cast.engagement(
            cast.german_interior,
            cast.german_ministry_editor,
            title="Shared with IOM",
            sharing_level="restricted",
            shared_with=[cast.iom],
            amount="555555",
        ),
    }


def test_csv_contains_exactly_the_visible_rows(cast, records):
    response = client_for(cast.commission_desk_officer).get(export_url("csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    titles = {row["title"] for row in csv_rows(response)}
    assert titles == {"Morocco labour", "Senegal dialogue"}


def test_csv_row_has_every_column_with_money_kinds_apart(cast, records):
    response = client_for(cast.commission_desk_officer).get(export_url("csv", "kind=programme"))

    [row] = csv_rows(response)
    morocco = records["morocco"]
    assert row == {
        "id": str(morocco.pk),
        "title": "Morocco labour",
        "kind": "programme",
        "status": "implementation",
        "owner": "European Commission – DG INTPA (INTPA)",
        "countries": "MAR 60%; TUN 40%",
        "country_names": "Morocco 60%; Tunisia 40%",
        "themes": "LEGAL-LABOUR; DEV-REMIT",
        "theme_names": "Labour mobility and Talent Partnerships; Remittances",
        "instrument": "NDICI-GE",
        "start": "2023-01-01",
        "end": "2025-12-31",
        "budget_eur": "3000000.00",
        "commitments_eur": "1000000.00",
        "disbursements_eur": "250000.00",
        "sharing_level": "eu",
        "provenance": "manual",
        "iati_identifier": "",
        "migration_relevant": "yes",
        "relevance_reasons": "",
        "url": f"http://testserver/engagements/{morocco.pk}/",
    }


def test_csv_follows_the_list_filters(cast, records):
    response = client_for(cast.german_ministry_editor).get(
        export_url("csv", "sharing_level=originator&sharing_level=restricted")
    )

    assert {row["title"] for row in csv_rows(response)} == {"German file", "Shared with IOM"}


def test_anonymous_export_holds_public_records_only(cast, records):
    response = client_for(None).get(export_url("csv"))

    assert [row["title"] for row in csv_rows(response)] == ["Senegal dialogue"]


def test_xlsx_contains_exactly_the_visible_filtered_rows_with_a_bold_frozen_header(cast, records):
    response = client_for(cast.iom_officer).get(export_url("xlsx"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    rows, sheet = xlsx_rows(response)
    assert {row["title"] for row in rows} == {"Senegal dialogue", "Shared with IOM"}
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["B"].width == 60


def test_xlsx_keeps_dates_and_amounts_as_typed_cells(cast, records):
    response = client_for(cast.commission_desk_officer).get(export_url("xlsx", "kind=programme"))

    [row], _sheet = xlsx_rows(response)
    assert row["start"].date() == date(2023, 1, 1)
    assert row["commitments_eur"] == 1000000
    assert row["budget_eur"] == 3000000
    assert row["disbursements_eur"] == 250000


def test_unknown_format_answers_404(cast, records):
    client = client_for(cast.commission_desk_officer)
    for file_format in ("pdf", "json", "CSV", "csv.exe"):
        assert client.get(export_url(file_format)).status_code == 404


def test_file_name_carries_the_date(cast, records):
    today = timezone.localdate().isoformat()
    client = client_for(cast.commission_desk_officer)

    for extension in ("csv", "xlsx"):
        disposition = client.get(export_url(extension))["Content-Disposition"]
        assert disposition == f'attachment; filename="engagements-{today}.{extension}"'


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_formula_injection_is_neutralised(cast, file_format):
    for title in ('=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"):
        cast.engagement(cast.commission, cast.commission_desk_officer, title=title)

    response = client_for(cast.commission_desk_officer).get(export_url(file_format))

    rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)[0]
    # XML turns a carriage return into a line feed when the sheet is read back.
    titles = {row["title"].replace("\n", "\r") for row in rows}
    assert titles == {'\'=HYPERLINK("http://evil")', "'+1+1", "'-2+3", "'@SUM(A1)", "'\tTab", "'\rReturn"}
    if file_format == "xlsx":
        sheet = xlsx_rows(response)[1]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_control_characters_do_not_break_the_xlsx_export(cast):
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Bell\x07 and=formula")

    response = client_for(cast.commission_desk_officer).get(export_url("xlsx"))

    assert response.status_code == 200
    assert [row["title"] for row in xlsx_rows(response)[0]] == ["Bell and=formula"]


def test_exporting_confidential_records_is_logged_for_their_owner(cast, records):
    client_for(cast.iom_officer).get(export_url("csv"))
    client_for(cast.german_ministry_editor).get(export_url("xlsx"))

    def exported_by(user) -> set[int]:
        events = Event.objects.filter(name="engagement.exported", user=user)
        return set(events.values_list("object_id", flat=True))

    assert exported_by(cast.iom_officer) == {records["restricted"].pk}
    assert exported_by(cast.german_ministry_editor) == {records["restricted"].pk, records["originator"].pk}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_runs_the_same_number_of_queries_for_many_rows(cast, file_format, django_assert_num_queries):
    for number in range(12):
        cast.engagement(
            cast.commission,
            cast.commission_desk_officer,
            title=f"Row {number}",
            countries=("MAR", "TUN"),
            themes=("LEGAL-LABOUR", "DEV-REMIT"),
            sharing_level="public",
        )
    client = client_for(cast.commission_desk_officer)
    # session, user, memberships (circle), the partner countries and organisations the filter offers,
    # confidential rows to log, rows, country shares + countries, theme shares + themes.
    with django_assert_num_queries(11):
        response = client.get(export_url(file_format))
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.count(b"Row ") == 12 or file_format == "xlsx"


def test_exports_name_countries_and_themes_in_the_reader_language_beside_their_codes(cast, records):
    response = client_for(cast.german_ministry_editor).get(export_url("csv", "country=TUN"), HTTP_ACCEPT_LANGUAGE="fr")

    [row] = csv_rows(response)
    assert row["countries"] == "MAR 60%; TUN 40%"
    assert row["country_names"] == "Maroc 60%; Tunisie 40%"
    assert (
        row["theme_names"] == "Mobilité de la main-d'œuvre et partenariats pour les talents; "
        "Transferts de fonds des migrants"
    )
