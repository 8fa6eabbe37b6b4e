"""Two scripts change the same engagement over the API: the one based on an older version
is refused (409 for ``version`` in the body, 412 for If-Match) and nothing is overwritten."""

import pytest

from partnerhub.access.models import Role
from partnerhub.registry.models import Engagement
from tests.support.clients import ApiClient
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(cast):
    return cast.engagement(cast.german_interior, cast.german_ministry_editor, title="Border management training")


@pytest.fixture
def colleague(cast):
    user = make_user("karin.vogel", cast.german_interior, Role.EDITOR)
    user.first_name, user.last_name = "Karin", "Vogel"
    user.save()
    return user


def with_header(api: ApiClient, name: str, value: str) -> ApiClient:
    return ApiClient(api.client, {**api.headers, name: value})


def stored(record) -> Engagement:
    return Engagement.objects.unrestricted("test").get(pk=record.pk)


def test_reading_gives_the_version_in_the_body_and_the_etag(cast, record, token_api):
    response = token_api(cast.german_ministry_editor).get(f"/engagements/{record.pk}")

    assert response.json()["version"] == record.version
    assert response["ETag"] == f'"{record.version}"'


def test_second_patch_based_on_the_same_version_is_refused_with_409(cast, record, colleague, token_api):
    anna, karin = token_api(cast.german_ministry_editor), token_api(colleague)
    read_by_both = anna.get(f"/engagements/{record.pk}").json()["version"]

    first = karin.patch(f"/engagements/{record.pk}", {"title": "Karin's title", "version": read_by_both})
    second = anna.patch(f"/engagements/{record.pk}", {"description": "Anna's text", "version": read_by_both})

    assert first.status_code == 200 and first.json()["version"] == read_by_both + 1
    assert first["ETag"] == f'"{read_by_both + 1}"'
    assert second.status_code == 409, second.content
    body = second.json()
    assert body["current_version"] == read_by_both + 1
    assert body["changed_by"] == "Karin Vogel"
    assert body["changed_fields"] == ["title"]
    assert "Karin Vogel changed this record" in body["detail"]
    assert stored(record).title == "Karin's title"
    assert stored(record).description == ""


def test_put_with_a_stale_version_writes_nothing(cast, record, token_api):
    api = token_api(cast.german_ministry_editor)
    api.patch(f"/engagements/{record.pk}", {"title": "Changed meanwhile"})
    whole = {"owner": cast.german_interior.pk, "kind": "project", "title": "Replaced", "version": record.version}

    response = api.put(f"/engagements/{record.pk}", whole)

    assert response.status_code == 409
    assert stored(record).title == "Changed meanwhile"


def test_if_match_with_a_stale_etag_answers_412(cast, record, colleague, token_api):
    etag = token_api(cast.german_ministry_editor).get(f"/engagements/{record.pk}")["ETag"]
    token_api(colleague).patch(f"/engagements/{record.pk}", {"title": "Karin's title"})

    stale = with_header(token_api(cast.german_ministry_editor), "If-Match", etag)
    response = stale.patch(f"/engagements/{record.pk}", {"title": "Anna's title"})

    assert response.status_code == 412
    assert response.json()["current_version"] == record.version + 1
    assert stored(record).title == "Karin's title"


def test_if_match_with_the_current_etag_saves(cast, record, token_api):
    api = token_api(cast.german_ministry_editor)
    etag = api.get(f"/engagements/{record.pk}")["ETag"]

    response = with_header(api, "If-Match", f"W/{etag}").patch(f"/engagements/{record.pk}", {"title": "New"})

    assert response.status_code == 200
    assert response["ETag"] == f'"{record.version + 1}"'


@pytest.mark.parametrize("header", ["3", '"abc"', '"1", "2"', '"0"'])
def test_a_malformed_if_match_answers_400_and_writes_nothing(cast, record, token_api, header):
    api = with_header(token_api(cast.german_ministry_editor), "If-Match", header)

    response = api.patch(f"/engagements/{record.pk}", {"title": "New"})

    assert response.status_code == 400
    assert "If-Match" in response.json()["detail"]
    assert stored(record).title == "Border management training"


def test_if_match_and_version_that_disagree_answer_400(cast, record, token_api):
    api = with_header(token_api(cast.german_ministry_editor), "If-Match", f'"{record.version}"')

    response = api.patch(f"/engagements/{record.pk}", {"title": "New", "version": record.version + 5})

    assert response.status_code == 400
    assert stored(record).title == "Border management training"


def test_a_change_without_a_version_is_still_accepted(cast, record, token_api):
    """Scripts written before versions keep working; they overwrite, as they always did."""
    response = token_api(cast.german_ministry_editor).patch(f"/engagements/{record.pk}", {"title": "New"})

    assert response.status_code == 200
    assert response.json()["version"] == record.version + 1


def test_a_hidden_record_answers_404_whatever_the_version(cast, record, token_api):
    response = token_api(cast.french_ministry_editor).patch(f"/engagements/{record.pk}", {"title": "x", "version": 1})

    assert response.status_code in (403, 404)
    assert response.status_code != 409


def test_the_schema_documents_the_conflict_answers(anonymous_api):
    schema = anonymous_api.get("/openapi.json").json()
    operation = schema["paths"]["/api/engagements/{engagement_id}"]

    for method in ("put", "patch"):
        assert {"400", "409", "412"} <= set(operation[method]["responses"]), method
        assert any(p["name"] == "If-Match" for p in operation[method]["parameters"]), method
    assert "version" in schema["components"]["schemas"]["EngagementOut"]["properties"]
