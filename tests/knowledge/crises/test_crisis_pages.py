"""The crisis pages as the people using them: the coordinator declares a crisis for Morocco, the profile
and the dashboard show it, the crisis page gathers what the reader may see, closing keeps the record."""

import csv
import html
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from partnerhub.core.models import ObjectChange
from partnerhub.geo.models import Country
from partnerhub.knowledge.crisis_services import close_crisis
from partnerhub.knowledge.models import Crisis, Lesson
from partnerhub.registry.models import Theme
from tests.agenda.factories import line
from tests.knowledge.crisis_factories import crisis_for, focal_point_for
from tests.support.clients import client_for
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db

REFERENCE_INSTRUMENTS = Path(__file__).resolve().parents[4] / "shared" / "data" / "reference" / "instruments.csv"
MOROCCO_PROFILE = "/countries/MAR/"


def page_of(user, url: str) -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def crises():
    return Crisis.objects.unrestricted("the tests read what was written")


def declared_through_the_page(cast, **overrides) -> Crisis:
    form = {
        "owner": cast.eu_delegation_morocco.pk,
        "title": "Floods in the Souss valley",
        "country": Country.objects.get(iso3="MAR").pk,
        "started_on": "2025-09-01",
        "severity": "severe",
        "themes": [Theme.objects.get(code="PROT-DISPLACEMENT").pk],
        "description": "Thousands displaced along the coast.",
        "sharing_level": "eu",
        **overrides,
    }
    response = client_for(cast.coordinator).post("/knowledge/crises/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    return crises().get(title=form["title"])


# -- who declares ---------------------------------------------------------------------------------


def test_the_coordinator_declares_a_crisis_for_morocco_kept_in_the_history(cast):
    crisis = declared_through_the_page(cast)
    assert (crisis.owner, crisis.country.iso3, crisis.severity) == (cast.eu_delegation_morocco, "MAR", "severe")
    assert crisis.sharing_level == "eu" and crisis.is_open and crisis.declared_by == cast.coordinator
    assert [theme.code for theme in crisis.themes.all()] == ["PROT-DISPLACEMENT"]
    assert ObjectChange.objects.filter(object_id=crisis.pk, action="create").exists()


def test_a_member_state_editor_may_not_declare_a_crisis(cast):
    client = client_for(cast.french_ministry_editor)
    assert client.get("/knowledge/crises/new/").status_code == 403
    form = {"title": "Not mine to declare", "country": Country.objects.get(iso3="MAR").pk, "started_on": "2025-01-01"}
    assert client.post("/knowledge/crises/new/", form).status_code == 403
    assert not crises().exists()
    assert "Declare a crisis" not in page_of(cast.french_ministry_editor, "/knowledge/crises/")


def test_a_declaration_with_bad_values_names_the_fields_and_writes_nothing(cast):
    client = client_for(cast.coordinator)
    germany = Country.objects.get(iso3="DEU").pk
    response = client.post(
        "/knowledge/crises/new/",
        {"owner": cast.eu_delegation_morocco.pk, "title": "", "country": germany, "severity": "apocalyptic"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"title", "country", "started_on", "severity"} <= set(errors)
    assert not crises().exists()


# -- banners -------------------------------------------------------------------------------------


def test_the_profile_and_the_dashboard_show_the_open_crisis_with_a_link(cast):
    crisis = declared_through_the_page(cast)
    for url in (MOROCCO_PROFILE, "/"):
        page = page_of(cast.french_ministry_editor, url)
        assert "data-crisis-banner" in page and crisis.title in page
        assert f'href="/knowledge/crises/{crisis.pk}/"' in page
    assert "data-crisis-banner" not in page_of(cast.french_ministry_editor, "/countries/TUN/")


def test_no_banner_for_a_crisis_the_reader_may_not_see(cast):
    crisis_for(cast, title="Kept inside the delegation", sharing_level="originator")
    for user in (cast.french_ministry_editor, cast.moroccan_ministry_user, None):
        for url in (MOROCCO_PROFILE, "/"):
            page = page_of(user, url)
            assert "data-crisis-banner" not in page and "Kept inside the delegation" not in page
    assert "Kept inside the delegation" in page_of(cast.coordinator, MOROCCO_PROFILE)


# -- the crisis page -----------------------------------------------------------------------------


def reference_flexible_instruments() -> tuple[list[str], list[str]]:
    """An independent reading of the shared reference data: (codes marked yes, codes marked partial)."""
    with REFERENCE_INSTRUMENTS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    yes = [row["id"] for row in rows if row["flexible_crisis_response"].strip() == "yes"]
    partial = [row["id"] for row in rows if row["flexible_crisis_response"].strip() == "partial"]
    return yes, partial


def test_the_crisis_page_lists_the_flexible_instruments_of_the_reference_data_yes_first(cast):
    yes, partial = reference_flexible_instruments()
    assert yes and partial, "the reference data marks some instruments flexible"
    crisis = crisis_for(cast)
    page = page_of(cast.french_ministry_editor, crisis.get_absolute_url())
    shown = re.findall(r'data-instrument="([^"]+)"', page)
    assert shown[: len(yes)] == sorted(yes) and sorted(shown[len(yes) :]) == sorted(partial)
    assert 'data-instrument="GLOBAL-GATEWAY"' not in page and 'data-instrument="IPA-III"' not in page


def test_the_crisis_page_says_how_each_instrument_is_flexible_as_the_reference_data_words_it(cast):
    with REFERENCE_INSTRUMENTS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    amif_note = next(row["flexibility_note"] for row in rows if row["id"] == "AMIF")
    page = page_of(cast.french_ministry_editor, crisis_for(cast).get_absolute_url())
    assert html.escape(amif_note, quote=False) in page or html.escape(amif_note) in page


def test_the_crisis_page_lists_only_the_engagements_the_reader_may_see(cast):
    crisis = crisis_for(cast)
    shared = cast.engagement(cast.commission, cast.commission_desk_officer, title="EU return support")
    restricted = cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="restricted", title="German border project"
    )
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Finished project", status="closed")
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Tunisian project", countries=("TUN",))
    french = page_of(cast.french_ministry_editor, crisis.get_absolute_url())
    german = page_of(cast.german_ministry_editor, crisis.get_absolute_url())
    assert f'data-engagement="{shared.pk}"' in french and f'data-engagement="{restricted.pk}"' not in french
    assert "German border project" not in french
    assert f'data-engagement="{restricted.pk}"' in german and f'data-engagement="{shared.pk}"' in german
    assert "Finished project" not in german and "Tunisian project" not in german
    assert "1 engagement that you may see is running or planned." in french
    assert "2 engagements that you may see are running or planned." in german


def test_engagements_on_an_affected_theme_come_first(cast):
    crisis = crisis_for(cast, themes=("PROT-DISPLACEMENT",))
    other = cast.engagement(cast.commission, cast.commission_desk_officer, title="AAA readmission talks")
    on_theme = cast.engagement(
        cast.commission, cast.commission_desk_officer, title="ZZZ shelter", themes=("PROT-DISPLACEMENT",)
    )
    page = page_of(cast.commission_desk_officer, crisis.get_absolute_url())
    assert page.index(f'data-engagement="{on_theme.pk}"') < page.index(f'data-engagement="{other.pk}"')


def test_focal_points_are_shown_to_eu_side_readers_only(cast):
    crisis = crisis_for(cast, sharing_level="partner")
    person = focal_point_for(cast, name="Nadia Focal")
    focal_point_for(cast, name="Tunis Only", countries=("TUN",), email="tunis@example.org")
    french = page_of(cast.french_ministry_editor, crisis.get_absolute_url())
    assert f'data-focal-point="{person.pk}"' in french and "Tunis Only" not in french
    moroccan = page_of(cast.moroccan_ministry_user, crisis.get_absolute_url())
    assert crisis.title in moroccan
    assert 'data-section="focal-points"' not in moroccan and "Nadia Focal" not in moroccan


def test_the_crisis_page_shows_the_agreed_lines_to_take_of_the_country(cast):
    crisis = crisis_for(cast)
    line(cast.eu_delegation_morocco, cast.coordinator, text="Stand by the displaced.", agreed_by=cast.coordinator)
    line(cast.eu_delegation_morocco, cast.coordinator, text="A draft nobody agreed.", theme="LEGAL-VISA")
    page = page_of(cast.french_ministry_editor, crisis.get_absolute_url())
    assert "Stand by the displaced." in page and "A draft nobody agreed." not in page


def lesson(cast, title: str, crisis: Crisis | None, *, dated: date, sharing_level: str = "eu") -> Lesson:
    return Lesson.objects.create(
        owner=cast.commission, sharing_level=sharing_level, title=title, dated=dated, crisis=crisis
    )


def test_lessons_from_similar_crises_newest_first_with_the_rule_stated(cast):
    crisis = crisis_for(cast, themes=("PROT-DISPLACEMENT",))
    same_theme = crisis_for(cast, title="Sahel displacement", country="NER", themes=("PROT-DISPLACEMENT",))
    same_country = crisis_for(cast, title="Earlier Moroccan crisis", themes=("LEGAL-VISA",))
    unrelated = crisis_for(cast, title="Visa backlog in Tunisia", country="TUN", themes=("LEGAL-VISA",))
    hidden = crisis_for(cast, title="Hidden crisis", country="NER", themes=("PROT-DISPLACEMENT",))
    hidden.sharing_level = "originator"
    hidden.save()
    older = lesson(cast, "Pre-position shelter kits", same_theme, dated=date(2023, 5, 1))
    newer = lesson(cast, "Talk to the wali first", same_country, dated=date(2024, 5, 1))
    lesson(cast, "Unrelated lesson", unrelated, dated=date(2024, 6, 1))
    lesson(cast, "Lesson of a crisis the reader cannot see", hidden, dated=date(2024, 7, 1))
    lesson(cast, "Lesson kept by the Commission only", same_theme, dated=date(2024, 8, 1), sharing_level="originator")
    lesson(cast, "Lesson of this very crisis", crisis, dated=date(2024, 9, 1))
    page = page_of(cast.french_ministry_editor, crisis.get_absolute_url())
    assert re.findall(r'data-lesson="(\d+)"', page) == [str(newer.pk), str(older.pk)]
    assert f'href="{newer.get_absolute_url()}"' in page
    assert "data-similar-rule" in page and "shares an affected theme" in page


def test_the_crisis_page_reads_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    crisis = crisis_for(cast, themes=("PROT-DISPLACEMENT", "RETURN-REINTEGRATION"))
    client = client_for(cast.german_ministry_editor)

    def queries_for_the_page() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(crisis.get_absolute_url()).status_code == 200
        return len(captured)

    cast.engagement(cast.commission, cast.commission_desk_officer, title="First")
    focal_point_for(cast, name="First Person")
    few = queries_for_the_page()
    for number in range(8):
        cast.engagement(cast.german_interior, cast.german_ministry_editor, title=f"More {number}")
        focal_point_for(cast, name=f"Person {number}", email=f"person{number}@example.org")
    assert queries_for_the_page() == few
    with django_assert_max_num_queries(30):
        client.get(crisis.get_absolute_url())


# -- closing and reopening -----------------------------------------------------------------------


def test_closing_keeps_the_record_listed_as_closed_and_takes_the_banner_away(cast):
    crisis = declared_through_the_page(cast)
    open_one = crisis_for(cast, title="Still open", started_on=date(2024, 1, 1))
    client = client_for(cast.coordinator)
    closed_on = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        f"/knowledge/crises/{crisis.pk}/close/", {"closed_on": closed_on, "closing_note": "Waters receded."}
    )
    assert response.status_code == 302
    crisis.refresh_from_db()
    assert not crisis.is_open and crisis.closing_note == "Waters receded." and crisis.closed_by == cast.coordinator
    detail = page_of(cast.french_ministry_editor, crisis.get_absolute_url())
    assert "Waters receded." in detail and "Closed on" in detail
    listing = page_of(cast.french_ministry_editor, "/knowledge/crises/")
    assert listing.index(open_one.title) < listing.index(crisis.title)
    profile = page_of(cast.french_ministry_editor, MOROCCO_PROFILE)
    assert crisis.title not in profile and open_one.title in profile
    assert ObjectChange.objects.filter(object_id=crisis.pk, action="update").exists()


def test_the_coordinator_reopens_a_closed_crisis(cast):
    crisis = crisis_for(cast)
    close_crisis(crisis, closed_on=None, note="Over", acting_user=cast.coordinator)
    assert client_for(cast.coordinator).post(f"/knowledge/crises/{crisis.pk}/reopen/").status_code == 302
    crisis.refresh_from_db()
    assert crisis.is_open and crisis.closing_note == ""
    assert "data-crisis-banner" in page_of(cast.french_ministry_editor, MOROCCO_PROFILE)


def test_a_closing_date_before_the_start_or_in_the_future_is_refused(cast):
    crisis = crisis_for(cast, started_on=date(2025, 3, 1))
    client = client_for(cast.coordinator)
    for day in ("2025-02-01", (timezone.localdate() + timedelta(days=3)).isoformat()):
        response = client.post(f"/knowledge/crises/{crisis.pk}/close/", {"closed_on": day})
        assert response.status_code == 200 and "closed_on" in response.context["form"].errors
    crisis.refresh_from_db()
    assert crisis.is_open


def test_only_the_declaring_organisations_coordinators_change_close_and_reopen(cast):
    crisis = crisis_for(cast)
    viewer = make_user("delegation.viewer", cast.eu_delegation_morocco)
    other_coordinator = make_user("commission.coordinator", cast.commission, "coordinator")
    for user in (viewer, other_coordinator, cast.french_ministry_editor):
        client = client_for(user)
        assert client.get(f"/knowledge/crises/{crisis.pk}/edit/").status_code == 403
        assert client.post(f"/knowledge/crises/{crisis.pk}/close/").status_code == 403
        assert client.post(f"/knowledge/crises/{crisis.pk}/reopen/").status_code == 403
        assert "Close the crisis" not in page_of(user, crisis.get_absolute_url())
    crisis.refresh_from_db()
    assert crisis.is_open


def test_the_coordinator_changes_the_crisis_and_shares_it_with_the_partner(cast):
    crisis = crisis_for(cast)
    assert client_for(cast.moroccan_ministry_user).get(crisis.get_absolute_url()).status_code == 404
    form = {
        "title": crisis.title,
        "country": crisis.country.pk,
        "started_on": "2025-03-01",
        "severity": "extreme",
        "themes": [theme.pk for theme in crisis.themes.all()],
        "sharing_level": "partner",
    }
    assert client_for(cast.coordinator).post(f"/knowledge/crises/{crisis.pk}/edit/", form).status_code == 302
    crisis.refresh_from_db()
    assert (crisis.severity, crisis.sharing_level) == ("extreme", "partner")
    assert crisis.title in page_of(cast.moroccan_ministry_user, crisis.get_absolute_url())
    assert client_for(cast.tunisian_ministry_user).get(crisis.get_absolute_url()).status_code == 404


def test_the_list_paginates_and_counts_only_visible_crises(cast, django_assert_max_num_queries):
    for number in range(3):
        crisis_for(cast, title=f"Visible crisis {number}")
    crisis_for(cast, title="Hidden crisis", sharing_level="originator")
    client = client_for(cast.french_ministry_editor)
    with django_assert_max_num_queries(12):
        page = client.get("/knowledge/crises/").content.decode()
    assert page.count("data-crisis=") == 3 and "Hidden crisis" not in page
