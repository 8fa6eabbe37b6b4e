"""Needs, supply, partnerships and pipeline figures as CSV and XLSX: what the reader may see, with the
list's filters, in cells a spreadsheet will not run."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.support.clients import client_for
from tests.talent.factories import need_for, partnership_for, pipeline_for, scheme_for, supply_for

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_needs_export_holds_the_visible_needs_with_the_filters(cast):
    need_for(cast, code="2221", region='=HYPERLINK("http://evil")')
    need_for(cast, code="7126", member_state="AUT")
    need_for(cast, code="2222", sharing_level="originator", region="Hidden region")
    client = client_for(cast.french_ministry_editor)
    rows = csv_rows(client.get("/talent/needs.csv"))
    assert [(row["member_state"], row["occupation"]) for row in rows] == [("AUT", "7126"), ("DEU", "2221")]
    assert rows[1]["region"].startswith("'=") and rows[1]["people_per_year"] == "1200"
    assert rows[1]["occupation_title"] == "Nursing professionals" and rows[1]["sharing_level"] == "eu"
    filtered = csv_rows(client.get("/talent/needs.csv", {"occupation": "22"}))
    assert [row["occupation"] for row in filtered] == ["2221"]
    header, *cells = xlsx_rows(client.get("/talent/needs.xlsx"))
    assert header[:6] == ("id", "member_state", "member_state_name", "region", "sector", "people_per_year")
    assert len(cells) == 2
    assert client.get("/talent/needs.pdf").status_code == 404


def test_the_moroccan_ministry_exports_the_supply_shared_with_morocco(cast):
    supply_for(cast, partner_reports_shortage=True, sharing_level="partner")
    supply_for(cast, country="TUN", sharing_level="partner")
    rows = csv_rows(client_for(cast.moroccan_ministry_user).get("/talent/supply.csv"))
    assert [(row["country"], row["partner_reports_shortage"], row["yearly_graduates"]) for row in rows] == [
        ("MAR", "True", "3000")
    ]


def test_the_partnerships_export_has_a_row_per_scheme_and_the_pipeline_one_per_figure(cast):
    partnership = partnership_for(cast, member_states=("DEU", "AUT"), codes=("2221", "7126"))
    training = scheme_for(cast, partnership)
    scheme_for(cast, partnership, title="Placement", kind="mobility")
    partnership_for(cast, title="Not started yet", country="TUN")
    pipeline_for(cast, training, "2025-Q1")
    pipeline_for(cast, training, "2024", enrolled=90)
    hidden = scheme_for(cast, partnership_for(cast, title="Secret", sharing_level="originator"), title="Secret scheme")
    pipeline_for(cast, hidden, "2025")
    client = client_for(cast.commission_desk_officer)
    rows = csv_rows(client.get("/talent/partnerships.csv"))
    assert [(row["title"], row["scheme_title"]) for row in rows] == [
        ("Germany–Morocco Talent Partnership", "Placement"),
        ("Germany–Morocco Talent Partnership", "Nursing training in Rabat"),
        ("Not started yet", ""),
    ]
    assert rows[0]["member_states"] == "AUT DEU" and rows[0]["occupations"] == "2221 7126"
    figures = csv_rows(client.get("/talent/pipeline.csv"))
    assert [(row["period"], row["enrolled"]) for row in figures] == [("2024", "90"), ("2025-Q1", "120")]
    assert csv_rows(client.get("/talent/pipeline.csv", {"country": "TUN"})) == []
    header, *cells = xlsx_rows(client.get("/talent/pipeline.xlsx"))
    assert header[-6:] == ("enrolled", "trained", "certified", "recruited", "moved", "returned")
    assert [row[6] for row in cells] == ["2024", "2025-Q1"]
