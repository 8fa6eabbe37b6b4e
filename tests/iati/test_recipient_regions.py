"""Recipient regions: IATI splits 100 % over recipient countries and regions together.
A country keeps its stated share when regions take the rest, and the regions are kept,
with their shares, as regional money.

The expectations from the real files are read here with a plain lxml parse,
independently of the importer's mapping."""

from decimal import ROUND_DOWN, Decimal, InvalidOperation

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from partnerhub.core.models import ObjectChange
from partnerhub.iati.mapping import map_activity
from partnerhub.iati.services import import_iati_files
from partnerhub.registry.models import Engagement, EngagementCountry, EngagementRegion
from partnerhub.registry.services import input_from_engagement, update_engagement
from tests.iati.documents import SHARED_ACTIVITIES, activity_xml
from tests.iati.export_support import activities_of, exported, needs_schema, schema_errors
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

# The real files holding activities with both recipient countries and regions.
FILES_WITH_BOTH = [
    SHARED_ACTIVITIES / "dportal-covid19-2021" / name
    for name in ("dportal_15.xml", "dportal_17.xml", "dportal_72.xml", "dportal_98.xml")
]
needs_real_files = pytest.mark.skipif(
    not SHARED_ACTIVITIES.is_dir(), reason=f"the real IATI files are not at {SHARED_ACTIVITIES}"
)
ECHO_COLOMBIA = "XI-IATI-EC_ECHO-ECHO/-AM/BUD/2019/91024"


def percentage(element) -> Decimal | None:
    try:
        return Decimal(element.get("percentage"))
    except (InvalidOperation, TypeError):
        return None


def dac_regions(activity) -> list:
    return [region for region in activity.findall("recipient-region") if (region.get("vocabulary") or "1") == "1"]


def split_over_countries_and_regions(activity) -> bool:
    """Every country and region with a share above zero, together 100 %, the countries alone less."""
    countries, regions = activity.findall("recipient-country"), dac_regions(activity)
    shares = [percentage(element) for element in countries + regions]
    if not countries or not regions or None in shares or min(shares) <= 0:
        return False
    return abs(sum(shares) - 100) <= Decimal("0.05") and sum(shares[: len(countries)]) < 100


def activities_split_with_regions(paths) -> dict[str, etree._Element]:
    found = {}
    for path in paths:
        for _event, activity in etree.iterparse(str(path), tag="iati-activity"):
            if split_over_countries_and_regions(activity):
                found[(activity.findtext("iati-identifier") or "").strip()] = activity
    return found


def stored_country_shares(engagement) -> dict[str, Decimal]:
    return {share.country.iso2: share.share for share in engagement.country_shares.select_related("country")}


def stored_region_shares(engagement) -> dict[str, Decimal]:
    return {share.region.code: share.share for share in engagement.region_shares.select_related("region")}


def places(*parts: str) -> str:
    return "".join(parts) + '<sector vocabulary="1" code="15190"/>'


def country(code: str, percentage: str = "") -> str:
    return f'<recipient-country code="{code}"' + (f' percentage="{percentage}"' if percentage else "") + "/>"


def region(code: str, percentage: str = "", vocabulary: str = "1") -> str:
    share = f' percentage="{percentage}"' if percentage else ""
    return f'<recipient-region code="{code}" vocabulary="{vocabulary}"{share}/>'


def imported(iati_file, activity, *parts: str) -> Engagement:
    import_iati_files([iati_file("places.xml", activity(parts=places(*parts)))])
    return Engagement.objects.unrestricted("test").get(iati_identifier="XI-IATI-EC_INTPA-2023/1")


# -- the mapping, activity by activity -----------------------------------------------


def test_a_country_keeps_its_share_when_a_region_takes_the_rest(cast, iati_file, activity):
    engagement = imported(iati_file, activity, country("CO", "82.07"), region("998", "17.93"))
    assert stored_country_shares(engagement) == {"CO": Decimal("82.07")}
    assert stored_region_shares(engagement) == {"998": Decimal("17.93")}


def test_a_region_only_activity_keeps_its_region(cast, iati_file, activity):
    engagement = imported(iati_file, activity, region("89"))
    assert stored_country_shares(engagement) == {}
    assert stored_region_shares(engagement) == {"89": None}


def test_a_blank_region_takes_what_the_countries_leave(cast, iati_file, activity):
    engagement = imported(iati_file, activity, country("MA", "40"), country("TN", "30"), region("189"))
    assert stored_country_shares(engagement) == {"MA": Decimal(40), "TN": Decimal(30)}
    assert stored_region_shares(engagement) == {"189": None}


def test_countries_making_100_percent_alone_leave_no_share_to_the_regions(cast, iati_file, activity):
    engagement = imported(iati_file, activity, country("CO", "100"), region("489", "100"))
    assert stored_country_shares(engagement) == {"CO": Decimal(100)}
    assert stored_region_shares(engagement) == {"489": None}


def test_shares_that_do_not_add_up_are_left_blank_as_before(cast, iati_file, activity):
    engagement = imported(iati_file, activity, country("MA", "50"), country("TN", "20"), region("189", "10"))
    assert stored_country_shares(engagement) == {"MA": None, "TN": None}
    assert stored_region_shares(engagement) == {"189": None}


def test_regions_of_other_vocabularies_and_unknown_codes_stay_out_of_the_totals(cast, iati_file, activity):
    engagement = imported(
        iati_file, activity, country("MA", "80"), region("R01", "20", vocabulary="99"), region("4242")
    )
    assert stored_region_shares(engagement) == {}
    assert {
        "tier": "error",
        "field": "recipient-region",
        "message": "recipient-region '4242' is not in IATI's Region codelist: left out of the totals",
    } in engagement.import_findings
    # The export gives every region back as the publisher wrote it.
    regions = activities_of(exported(Engagement.objects.unrestricted("test").filter(pk=engagement.pk)))[
        "XI-IATI-EC_INTPA-2023/1"
    ].findall("recipient-region")
    assert [(r.get("code"), r.get("vocabulary"), r.get("percentage")) for r in regions] == [
        ("R01", "99", "20"),
        ("4242", "1", None),
    ]


@needs_schema
def test_the_export_gives_regions_and_countries_their_shares_valid_against_the_schema(cast, iati_file, activity):
    engagement = imported(iati_file, activity, country("CO", "82.07"), region("998", "17.93"))
    document = exported(Engagement.objects.unrestricted("test").filter(pk=engagement.pk))
    assert schema_errors(document) == []
    exported_activity = activities_of(document)["XI-IATI-EC_INTPA-2023/1"]
    assert [(c.get("code"), c.get("percentage")) for c in exported_activity.findall("recipient-country")] == [
        ("CO", "82.07")
    ]
    assert [
        (r.get("code"), r.get("vocabulary"), r.get("percentage")) for r in exported_activity.findall("recipient-region")
    ] == [("998", "1", "17.93")]


# -- the real files ----------------------------------------------------------------------


@needs_real_files
def test_real_activities_split_over_countries_and_regions_keep_every_stated_share(cast):
    expected = activities_split_with_regions(FILES_WITH_BOTH)
    assert len(expected) >= 20 and ECHO_COLOMBIA in expected
    import_iati_files(FILES_WITH_BOTH, keep_all=True)
    engagements = Engagement.objects.unrestricted("test").filter(iati_identifier__in=expected)
    assert engagements.count() == len(expected)
    for engagement in engagements:
        activity = expected[engagement.iati_identifier]
        assert stored_country_shares(engagement) == {
            c.get("code"): percentage(c).quantize(Decimal("0.01")) for c in activity.findall("recipient-country")
        }, engagement.iati_identifier
        assert stored_region_shares(engagement) == {
            r.get("code"): percentage(r).quantize(Decimal("0.01")) for r in dac_regions(activity)
        }, engagement.iati_identifier
    colombia = EngagementCountry.objects.unrestricted("test").get(engagement__iati_identifier=ECHO_COLOMBIA)
    assert (colombia.country.iso3, colombia.share) == ("COL", Decimal("82.07"))
    region = EngagementRegion.objects.unrestricted("test").get(engagement__iati_identifier=ECHO_COLOMBIA)
    assert region.share == Decimal("17.93")


@needs_real_files
def test_real_region_only_activities_keep_their_regions(cast):
    path = SHARED_ACTIVITIES / "dportal-covid19-2021" / "dportal_72.xml"
    region_only = {}
    for _event, activity in etree.iterparse(str(path), tag="iati-activity"):
        if not activity.findall("recipient-country") and dac_regions(activity):
            region_only[activity.findtext("iati-identifier").strip()] = {r.get("code") for r in dac_regions(activity)}
    assert region_only
    import_iati_files([path], keep_all=True)
    for identifier, codes in region_only.items():
        engagement = Engagement.objects.unrestricted("test").get(iati_identifier=identifier)
        assert set(stored_region_shares(engagement)) == codes


# -- where a reader finds them --------------------------------------------------------------


def test_the_detail_page_and_the_api_show_the_regions_with_their_shares(cast, iati_file, activity):
    engagement = imported(iati_file, activity, country("CO", "82.07"), region("998", "17.93"))
    text = client_for(None).get(engagement.get_absolute_url()).content.decode()
    assert "Recipient regions" in text and "Developing countries, unspecified — 17.93 %" in text
    answer = Client().get(f"/api/engagements/{engagement.pk}").json()
    assert answer["regions"] == [{"code": "998", "name": "Developing countries, unspecified", "share": "17.93"}]
    assert answer["countries"] == [{"iso3": "COL", "name": "Colombia", "share": "82.07"}]


def test_the_owner_can_edit_an_imported_engagement_whose_regions_take_part_of_it(cast, iati_file, activity):
    engagement = imported(iati_file, activity, country("MA", "70"), region("189", "30"))
    data = input_from_engagement(engagement)
    data.fields["title"] = "Migration governance in North Africa"
    update_engagement(engagement, data, acting_user=cast.commission_desk_officer)
    assert stored_country_shares(engagement) == {"MA": Decimal(70)}
    data.countries = [(data.countries[0][0], Decimal(130))]
    with pytest.raises(ValidationError):
        update_engagement(engagement, data, acting_user=cast.commission_desk_officer)


# -- the rule, over any split ---------------------------------------------------------------

COUNTRY_CODES, REGION_CODES = ("MA", "TN", "SN", "NE"), ("189", "289", "298")


def percentages_of(weights: list[int]) -> list[Decimal]:
    """Percentages to the cent, each above zero, together exactly 100."""
    total = sum(weights)
    shares = [(Decimal(weight) * 100 / total).quantize(Decimal("0.01"), ROUND_DOWN) for weight in weights]
    shares[-1] += Decimal(100) - sum(shares)
    return shares


@given(
    country_weights=st.lists(st.integers(1, 50), min_size=1, max_size=len(COUNTRY_CODES)),
    region_weights=st.lists(st.integers(1, 50), min_size=1, max_size=len(REGION_CODES)),
)
def test_every_split_over_countries_and_regions_keeps_each_stated_share(country_weights, region_weights):
    shares = percentages_of(country_weights + region_weights)
    countries = list(zip(COUNTRY_CODES, shares[: len(country_weights)], strict=False))
    regions = list(zip(REGION_CODES, shares[len(country_weights) :], strict=False))
    parts = "".join(country(code, str(share)) for code, share in countries) + "".join(
        region(code, str(share)) for code, share in regions
    )
    record = map_activity(etree.fromstring(activity_xml(parts=parts)), line=1, version="2.03")
    assert record.countries == countries
    assert record.regions == regions


def test_a_reimport_that_changes_the_regions_is_in_the_history(cast, iati_file, activity):
    import_iati_files(
        [
            iati_file(
                "first.xml",
                activity(parts=places(country("MA", "70"), region("189", "30")), last_updated="2023-05-01T10:00:00Z"),
            )
        ]
    )
    engagement = Engagement.objects.unrestricted("test").get(iati_identifier="XI-IATI-EC_INTPA-2023/1")
    assert ObjectChange.objects.filter(object_id=engagement.pk).get().changes["regions"] == [None, "189 30 %"]
    import_iati_files(
        [
            iati_file(
                "second.xml",
                activity(parts=places(country("MA", "60"), region("189", "40")), last_updated="2023-06-01T10:00:00Z"),
            )
        ]
    )
    change = ObjectChange.objects.filter(object_id=engagement.pk).latest("pk")
    assert change.changes["regions"] == ["189 30 %", "189 40 %"]
    page = client_for(cast.commission_desk_officer).get(engagement.get_absolute_url()).content.decode()
    assert "North of Sahara, regional (30 %)" in page and "North of Sahara, regional (40 %)" in page
