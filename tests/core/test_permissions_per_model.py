"""The permission tests every registered confidential model passes, with nothing listed here.

Each model registered in ``core.confidential`` (the toy models of ``tests/toyapp`` too) is built
hidden by its registered ``factory`` and checked through its registered ``urls`` and ``edit``:
a reader outside the circle gets 404 on its page, its change page and its API read (a child row
without addresses is checked on the pages of the records it is read through); a read-only member
of the owner reads it but is refused every change (403; an API body the schema refuses may answer
422 first, but one API change at least must answer 403); a change through the app's service is
kept in the history, which the outsider cannot read.
"""

import pytest
from django.contrib.contenttypes.models import ContentType

from partnerhub.access.models import Membership, Role
from partnerhub.core.confidential import entry_for, registered
from partnerhub.core.history import history_of, readable_history
from partnerhub.core.models import Event
from tests.support.addresses import addressed, api_operations
from tests.support.clients import client_for
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db

SECRET = "SECRET-PERMISSIONS-5c3e"


@pytest.fixture(params=registered(), ids=lambda entry: entry.label)
def entry(request):
    return request.param


@pytest.fixture
def record(cast, entry):
    return entry.build(cast, secret=SECRET)


def outsiders(cast) -> dict:
    return {
        "another Member State's editor": cast.french_ministry_editor,
        "the Commission's desk officer": cast.commission_desk_officer,
        "the partner country's ministry": cast.moroccan_ministry_user,
    }


def records_read_through(record) -> list:
    """The record and the records it is read through, up to those with a sharing level of their own."""
    entry = entry_for(type(record))
    return [record, *(found for path in entry.parents for found in records_read_through(getattr(record, path)))]


def read_only_member(cast, record):
    """A viewer of every organisation owning ``record`` or a record it is read through."""
    reader = make_user("owner.viewer")
    owners = {found.owner for found in records_read_through(record) if not entry_for(type(found)).is_child}
    for owner in owners:
        Membership.objects.create(user=reader, organisation=owner, role=Role.VIEWER)
    return reader


def is_visible(record, user) -> bool:
    return type(record).objects.visible_to(user).filter(pk=record.pk).exists()


def kept_changes(record) -> int:
    """Field changes kept of the record and of the records it is read through."""
    return sum(history_of(found).count() for found in records_read_through(record))


def kept_history(record) -> int:
    """Field changes and named events kept of the record and of the records it is read through."""
    return kept_changes(record) + sum(events_about(found).count() for found in records_read_through(record))


def events_about(record):
    return Event.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)


def answer(client, method: str, url: str):
    return client.generic(method.upper(), url, data="{}", content_type="application/json")


def test_an_outsider_gets_404_for_the_record_and_reads_nothing_of_it(cast, entry, record):
    for persona, outsider in outsiders(cast).items():
        assert not is_visible(record, outsider), f"{persona} sees the {entry.label}"
        client = client_for(outsider)
        for shown, urls in addressed(record):
            own = shown is record
            reads = [urls.page, urls.change_page] + [url for method, url in api_operations(urls.api) if method == "get"]
            for url in filter(None, reads):
                response = client.get(url)
                assert SECRET not in response.content.decode(), f"{url} shows {persona} the {entry.label}"
                assert response.status_code == 404 or not own, f"{url} answers {response.status_code} to {persona}"


def test_a_read_only_member_of_the_owner_reads_the_record_but_may_not_change_it(cast, entry, record):
    reader = read_only_member(cast, record)
    assert is_visible(record, reader)
    assert not any(
        type(found).objects.editable_by(reader).filter(pk=found.pk).exists()
        for found in records_read_through(record)
        if not entry_for(type(found)).is_child
    )
    client, changes = client_for(reader), kept_changes(record)
    for _shown, urls in addressed(record):
        if urls.page:
            assert client.get(urls.page).status_code == 200
        if urls.change_page and urls.change_page != urls.page:
            assert client.get(urls.change_page).status_code == 403
        if urls.change_page:
            assert client.post(urls.change_page).status_code == 403
        assert_api_refuses_changes(client, urls.api)
    assert kept_changes(record) == changes


def assert_api_refuses_changes(client, path: str) -> None:
    answers = {(method, url): answer(client, method, url).status_code for method, url in api_operations(path)}
    for (method, url), status in answers.items():
        assert status in ((200,) if method == "get" else (403, 422)), f"{method.upper()} {url} answers {status}"
    writes = [status for (method, _url), status in answers.items() if method != "get"]
    assert not writes or 403 in writes, f"no change of {path} in the API answers 403"


def test_a_change_through_the_service_is_kept_in_a_history_the_outsider_cannot_read(cast, entry, record):
    history = kept_history(record)
    entry.change(cast, record)
    assert kept_history(record) > history
    for persona, outsider in outsiders(cast).items():
        for found in records_read_through(record):
            if not is_visible(found, outsider):
                assert readable_history(found, outsider) == [], f"{persona} reads the history of {found}"
