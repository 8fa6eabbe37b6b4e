"""The matching pages as the German ministry, the French ministry, a coordinator and a visitor use them:
the WHO list of 2023 blocking health suggestions, the list in force by date, the coordinator's
override, what the viewer may not see never counting, and the queries a page takes."""

from datetime import date

import pytest
from django.urls import reverse

from partnerhub.access.models import Role
from partnerhub.talent.models import MatchOverride
from tests.support.clients import client_for
from tests.support.personas import make_user
from tests.talent import builders
from tests.talent.override_factories import german_coordinator

pytestmark = pytest.mark.django_db

NEEDS = reverse("talent:match_needs")
SUPPLY = reverse("talent:match_supply")
BLOCKED = '<h3 class="ecl-u-type-heading-5">Blocked suggestions'


@pytest.fixture
def nurses(cast):
    builders.without_safeguard_lists()
    """Germany seeks 100 nurses a year; Morocco, Nigeria and Tunisia offer some; Nigeria is on the WHO list."""
    need = builders.need(cast.german_interior, "DEU", "2221", 100, languages="de")
    builders.supply(cast.moroccan_interior, "MAR", "2221", workers=80, languages="fr de")
    builders.supply(cast.moroccan_interior, "MAR", "2221", graduates=40, languages="ar")
    builders.supply(cast.tunisian_interior, "TUN", "2222", workers=100, languages="de")
    builders.supply(cast.iom, "NGA", "2221", workers=300, languages="en")
    return need


def sections(html: str) -> list[str]:
    return html.split('<section class="ph-match')[1:]


def test_the_who_list_2023_blocks_a_listed_country_in_nursing_and_says_why(cast, nurses):
    rows = {row["iso3"]: row for row in builders.who_rows()}
    assert "NGA" in rows and "MAR" not in rows and "TUN" not in rows
    builders.who_2023_list()
    html = client_for(cast.german_ministry_editor).get(NEEDS).content.decode()
    [section] = sections(html)
    ranked, blocked = section.split(BLOCKED)
    # Morocco: two records added up (120 for 100 sought), German in common; Tunisia: midwives, same minor group.
    assert ranked.index("Morocco") < ranked.index("Tunisia")
    assert "120 people a year offered for 100 sought (2 supply records added up)." in ranked
    assert "Nigeria" not in ranked
    assert "Nigeria" in blocked
    assert f"Nigeria is on WHO SSL 2023 (basis: {rows['NGA']['basis']}), which covers 2221." in blocked
    assert "No government-to-government agreement covers the occupation: blocked." in blocked


def test_the_page_documents_the_weights_and_factors(cast, nurses):
    html = client_for(cast.german_ministry_editor).get(NEEDS).content.decode()
    assert "How suggestions are made and scored" in html
    assert "The score is the weighted mean of the four factors." in html
    for weight in ("0.35", "0.15"):
        assert f'<td class="ecl-table__cell">{weight}</td>' in html


def test_the_list_in_force_on_the_matching_date_applies(cast, nurses):
    builders.safeguard_list(
        "SSL 2020 (constructed)", date(2020, 1, 1), until=date(2023, 3, 14), countries={"MAR": "2020 criteria"}
    )
    builders.safeguard_list("SSL 2023 (constructed)", date(2023, 3, 14), countries={"NGA": "2023 criteria"})
    client = client_for(cast.german_ministry_editor)
    in_2022 = client.get(NEEDS, {"on": "2022-06-01"}).content.decode()
    in_2024 = client.get(NEEDS, {"on": "2024-06-01"}).content.decode()
    assert "Morocco is on SSL 2020 (constructed) (basis: 2020 criteria)" in in_2022.split(BLOCKED)[1]
    assert "Nigeria" in in_2022.split(BLOCKED)[0]
    assert "Nigeria is on SSL 2023 (constructed) (basis: 2023 criteria)" in in_2024.split(BLOCKED)[1]
    assert "Morocco" in in_2024.split(BLOCKED)[0]


def test_a_government_to_government_partnership_lowers_instead_of_blocking(cast, nurses):
    builders.who_2023_list()
    builders.partnership(
        cast.german_interior, "NGA", ("DEU",), status="active", occupations=("222",), title="DE–NG care"
    )
    html = client_for(cast.german_ministry_editor).get(NEEDS).content.decode()
    assert BLOCKED not in html
    assert "The active Talent Partnership DE–NG care covers the occupation" in html
    assert "Talent Partnership in place: DE–NG care (active)." in html


def test_supply_the_viewer_may_not_see_never_counts_nor_shows(cast, nurses):
    builders.supply(
        cast.french_foreign_affairs, "MAR", "2221", workers=5000, sharing_level="originator", source="SECRET-FR-5000"
    )
    builders.supply(cast.french_foreign_affairs, "SEN", "2221", workers=77, sharing_level="originator")
    german = "".join(sections(client_for(cast.german_ministry_editor).get(NEEDS).content.decode()))
    assert "120 people a year offered for 100 sought (2 supply records added up)." in german
    assert "Senegal" not in german and "5000" not in german and "5120" not in german
    french = "".join(sections(client_for(cast.french_ministry_editor).get(NEEDS).content.decode()))
    assert "5120 people a year offered for 100 sought (3 supply records added up)." in french
    assert "Senegal" in french


def test_a_visitor_sees_only_public_needs_and_supply(cast, nurses):
    public = builders.need(cast.german_interior, "DEU", "2211", 5, sharing_level="public")
    builders.supply(cast.moroccan_interior, "MAR", "2211", workers=9, sharing_level="public")
    html = client_for(None).get(NEEDS).content.decode()
    assert "2211" in html and "Generalist medical practitioners" in html
    assert "Nursing professionals" not in html
    assert public.pk


def test_the_supply_page_ranks_member_states(cast, nurses):
    builders.need(cast.french_foreign_affairs, "FRA", "2221", 300, languages="fr")
    html = client_for(cast.german_ministry_editor).get(SUPPLY, {"country": "MAR"}).content.decode()
    [section] = sections(html)
    assert "Morocco — 2221" in section
    # France: 120 of 300 (0.4), French in common; Germany: 120 of 100 (1.0), German in common.
    assert section.index("Germany") < section.index("France")


def test_filters_by_member_state_occupation_group_country_and_route(cast, nurses):
    builders.need(cast.french_foreign_affairs, "FRA", "7411", 20)
    client = client_for(cast.german_ministry_editor)
    assert len(sections(client.get(NEEDS, {"member_state": "FRA"}).content.decode())) == 1
    assert len(sections(client.get(NEEDS, {"occupation": "22"}).content.decode())) == 1
    only_tunisia = "".join(sections(client.get(NEEDS, {"country": "TUN", "occupation": "2221"}).content.decode()))
    assert "Tunisia" in only_tunisia and "Morocco" not in only_tunisia
    bad = client.get(NEEDS, {"occupation": "22x"})
    assert bad.status_code == 200
    assert "Give an ISCO-08 code of one to four digits" in bad.content.decode()


def test_the_needs_page_takes_the_same_queries_for_one_need_and_for_a_page_of_them(
    cast, nurses, django_assert_max_num_queries
):
    client = client_for(cast.german_ministry_editor)
    client.get(NEEDS)
    with django_assert_max_num_queries(20) as one_need:
        client.get(NEEDS)
    for code in ("2211", "2212", "2261", "3221", "7411", "7412", "8322", "5321", "2142", "2512"):
        builders.need(cast.german_interior, "DEU", code, 10)
        builders.supply(cast.moroccan_interior, "MAR", code, workers=10)
    with django_assert_max_num_queries(len(one_need.captured_queries)):
        response = client.get(NEEDS)
    assert len(sections(response.content.decode())) == 11


def test_the_supply_page_queries_are_bounded(cast, nurses, django_assert_max_num_queries):
    client = client_for(cast.german_ministry_editor)
    client.get(SUPPLY)
    with django_assert_max_num_queries(20) as few:
        client.get(SUPPLY)
    for code in ("2211", "2212", "2261", "3221", "7411"):
        builders.need(cast.german_interior, "DEU", code, 10)
        builders.supply(cast.moroccan_interior, "MAR", code, workers=10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(SUPPLY)


def test_the_needs_are_paginated_25_a_page(cast):
    codes = [group.code for group in builders.read_isco() if group.level == 4][:30]
    for code in codes:
        builders.need(cast.german_interior, "DEU", code, 10)
    client = client_for(cast.german_ministry_editor)
    assert len(sections(client.get(NEEDS).content.decode())) == 25
    assert len(sections(client.get(NEEDS, {"page": 2}).content.decode())) == 5


# -- one suggestion and the coordinator's override ------------------------------------------------


def detail_url(need, iso3="NGA", code="2221") -> str:
    return reverse("talent:match_detail", args=[iso3, code, need.pk])


def test_a_coordinator_allows_a_blocked_suggestion_with_a_reason_shown_to_readers(cast, nurses):
    builders.who_2023_list()
    coordinator = german_coordinator(cast)
    coordinator.first_name, coordinator.last_name = "Anna", "Weber"
    coordinator.save()
    client = client_for(coordinator)
    page = client.get(detail_url(nurses)).content.decode()
    assert "Allow or block this suggestion" in page and "blocked" in page
    response = client.post(
        reverse("talent:override_create", args=["NGA", "2221", nurses.pk]),
        {"decision": "allow", "reason": "Bilateral agreement with the Nigerian health ministry"},
    )
    assert response.status_code == 302
    reader = client_for(cast.german_ministry_editor).get(NEEDS).content.decode()
    assert BLOCKED not in reader
    assert "Allowed by Anna Weber on" in reader and "Bilateral agreement with the Nigerian health ministry" in reader
    assert "A coordinator allowed the suggestion: the safeguard&#x27;s effect is lifted." in reader


def test_a_coordinator_blocks_a_suggestion_and_withdrawing_keeps_the_history(cast, nurses):
    coordinator = german_coordinator(cast)
    client = client_for(coordinator)
    client.post(
        reverse("talent:override_create", args=["MAR", "2221", nurses.pk]),
        {"decision": "block", "reason": "Morocco asked to pause nurse recruitment"},
    )
    blocked = client_for(cast.german_ministry_editor).get(NEEDS).content.decode().split(BLOCKED)[1]
    assert "Morocco" in blocked and "Morocco asked to pause nurse recruitment" in blocked
    override = MatchOverride.objects.visible_to(coordinator).get()
    assert client.get(reverse("talent:override_withdraw", args=[override.pk])).status_code == 200
    client.post(reverse("talent:override_withdraw", args=[override.pk]))
    override.refresh_from_db()
    assert override.withdrawn_at is not None and override.withdrawn_by == coordinator
    after = client_for(cast.german_ministry_editor).get(NEEDS).content.decode()
    assert BLOCKED not in after
    detail = client.get(detail_url(nurses, "MAR")).content.decode()
    assert "Morocco asked to pause nurse recruitment" in detail and "withdrawn on" in detail


def test_only_coordinators_override_and_a_second_standing_decision_is_refused(cast, nurses):
    url = reverse("talent:override_create", args=["MAR", "2221", nurses.pk])
    editor = client_for(cast.german_ministry_editor)
    assert "Allow or block this suggestion" not in editor.get(detail_url(nurses, "MAR")).content.decode()
    assert editor.post(url, {"decision": "block", "reason": "no"}).status_code == 403
    coordinator = client_for(german_coordinator(cast))
    assert coordinator.post(url, {"decision": "block", "reason": "first"}).status_code == 302
    again = coordinator.post(url, {"decision": "allow", "reason": "second"})
    assert again.status_code == 422
    assert "withdraw that decision first" in again.content.decode()
    empty = coordinator.post(reverse("talent:override_create", args=["TUN", "2222", nurses.pk]), {"decision": "allow"})
    assert empty.status_code == 422


def test_an_override_on_a_hidden_need_is_404(cast):
    hidden = builders.need(cast.german_interior, "DEU", "2221", 10, sharing_level="originator")
    french_coordinator = make_user("quai.coordinator", cast.french_foreign_affairs, Role.COORDINATOR)
    client = client_for(french_coordinator)
    assert client.get(detail_url(hidden, "MAR")).status_code == 404
    response = client.post(
        reverse("talent:override_create", args=["MAR", "2221", hidden.pk]), {"decision": "allow", "reason": "x"}
    )
    assert response.status_code == 404
    assert not MatchOverride.objects.unrestricted("the test checks nothing was written").exists()


def test_unknown_country_or_occupation_on_the_detail_page_is_404(cast, nurses):
    client = client_for(cast.german_ministry_editor)
    assert client.get(detail_url(nurses, "XXX")).status_code == 404
    assert client.get(detail_url(nurses, "MAR", "9999")).status_code == 404
    assert client.get(detail_url(nurses, "DEU")).status_code == 404


def test_a_needs_other_suggestions_are_one_click_away(cast, nurses):
    for iso3 in ("SEN", "GHA", "KEN", "EGY", "JOR", "IND"):
        builders.supply(cast.iom, iso3, "2221", workers=10)
    client = client_for(cast.german_ministry_editor)
    [section] = sections(client.get(NEEDS).content.decode())
    assert section.count('<tr class="ecl-table__row">') == 5 + 1  # five suggestions and the header
    assert "Show 4 more suggestions" in section
    everything = client.get(reverse("talent:match_all"), {"need": nurses.pk}, headers={"HX-Request": "true"})
    fragment = everything.content.decode()
    assert "<html" not in fragment and fragment.count('<tr class="ecl-table__row">') == 9 + 1
    hidden = builders.need(cast.french_foreign_affairs, "FRA", "2221", 10, sharing_level="originator")
    assert client.get(reverse("talent:match_all"), {"need": hidden.pk}).status_code == 404
    assert client.get(reverse("talent:match_all")).status_code == 404


def test_a_supplys_member_states_on_its_own_list_and_hidden_supply_is_404(cast, nurses):
    builders.supply(cast.french_foreign_affairs, "SEN", "2221", workers=10, sharing_level="originator")
    client = client_for(cast.german_ministry_editor)
    everything = reverse("talent:match_all")
    page = client.get(everything, {"supply_country": "MAR", "occupation": "2221"}).content.decode()
    assert "Germany" in page
    assert client.get(everything, {"supply_country": "SEN", "occupation": "2221"}).status_code == 404
    assert client.get(everything, {"supply_country": "XXX", "occupation": "2221"}).status_code == 404
