"""GET /api/search: the page's search, as JSON."""

from partnerhub.search.services import SearchRequest, search


def engagement(cast, title, description="", **fields):
    return cast.engagement(
        cast.commission, cast.commission_desk_officer, title=title, description=description, **fields
    )


def test_the_api_gives_the_same_hits_total_and_facets_as_the_service(cast, token_api):
    engagement(cast, "Border management", "Training at the border.", countries=("MAR",))
    engagement(cast, "Police training", "Support at the border.", countries=("TUN",))
    user = cast.commission_desk_officer
    answer = token_api(user).get("/search", {"q": "border"})
    assert answer.status_code == 200
    data = answer.json()
    found = search(user, SearchRequest(text="border"))
    assert data["total"] == found.total == 2
    assert [hit["title"]["text"] for hit in data["hits"]] == [hit.title for hit in found.hits]
    assert {facet["value"]: facet["count"] for facet in data["facets"]["country"]} == {"MAR": 1, "TUN": 1}
    first = data["hits"][0]
    assert first["kind"] == "engagement"
    assert first["title"]["html"] == "<mark>Border</mark> management"
    assert first["title"]["marks"] == [[0, 6]]
    assert first["snippet"]["text"] == "Training at the border."
    assert first["snippet"]["text"][slice(*first["snippet"]["marks"][0])] == "border"
    assert first["url"].startswith("/engagements/")


def test_filters_in_the_api(cast, token_api):
    engagement(cast, "Border management", countries=("MAR",))
    engagement(cast, "Border police", countries=("TUN",))
    api = token_api(cast.commission_desk_officer)
    data = api.get("/search", {"q": "border", "country": "tun", "kind": "engagement,event"}).json()
    assert [hit["title"]["text"] for hit in data["hits"]] == ["Border police"]


def test_a_bad_filter_answers_422_naming_it(cast, token_api):
    api = token_api(cast.commission_desk_officer)
    for params, field in (
        ({"q": "x", "country": "XXX"}, "country"),
        ({"q": "x", "theme": "NOPE"}, "theme"),
        ({"q": "x", "kind": "engagement,nope"}, "kind"),
        ({"q": "x", "date_from": "2024-13-01"}, "date_from"),
        ({"q": "x", "date_from": "2024-02-01", "date_to": "2024-01-01"}, "date_to"),
        ({"q": "x", "page": "0"}, "page"),
    ):
        answer = api.get("/search", params)
        assert answer.status_code == 422, params
        assert answer.json()["detail"][0]["loc"] == ["query", field]


def test_no_query_is_an_empty_answer_with_a_note(cast, anonymous_api):
    data = anonymous_api.get("/search", {"q": '""'}).json()
    assert data["total"] == 0 and data["hits"] == [] and data["query_note"]


def test_an_outsider_gets_public_records_and_organisations_only(cast, token_api):
    engagement(cast, "Public border project", sharing_level="public")
    engagement(cast, "EU border project", sharing_level="eu")
    data = token_api(cast.outsider).get("/search", {"q": "border"}).json()
    assert [hit["title"]["text"] for hit in data["hits"]] == ["Public border project"]
    assert token_api(cast.outsider).get("/search", {"q": "GIZ"}).json()["facets"]["kind"][0]["value"] == "organisation"
