"""Two editors change the same record at once, for every kind of record people edit together
(``tests.support.two_editors.KINDS``): the second save, based on the version both read, is refused
with a message naming who changed what; nothing of it is written, on the page and in the API."""

import re

import pytest

from tests.support.clients import ApiClient
from tests.support.two_editors import KINDS, EditedKind, colleague, open_page, saved_as_shown

pytestmark = pytest.mark.django_db

BY_LABEL = {kind.label: kind for kind in KINDS}
WITH_API = [kind.label for kind in KINDS if kind.api_template]
PARAMETER = re.compile(r"\{[^}]+\}")


@pytest.fixture(params=list(BY_LABEL))
def kind(request) -> EditedKind:
    return BY_LABEL[request.param]


@pytest.fixture(params=WITH_API)
def api_kind(request) -> EditedKind:
    return BY_LABEL[request.param]


def test_the_second_save_on_the_page_is_refused_and_the_first_stays(cast, kind):
    record = kind.make(cast)
    first_browser, first_page = open_page(colleague(cast), kind, record)
    second_browser, second_page = open_page(cast.german_ministry_editor, kind, record)
    read = kind.stored_version(record)
    assert f'name="version" value="{read}"' in second_page.content.decode()

    first = first_browser.post(kind.page(record), saved_as_shown(first_page, kind, "First editor's text"))
    second = second_browser.post(kind.page(record), saved_as_shown(second_page, kind, "Second editor's text"))

    assert first.status_code == 302, f"{kind.label}: {first.status_code}"
    assert second.status_code == 409
    shown = second.content.decode()
    assert "Karin Vogel changed this record on" in shown
    assert "They changed:" in shown
    assert f'name="version" value="{read + 1}"' in shown, "saving again is a deliberate choice"
    assert kind.stored_text(record) == "First editor's text"
    assert kind.stored_version(record) == read + 1


def test_saving_again_after_the_warning_goes_through(cast, kind):
    record = kind.make(cast)
    first_browser, first_page = open_page(colleague(cast), kind, record)
    second_browser, second_page = open_page(cast.german_ministry_editor, kind, record)
    first_browser.post(kind.page(record), saved_as_shown(first_page, kind, "First editor's text"))
    refused = second_browser.post(kind.page(record), saved_as_shown(second_page, kind, "Second editor's text"))
    assert refused.status_code == 409

    again = second_browser.post(kind.page(record), saved_as_shown(refused, kind, "Second editor's text"))

    assert again.status_code == 302
    assert kind.stored_text(record) == "Second editor's text"


def test_a_save_without_the_version_is_an_error_and_changes_nothing(cast, kind):
    record = kind.make(cast)
    browser, page = open_page(cast.german_ministry_editor, kind, record)
    before = kind.stored_text(record)
    data = saved_as_shown(page, kind, "Sent without a version")
    del data["version"]

    response = browser.post(kind.page(record), data)

    assert response.status_code == 200
    assert "does not say which version of" in response.content.decode()
    assert kind.stored_text(record) == before


def test_saving_unchanged_keeps_the_version(cast, kind):
    record = kind.make(cast)
    browser, page = open_page(cast.german_ministry_editor, kind, record)
    read = kind.stored_version(record)

    response = browser.post(kind.page(record), saved_as_shown(page, kind, kind.stored_text(record)))

    assert response.status_code == 302
    assert kind.stored_version(record) == read


def change(api: ApiClient, kind: EditedKind, record, text: str, **sent):
    return api.send(kind.api_method.upper(), kind.api_path(record), {kind.api_field or kind.text_field: text, **sent})


def with_header(api: ApiClient, name: str, value: str) -> ApiClient:
    return ApiClient(api.client, {**api.headers, name: value})


def test_the_api_gives_the_version_in_the_etag_and_refuses_an_older_one_in_the_body(cast, api_kind, token_api):
    kind, record = api_kind, api_kind.make(cast)
    first_api, second_api = token_api(colleague(cast)), token_api(cast.german_ministry_editor)
    read = kind.stored_version(record)

    first = change(first_api, kind, record, "First script's text", version=read)
    second = change(second_api, kind, record, "Second script's text", version=read)

    assert first.status_code == 200, first.content
    assert first["ETag"] == f'"{read + 1}"' and first.json()["version"] == read + 1
    assert second.status_code == 409
    refusal = second.json()
    assert refusal["current_version"] == read + 1
    assert refusal["changed_by"] == "Karin Vogel"
    assert kind.text_field in refusal["changed_fields"]
    assert kind.stored_text(record) == "First script's text"


def test_the_api_refuses_an_older_etag_in_if_match_with_412(cast, api_kind, token_api):
    kind, record = api_kind, api_kind.make(cast)
    read = kind.stored_version(record)
    change(token_api(colleague(cast)), kind, record, "First script's text")
    stale = with_header(token_api(cast.german_ministry_editor), "If-Match", f'"{read}"')

    response = change(stale, kind, record, "Second script's text")

    assert response.status_code == 412
    assert response.json()["current_version"] == read + 1
    assert kind.stored_text(record) == "First script's text"


def test_the_api_saves_with_the_current_etag_and_refuses_a_broken_one(cast, api_kind, token_api):
    kind, record = api_kind, api_kind.make(cast)
    api = token_api(cast.german_ministry_editor)
    current = f'"{kind.stored_version(record)}"'

    assert change(with_header(api, "If-Match", "not-an-etag"), kind, record, "Broken").status_code == 400
    saved = change(with_header(api, "If-Match", f"W/{current}"), kind, record, "With the current ETag")

    assert saved.status_code == 200
    assert kind.stored_text(record) == "With the current ETag"


def test_every_kind_documents_its_etag_and_conflicts_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    by_shape = {PARAMETER.sub("{}", path.removeprefix("/api")): path for path in paths}
    for kind in KINDS:
        if not kind.api_template:
            continue
        template = by_shape[PARAMETER.sub("{}", kind.api_template)]
        operation = paths[template][kind.api_method]
        assert {"400", "409", "412"} <= set(operation["responses"]), f"{kind.label}: {template}"
        assert "ETag" in operation["responses"]["200"]["headers"], kind.label
        assert any(parameter["name"] == "If-Match" for parameter in operation["parameters"]), kind.label
        read = paths[template].get("get")
        if read:
            assert "ETag" in read["responses"]["200"]["headers"], kind.label
