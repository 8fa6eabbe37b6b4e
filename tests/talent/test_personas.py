"""The people of Talent Partnerships, as they use the hub: a German ministry editor records Germany's needs;
a Moroccan ministry user reads the supply shared with Morocco; an outsider finds nothing; a French editor
reads the shared German records but cannot change them, by form or by API."""

import pytest

from partnerhub.geo.models import Country
from tests.support.clients import api_with_token, client_for
from tests.talent.factories import need_for, partnership_for, pipeline_for, scheme_for, supply_for
from tests.talent.occupations import isco_groups

pytestmark = pytest.mark.django_db


def test_a_german_ministry_editor_records_germanys_need_for_nurses(cast):
    [nurses] = isco_groups("2221")
    client = client_for(cast.german_ministry_editor)
    page = client.get("/talent/needs/new/").content.decode()
    assert "Federal Ministry of the Interior (Germany)" in page and 'value="partner"' not in page
    response = client.post(
        "/talent/needs/new/",
        {
            "owner": cast.german_interior.pk,
            "member_state": Country.objects.get(iso3="DEU").pk,
            "region": "Bavaria",
            "sector": "Hospitals",
            "occupation": nurses.pk,
            "people_per_year": "2500",
            "first_year": "2026",
            "last_year": "2030",
            "eqf_level": "6",
            "languages": "de",
            "language_level": "B2",
            "source": "EURES Report on labour shortages and surpluses 2022",
            "sharing_level": "eu",
        },
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Germany seeks 2500 people a year." in page and "Bavaria" in page and "Edit" in page
    listed = client.get("/talent/needs/", {"own": "on", "occupation": "222"}).content.decode()
    assert "1 labour need found" in listed


def test_a_moroccan_ministry_user_reads_the_supply_shared_with_morocco(cast):
    shared = supply_for(cast, sharing_level="partner", note="Graduates of the nursing institutes")
    eu_only = supply_for(cast, code="7126", sharing_level="eu")
    client = client_for(cast.moroccan_ministry_user)
    page = client.get("/talent/supply/").content.decode()
    assert "1 supply record found" in page and "2221 Nursing professionals" in page
    assert "Graduates of the nursing institutes" in client.get(shared.get_absolute_url()).content.decode()
    assert client.get(eu_only.get_absolute_url()).status_code == 404
    assert client.get(f"/talent/supply/{shared.pk}/edit/").status_code == 403


def test_an_outsider_gets_404_for_each_record_and_sees_empty_lists(cast):
    need = need_for(cast, sharing_level="originator")
    partnership = partnership_for(cast, sharing_level="eu")
    figure = pipeline_for(cast, scheme_for(cast, partnership))
    client = client_for(cast.outsider)
    for url in (need.get_absolute_url(), partnership.get_absolute_url(), f"/talent/pipeline/{figure.pk}/edit/"):
        assert client.get(url).status_code in (404, 302)  # 302: the login page for the forms
    assert client.get(partnership.get_absolute_url()).status_code == 404
    assert "0 labour needs found" in client.get("/talent/needs/").content.decode()
    assert "0 Talent Partnerships found" in client.get("/talent/").content.decode()


def test_a_french_editor_reads_german_records_but_cannot_change_them_by_form_or_api(cast):
    need = need_for(cast)
    partnership = partnership_for(cast)
    scheme = scheme_for(cast, partnership)
    client = client_for(cast.french_ministry_editor)
    assert client.get(need.get_absolute_url()).status_code == 200
    assert "Edit the partnership" not in client.get(partnership.get_absolute_url()).content.decode()
    for url in (
        f"/talent/needs/{need.pk}/edit/",
        f"/talent/needs/{need.pk}/delete/",
        f"/talent/partnerships/{partnership.pk}/edit/",
        f"/talent/partnerships/{partnership.pk}/schemes/new/",
        f"/talent/schemes/{scheme.pk}/pipeline/new/",
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"people_per_year": "1", "title": "x", "period": "2025"}).status_code == 403
    api = api_with_token(cast.french_ministry_editor)
    assert api.patch(f"/talent/needs/{need.pk}", {"people_per_year": 1}).status_code == 403
    assert (
        api.post(f"/talent/partnerships/{partnership.pk}/schemes", {"kind": "training", "title": "x"}).status_code
        == 403
    )
    assert api.delete(f"/talent/schemes/{scheme.pk}").status_code == 403
    need.refresh_from_db()
    assert need.people_per_year == 1200
