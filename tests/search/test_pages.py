"""The search page, the header's box and its suggestions, in English and French."""

import pytest
from django.test import Client

from partnerhub.access.models import Organisation
from tests.support.clients import client_for


def engagement(cast, title, description="", **fields):
    return cast.engagement(
        cast.commission, cast.commission_desk_officer, title=title, description=description, **fields
    )


def test_the_box_is_in_the_header_of_every_page(cast):
    page = client_for(cast.commission_desk_officer).get("/engagements/").content.decode()
    assert 'action="/search/"' in page and 'name="q"' in page and 'hx-get="/search/suggest/"' in page


def test_results_with_badge_link_date_countries_and_highlighted_snippet(cast, django_assert_max_num_queries):
    record = engagement(cast, "Border management", "Officers trained at the border crossing of Tangier.")
    client = client_for(cast.commission_desk_officer)
    with django_assert_max_num_queries(20):
        page = client.get("/search/", {"q": "borders"}).content.decode()
    assert "1 result" in page
    assert f'href="/engagements/{record.pk}/"' in page
    assert "<mark>Border</mark> management" in page
    assert "at the <mark>border</mark> crossing" in page
    assert 'data-search-hit="engagement"' in page
    assert "Morocco" in page


def test_the_query_count_does_not_grow_with_the_hits(cast, django_assert_max_num_queries):
    for number in range(12):
        engagement(cast, f"Border project {number}")
    cast.engagement(cast.german_interior, cast.german_ministry_editor, title="Border project of Germany")
    client = client_for(cast.commission_desk_officer)
    with django_assert_max_num_queries(20):
        page = client.get("/search/", {"q": "border"}).content.decode()
    assert page.count("data-search-hit=") == 13


def test_a_hostile_title_stays_text(cast):
    engagement(cast, "<script>alert('border')</script> programme", "<img src=x onerror=alert(1)> border")
    page = client_for(cast.commission_desk_officer).get("/search/", {"q": "border"}).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;<mark>border</mark>&#x27;)&lt;/script&gt; programme" in page


def test_htmx_asks_for_the_results_alone(cast):
    engagement(cast, "Border management")
    response = client_for(cast.commission_desk_officer).get(
        "/search/", {"q": "border", "kind": "engagement"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body and "data-search-hit" in body and 'data-facet="kind:engagement"' in body


def test_no_query_and_empty_states(cast):
    client = client_for(cast.commission_desk_officer)
    assert 'data-search-state="no-query"' in client.get("/search/").content.decode()
    assert 'data-search-state="no-query"' in client.get("/search/", {"q": '-"" OR'}).content.decode()
    assert 'data-search-state="empty"' in client.get("/search/", {"q": "nothingmatches"}).content.decode()


def test_a_bad_filter_names_its_field_and_is_no_error(cast):
    response = client_for(cast.commission_desk_officer).get("/search/", {"q": "x", "country": "XXX", "page": "zz"})
    assert response.status_code == 200
    assert "Country" in response.content.decode() and "Some filters could not be read." in response.content.decode()


def test_pages_of_results(cast):
    for number in range(23):
        engagement(cast, f"Border project {number}")
    client = client_for(cast.commission_desk_officer)
    first = client.get("/search/", {"q": "border"}).content.decode()
    second = client.get("/search/", {"q": "border", "page": 2}).content.decode()
    assert first.count("data-search-hit=") == 20 and second.count("data-search-hit=") == 3
    assert "page=2" in first


def test_the_page_in_french(cast):
    engagement(cast, "Gestion des frontières", "Formation des agents.")
    client = client_for(cast.commission_desk_officer)
    client.cookies["django_language"] = "fr"
    page = client.get("/search/", {"q": "frontière"}, headers={"Accept-Language": "fr"}).content.decode()
    assert 'lang="fr"' in page
    assert "<mark>frontières</mark>" in page


def test_suggestions_complete_the_last_word_with_visible_titles_only(cast):
    engagement(cast, "Reintegration counselling")
    cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="originator", title="Reinforced secret"
    )
    client = client_for(cast.french_embassy_viewer)
    body = client.get("/search/suggest/", {"q": "border rein"}).content.decode()
    assert "Reintegration counselling" in body and "Reinforced secret" not in body
    assert client.get("/search/suggest/", {"q": '"'}).content.decode().strip() == ""


@pytest.mark.parametrize("text", ['"', "OR", "-", "a OR", '"a" -"b', "\x00", "%", "*", "' OR 1=1 --"])
def test_odd_queries_answer_200(cast, text):
    client = client_for(cast.commission_desk_officer)
    assert client.get("/search/", {"q": text}).status_code == 200
    assert client.get("/search/suggest/", {"q": text}).status_code == 200


def test_an_anonymous_visitor_finds_public_records_only(cast):
    engagement(cast, "Public border project", sharing_level="public")
    engagement(cast, "EU border project", sharing_level="eu")
    page = Client().get("/search/", {"q": "border"}).content.decode()
    assert "Public <mark>border</mark> project" in page and "EU <mark>border</mark>" not in page
    assert Organisation.objects.exists()
    assert 'data-search-hit="organisation"' not in Client().get("/search/", {"q": "GIZ"}).content.decode()
    signed_in = client_for(cast.outsider).get("/search/", {"q": "GIZ"}).content.decode()
    assert 'data-search-hit="organisation"' in signed_in
