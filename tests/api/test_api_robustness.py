"""No API request ends in a 500: bad input always gets a 4xx answer in JSON."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerhub.registry.models import Engagement
from tests.support.clients import error_locations

pytestmark = pytest.mark.django_db

HUGE = 10**40


def assert_json_client_error(response):
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


@pytest.fixture
def editor_api(cast, token_api):
    return token_api(cast.german_ministry_editor)


@pytest.fixture
def own_engagement(cast):
    return cast.engagement(cast.german_interior, cast.german_ministry_editor)


@pytest.mark.parametrize("raw", ["{", "not json", "\xff", '{"title": "x",}', "[1, 2"])
def test_malformed_json_answers_400(editor_api, own_engagement, raw):
    for method, path in (
        ("POST", "/engagements"),
        ("PUT", f"/engagements/{own_engagement.pk}"),
        ("PATCH", f"/engagements/{own_engagement.pk}"),
    ):
        response = editor_api.send(method, path, raw=raw)
        assert response.status_code == 400, (method, response.content)
        assert_json_client_error(response)


@pytest.mark.parametrize("body", [[], "a string", 42, None, [{"title": "x"}]])
def test_a_body_that_is_not_an_object_answers_422(editor_api, own_engagement, body):
    for method, path in (("POST", "/engagements"), ("PATCH", f"/engagements/{own_engagement.pk}")):
        response = editor_api.send(method, path, raw=json.dumps(body))
        assert response.status_code == 422, (method, body, response.content)


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"owner": HUGE}, "owner"),
        ({"owner": "one"}, "owner"),
        ({"money": [{"kind": "budget", "amount": HUGE, "value_date": "2024-01-01"}]}, "money"),
        ({"money": [{"kind": "budget", "amount": "1e400", "value_date": "2024-01-01"}]}, "money"),
        ({"money": [{"kind": "budget", "amount": "NaN", "value_date": "2024-01-01"}]}, "money"),
        (
            {
                "money": [
                    {"kind": "budget", "amount": "99999999999999999", "currency": "GBP", "value_date": "2024-01-01"}
                ]
            },
            "money",
        ),
        ({"money": [{"kind": "budget", "amount": "1.001", "value_date": "2024-01-01"}]}, "money"),
        ({"countries": [{"iso3": "MAR", "share": 1e308}]}, "countries"),
        ({"countries": [{"iso3": "MAR", "share": -5}]}, "countries"),
        ({"countries": "MAR"}, "countries"),
        ({"participations": [{"organisation": HUGE, "role": "lead"}]}, "participations"),
        ({"links": [{"target": -1, "kind": "related"}]}, "links"),
        ({"shared_with_organisations": [HUGE]}, "shared_with_organisations"),
        ({"title": "x" * 501}, "title"),
        ({"title": "nul\x00byte"}, "title"),
        ({"description": "nul\x00byte"}, "description"),
        ({"countries": [{"iso3": "MA\x00"}]}, "countries"),
        ({"themes": [{"code": "RETURN\x00"}]}, "themes"),
        ({"planned_start": "10000-01-01"}, "planned_start"),
        ({"planned_start": 12}, "planned_start"),
        ({"sharing_level": ["eu"]}, "sharing_level"),
        ({"external_reference": {"nested": True}}, "external_reference"),
        ({"surprise": "field"}, "surprise"),
    ],
)
def test_wrong_types_huge_numbers_and_unknown_fields_answer_422(editor_api, own_engagement, patch, field):
    response = editor_api.patch(f"/engagements/{own_engagement.pk}", patch)

    assert response.status_code == 422, response.content
    assert field in [location[1] for location in error_locations(response)], response.json()
    assert Engagement.objects.unrestricted("test").get(pk=own_engagement.pk).title == own_engagement.title


@pytest.mark.parametrize(
    "path",
    [
        f"/engagements/{HUGE}",
        "/engagements/0",
        "/engagements/-3",
        "/engagements/abc",
        f"/organisations/{HUGE}",
        "/countries/M%00R",
        "/countries/TOOLONG",
        "/themes/%00",
        "/instruments/a%20b",
        "/engagements?page=0",
        f"/engagements?page={HUGE}",
        "/engagements?page_size=0",
        "/countries?eu_member=perhaps",
        "/countries?route=%00",
        "/organisations?q=%00",
        "/organisations?kind=spaceship",
        "/organisations?country=%00%00%00",
        "/countries?region=NOPE",
        "/countries?route=NOPE",
    ],
)
def test_bad_paths_and_query_strings_answer_4xx(cast, editor_api, path):
    response = editor_api.client.get("/api" + path, headers=editor_api.headers)
    assert_json_client_error(response)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_writes_to_absurd_ids_answer_4xx(editor_api, method):
    for engagement_id in (HUGE, 0, "abc"):
        response = editor_api.send(method, f"/engagements/{engagement_id}", {"title": "x"})
        assert_json_client_error(response)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=10,
)
field_names = st.sampled_from(
    [
        "owner",
        "kind",
        "title",
        "description",
        "language",
        "status",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "instrument",
        "external_reference",
        "sharing_level",
        "countries",
        "themes",
        "participations",
        "money",
        "links",
        "shared_with_organisations",
        "shared_with_countries",
    ]
)


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(overrides=st.dictionaries(field_names, json_values, max_size=4))
def test_random_bodies_never_end_in_a_server_error(cast, editor_api, own_engagement, overrides):
    # A valid engagement with a few fields replaced, so that many bodies get
    # past the schema and reach the services.
    body = {"owner": cast.german_interior.pk, "kind": "project", "title": "Base", **overrides}
    for method, path in (
        ("POST", "/engagements"),
        ("PATCH", f"/engagements/{own_engagement.pk}"),
        ("PUT", f"/engagements/{own_engagement.pk}"),
    ):
        response = editor_api.send(method, path, body)
        assert response.status_code < 500, (method, body, response.content)
