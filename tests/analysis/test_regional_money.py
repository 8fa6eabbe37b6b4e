"""Regional money: shares that publishers place in a recipient region count in the region
and in the routes through it, never in a country; the country profile tells how much
regional money also concerns the country's region; hidden regional records add
"+ undisclosed", never their money.

The portfolio, in commitments (EUR):

    EU       public, 70 % Morocco / 30 % North of Sahara (189)     1,000,000
                → Morocco 700,000; region 189 300,000
    Germany  public, Europe, regional (89) only                      500,000
    Germany  originator record, North of Sahara (189) only           777,777  (seen by its owner only)

North of Sahara covers Morocco, Tunisia, Egypt, Libya and Algeria, so it belongs to the
Western Mediterranean and Atlantic, Central Mediterranean and Eastern Mediterranean routes;
Europe, regional covers the Western Balkans and Türkiye (Western Balkans, Eastern Mediterranean).
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from partnerhub.analysis.figures.profile import compute_country_profile
from partnerhub.analysis.figures.regions import region_fractions
from partnerhub.geo.models import Country, RecipientRegion, Route
from partnerhub.iati.services import import_iati_files
from partnerhub.registry.models import Engagement, EngagementCountry, EngagementRegion
from tests.iati.documents import SHARED_ACTIVITIES
from tests.support.builders import money, record
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

HIDDEN_AMOUNT_FORMS = ("777,777", "777 777", "777777", "778")


def in_region(engagement: Engagement, code: str, share=None) -> None:
    """A recipient region as an IATI import leaves it (only imports place engagements in regions)."""
    EngagementRegion.objects.create(
        engagement=engagement,
        region=RecipientRegion.objects.get(code=code),
        share=None if share is None else Decimal(share),
    )


@pytest.fixture
def regional(cast):
    split = record(
        cast.commission,
        cast.commission_desk_officer,
        title="Migration governance in North Africa",
        sharing_level="public",
        money_lines=[money("commitment", "1000000")],
    )
    EngagementCountry.objects.unrestricted("test").filter(engagement=split).update(share=Decimal(70))
    in_region(split, "189", 30)
    balkans = record(
        cast.german_interior,
        cast.german_ministry_editor,
        title="Western Balkans border programme",
        sharing_level="public",
        countries=(),
        money_lines=[money("commitment", "500000")],
    )
    in_region(balkans, "89")
    hidden = record(
        cast.german_interior,
        cast.german_ministry_editor,
        title="Unseen regional record",
        sharing_level="originator",
        countries=(),
        money_lines=[money("commitment", "777777")],
    )
    in_region(hidden, "189")
    return {"split": split, "balkans": balkans, "hidden": hidden}


def page(user, url: str):
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response


def commitments(totals) -> Decimal:
    (total,) = [total for total in totals if total.kind == "commitment"]
    return total.team_europe


def region_row(rows, code: str):
    (row,) = [row for row in rows if row.region.code == code]
    return row


# -- where the money counts ----------------------------------------------------------


def test_a_country_counts_only_its_own_share(cast, regional):
    profile = compute_country_profile(cast.outsider, Country.objects.get(iso3="MAR"), "commitment")
    assert profile.team_europe_total == Decimal(700000)


def test_regions_belong_to_the_routes_through_their_countries():
    routes = {
        region.code: {route.code for route in region.routes.all()}
        for region in RecipientRegion.objects.prefetch_related("routes")
    }
    assert routes["189"] == {"WMED-ATL", "CMED", "EMED"}
    assert routes["89"] == {"WBAL", "EMED"}
    assert routes["88"] == {"WBAL"}
    assert routes["619"] == set()  # Central Asia: no route of the hub runs through it
    assert routes["998"] == set()  # developing countries, unspecified: no place


def test_the_region_view_shows_region_only_money_and_the_regional_share(cast, regional):
    response = page(cast.outsider, reverse("analysis:region_index"))
    rows = response.context["rows"]
    assert region_row(rows, "89").amount == Decimal(500000)
    assert [e.title for e in region_row(rows, "89").engagements] == ["Western Balkans border programme"]
    assert region_row(rows, "189").amount == Decimal(300000)
    assert [(e.share, e.counted) for e in region_row(rows, "189").engagements] == [(Decimal(30), Decimal(300000))]
    assert commitments(response.context["totals"]) == Decimal(800000)
    assert "Western Balkans border programme" in response.content.decode()


def test_a_route_total_adds_the_regional_money_of_its_regions(cast, regional):
    view = page(cast.outsider, reverse("analysis:route_view", args=["WMED-ATL"])).context["view"]
    assert commitments(view.totals) == Decimal(700000) + Decimal(300000)
    assert region_row(view.regions, "189").amount == Decimal(300000)
    view = page(cast.outsider, reverse("analysis:route_view", args=["WBAL"])).context["view"]
    assert commitments(view.totals) == Decimal(500000)
    assert [row.region.code for row in view.regions] == ["89"]


def test_the_team_europe_index_route_totals_include_regional_money(cast, regional):
    routes = {area.code: area for area in page(cast.outsider, reverse("analysis:team_europe")).context["routes"]}
    assert commitments(routes["WBAL"].totals) == Decimal(500000)
    assert commitments(routes["WMED-ATL"].totals) == Decimal(1000000)
    assert commitments(routes["SILK"].totals) == Decimal(0)


def test_the_profile_says_how_much_regional_money_concerns_the_country(cast, regional):
    response = page(cast.outsider, reverse("analysis:country_profile", args=["MAR"]))
    profile = response.context["profile"]
    assert profile.team_europe_total == Decimal(700000)
    north_of_sahara = region_row(profile.regional, "189")
    assert north_of_sahara.amount == Decimal(300000)
    assert north_of_sahara.undisclosed  # the originator record lies in the same region
    assert "data-regional-money" in response.content.decode()


def test_the_profile_api_tells_the_regional_money_of_the_country(cast, regional, anonymous_api):
    answer = anonymous_api.get("/countries/MAR/profile").json()
    assert Decimal(answer["team_europe_total"]) == Decimal(700000)
    regional_rows = {row["region"]: row for row in answer["regional"]}
    assert Decimal(regional_rows["189"]["amount"]) == Decimal(300000) and regional_rows["189"]["undisclosed"]


# -- confidentiality --------------------------------------------------------------------


def test_a_hidden_regional_record_adds_undisclosed_never_its_money(cast, regional):
    for url in (
        reverse("analysis:region_index"),
        reverse("analysis:route_view", args=["CMED"]),
        reverse("analysis:country_profile", args=["TUN"]),
        reverse("analysis:team_europe"),
    ):
        text = page(cast.french_embassy_viewer, url).content.decode()
        assert not any(form in text for form in HIDDEN_AMOUNT_FORMS), url
        assert "Unseen regional record" not in text, url
        assert "+ undisclosed" in text, url
    rows = page(cast.french_embassy_viewer, reverse("analysis:region_index")).context["rows"]
    assert region_row(rows, "189").undisclosed and region_row(rows, "189").amount == Decimal(300000)
    assert not region_row(rows, "89").undisclosed
    view = page(cast.french_embassy_viewer, reverse("analysis:route_view", args=["CMED"])).context["view"]
    assert view.undisclosed and commitments(view.totals) == Decimal(300000)


def test_the_owner_sees_its_regional_record_counted(cast, regional):
    rows = page(cast.german_ministry_editor, reverse("analysis:region_index")).context["rows"]
    assert region_row(rows, "189").amount == Decimal(300000) + Decimal(777777)
    assert not region_row(rows, "189").undisclosed


# -- the rule ---------------------------------------------------------------------------


@given(
    country_total=st.decimals(min_value=0, max_value=1, places=4),
    stated=st.lists(st.decimals(min_value="0.01", max_value=100, places=2), max_size=3),
    blank=st.integers(min_value=0, max_value=3),
)
def test_regions_never_take_more_than_the_countries_leave(country_total, stated, blank):
    shares = [(index, share) for index, share in enumerate(stated)] + [(10 + index, None) for index in range(blank)]
    fractions = region_fractions(country_total, shares)
    assert set(fractions) == {region_id for region_id, _share in shares}
    assert all(fraction >= 0 for fraction in fractions.values())
    assert sum(fractions.values()) <= max(1 - country_total, 0) + Decimal("1e-20")
    if blank and sum(stated) / 100 <= 1 - country_total:
        assert sum(fractions.values()) == pytest.approx(1 - country_total)


# -- the real files ---------------------------------------------------------------------


@pytest.mark.skipif(not SHARED_ACTIVITIES.is_dir(), reason=f"the real IATI files are not at {SHARED_ACTIVITIES}")
def test_real_region_only_programmes_appear_in_the_region_view_with_their_money(cast):
    """The Commission's support to migrants stranded in the Western Balkans (Europe, regional) and
    its border management programme in Central Asia (BOMCA) name no country."""
    path = SHARED_ACTIVITIES / "dportal-covid19-2021" / "dportal_79.xml"
    balkans, bomca = "XI-IATI-EC_FPI-2020/42807/0", "XI-IATI-EC_INTPA-2013/24764/1"
    activities = {a.findtext("iati-identifier").strip(): a for _e, a in etree.iterparse(str(path), tag="iati-activity")}
    for identifier in (balkans, bomca):
        assert not activities[identifier].findall("recipient-country")
    region_of = {
        identifier: activities[identifier].find("recipient-region").get("code") for identifier in (balkans, bomca)
    }
    assert region_of == {balkans: "89", bomca: "619"}
    balkans_commitments = [
        t for t in activities[balkans].findall("transaction") if t.find("transaction-type").get("code") == "2"
    ]
    assert {
        t.find("value").get("currency") or activities[balkans].get("default-currency") for t in balkans_commitments
    } == {"EUR"}
    committed = sum(Decimal(t.findtext("value")) for t in balkans_commitments)

    import_iati_files([path])
    rows = page(cast.outsider, reverse("analysis:region_index")).context["rows"]
    urls = {
        identifier: Engagement.objects.unrestricted("test").get(iati_identifier=identifier).get_absolute_url()
        for identifier in (balkans, bomca)
    }
    (listed,) = [e for e in region_row(rows, "89").engagements if e.url == urls[balkans]]
    assert listed.counted == committed
    assert [e for e in region_row(rows, "619").engagements if e.url == urls[bomca]]
    route = page(cast.outsider, reverse("analysis:route_view", args=["WBAL"])).context["view"]
    assert [e for e in region_row(route.regions, "89").engagements if e.url == urls[balkans]]
    assert commitments(route.totals) >= committed


def test_routes_are_loaded_before_regions_so_every_route_has_its_regions():
    assert Route.objects.filter(recipient_regions__isnull=False).distinct().count() == Route.objects.count()


def test_regions_are_named_in_the_interface_language(cast, regional):
    """French names from IATI's Region codelist (its French narratives)."""
    french = client_for(None).get(reverse("analysis:region_index"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Nord du Sahara, régional" in french and "Europe, régional" in french
    english = client_for(None).get(reverse("analysis:region_index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "North of Sahara, regional" in english
