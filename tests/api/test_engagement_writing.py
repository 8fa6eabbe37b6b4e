"""Writing engagements over the API: through the services, with history,
field-level errors, and the same 403/404 rules as the pages."""

import pytest

from partnerhub.core.history import events_of, history_of
from partnerhub.core.models import ObjectChange
from partnerhub.registry.models import Engagement
from tests.support.clients import error_locations

pytestmark = pytest.mark.django_db


def full_payload(cast, **overrides) -> dict:
    payload = {
        "owner": cast.german_interior.pk,
        "kind": "programme",
        "title": "Reintegration of returnees in the Oriental region",
        "description": "Counselling, training and small grants.",
        "language": "en",
        "status": "implementation",
        "planned_start": "2024-01-01",
        "planned_end": "2026-12-31",
        "instrument": "NDICI-GE",
        "external_reference": "BMI-2024-17",
        "sharing_level": "restricted",
        "countries": [{"iso3": "MAR", "share": "70"}, {"iso3": "tun", "share": "30"}],
        "themes": [{"code": "RETURN-REINTEGRATION"}, {"code": "DEV-JOBS"}],
        "participations": [
            {"organisation": cast.giz.pk, "role": "implementer"},
            {"organisation": cast.german_interior.pk, "role": "funder"},
        ],
        "money": [
            {"kind": "commitment", "amount": "2500000", "currency": "EUR", "value_date": "2024-02-01"},
            {"kind": "disbursement", "amount": "100000", "currency": "usd", "value_date": "2024-06-15"},
        ],
        "links": [],
        "shared_with_organisations": [cast.iom.pk],
        "shared_with_countries": ["FRA"],
    }
    return {**payload, **overrides}


def test_editor_creates_an_engagement_with_all_its_parts(cast, token_api):
    response = token_api(cast.german_ministry_editor).post("/engagements", full_payload(cast))

    assert response.status_code == 201, response.content
    body = response.json()
    engagement = Engagement.objects.unrestricted("test").get(pk=body["id"])
    assert engagement.title == body["title"] == "Reintegration of returnees in the Oriental region"
    assert engagement.owner == cast.german_interior
    assert engagement.created_by == cast.german_ministry_editor
    assert [(c["iso3"], c["share"]) for c in body["countries"]] == [("MAR", "70.00"), ("TUN", "30.00")]
    assert {t["code"] for t in body["themes"]} == {"RETURN-REINTEGRATION", "DEV-JOBS"}
    assert body["instrument"]["code"] == "NDICI-GE"
    assert {(p["organisation"]["id"], p["role"]) for p in body["participations"]} == {
        (cast.giz.pk, "implementer"),
        (cast.german_interior.pk, "funder"),
    }
    assert {m["currency"] for m in body["money"]} == {"EUR", "USD"}
    assert [o["id"] for o in body["shared_with_organisations"]] == [cast.iom.pk]
    assert body["shared_with_countries"] == ["FRA"]
    created = history_of(engagement).get()
    assert created.action == ObjectChange.Action.CREATE
    assert created.user == cast.german_ministry_editor
    assert events_of(engagement, ["engagement.created"]).count() == 1


def test_put_replaces_the_whole_engagement_and_records_the_changes(cast, token_api):
    api = token_api(cast.german_ministry_editor)
    engagement_id = api.post("/engagements", full_payload(cast)).json()["id"]

    response = api.put(
        f"/engagements/{engagement_id}",
        {"owner": cast.german_interior.pk, "kind": "project", "title": "Renamed", "countries": [{"iso3": "SEN"}]},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Renamed" and body["kind"] == "project"
    assert body["money"] == [] and body["instrument"] is None, "left-out fields take their defaults"
    assert body["sharing_level"] == "eu" and body["shared_with_organisations"] == []
    update = history_of(Engagement.objects.unrestricted("test").get(pk=engagement_id)).first()
    assert update.action == ObjectChange.Action.UPDATE
    assert update.changes["title"] == ["Reintegration of returnees in the Oriental region", "Renamed"]
    assert update.changes["countries"] == ["MAR 70 %; TUN 30 %", "SEN"]


def test_patch_changes_only_the_fields_given(cast, token_api):
    api = token_api(cast.german_ministry_editor)
    before = api.post("/engagements", full_payload(cast)).json()

    response = api.patch(f"/engagements/{before['id']}", {"title": "Shorter title"})

    assert response.status_code == 200, response.content
    after = response.json()
    assert after["title"] == "Shorter title"
    for unchanged in (
        "countries",
        "themes",
        "participations",
        "money",
        "instrument",
        "sharing_level",
        "shared_with_organisations",
        "shared_with_countries",
        "planned_start",
        "description",
    ):
        assert after[unchanged] == before[unchanged], unchanged
    update = history_of(Engagement.objects.unrestricted("test").get(pk=before["id"])).first()
    assert set(update.changes) == {"title"}


def test_patch_of_the_sharing_level_records_the_named_event(cast, token_api):
    api = token_api(cast.german_ministry_editor)
    engagement_id = api.post("/engagements", full_payload(cast)).json()["id"]

    response = api.patch(f"/engagements/{engagement_id}", {"sharing_level": "originator"})

    assert response.status_code == 200
    assert response.json()["shared_with_organisations"] == []
    engagement = Engagement.objects.unrestricted("test").get(pk=engagement_id)
    event = events_of(engagement, ["engagement.sharing_changed"]).get()
    assert event.data == {"old": "restricted", "new": "originator"}


def test_patch_can_link_to_a_visible_engagement(cast, token_api):
    target = cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="eu")
    api = token_api(cast.german_ministry_editor)
    engagement_id = api.post("/engagements", full_payload(cast)).json()["id"]

    body = api.patch(f"/engagements/{engagement_id}", {"links": [{"target": target.pk, "kind": "funded_by"}]}).json()

    assert body["links"] == [{"kind": "funded_by", "target": {"id": target.pk, "title": target.title}}]


def test_delete_removes_the_engagement_and_records_it(cast, token_api):
    engagement = cast.engagement(cast.german_interior, cast.german_ministry_editor)

    response = token_api(cast.german_ministry_editor).delete(f"/engagements/{engagement.pk}")

    assert response.status_code == 204
    assert not Engagement.objects.unrestricted("test").filter(pk=engagement.pk).exists()
    assert history_of(engagement).first().action == ObjectChange.Action.DELETE


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_reader_who_may_not_edit_a_visible_engagement_gets_403(cast, token_api, method):
    engagement = cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor)
    for user in (cast.french_embassy_viewer, cast.german_ministry_editor, cast.coordinator):
        api = token_api(user)
        response = (
            api.delete(f"/engagements/{engagement.pk}")
            if method == "delete"
            else (getattr(api, method)(f"/engagements/{engagement.pk}", {"title": "taken over"}))
        )
        assert response.status_code == 403, (user.username, response.content)
    assert Engagement.objects.unrestricted("test").get(pk=engagement.pk).title == engagement.title


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_hidden_engagement_answers_every_write_like_a_missing_one(cast, token_api, method):
    hidden = cast.engagement(cast.german_interior, cast.german_ministry_editor, sharing_level="originator")
    api = token_api(cast.french_ministry_editor)

    def attempt(engagement_id):
        if method == "delete":
            return api.delete(f"/engagements/{engagement_id}")
        return getattr(api, method)(f"/engagements/{engagement_id}", {"title": None})

    on_hidden, on_missing = attempt(hidden.pk), attempt(987654)
    assert on_hidden.status_code == on_missing.status_code == 404
    assert on_hidden.content == on_missing.content
    assert Engagement.objects.unrestricted("test").filter(pk=hidden.pk).exists()


def test_anonymous_writes_answer_401(cast, anonymous_api):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="public")
    responses = [
        anonymous_api.post("/engagements", full_payload(cast)),
        anonymous_api.put(f"/engagements/{engagement.pk}", full_payload(cast)),
        anonymous_api.patch(f"/engagements/{engagement.pk}", {"title": "x"}),
        anonymous_api.delete(f"/engagements/{engagement.pk}"),
    ]
    assert [response.status_code for response in responses] == [401] * 4
    assert responses[0]["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("field", "value", "bad"),
    [
        ("countries", [{"iso3": "MAR"}, {"iso3": "XXX"}], "XXX"),
        ("themes", [{"code": "NO-SUCH-THEME"}], "NO-SUCH-THEME"),
        ("instrument", "NOPE", "NOPE"),
        ("owner", 987654, "987654"),
        ("participations", [{"organisation": 987654, "role": "funder"}], "987654"),
        ("links", [{"target": 987654, "kind": "related"}], "987654"),
        ("shared_with_organisations", [987654], "987654"),
        ("shared_with_countries", ["ZZZ"], "ZZZ"),
    ],
)
def test_unknown_codes_and_ids_answer_422_naming_the_field_and_the_value(cast, token_api, field, value, bad):
    before = Engagement.objects.unrestricted("test").count()
    response = token_api(cast.german_ministry_editor).post("/engagements", full_payload(cast, **{field: value}))

    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", field] and bad in error["msg"]
    assert Engagement.objects.unrestricted("test").count() == before, "nothing is half-written"


def test_link_to_a_hidden_engagement_reads_like_a_link_to_a_missing_one(cast, token_api):
    hidden = cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="originator")
    api = token_api(cast.german_ministry_editor)

    def message(target):
        response = api.post("/engagements", full_payload(cast, links=[{"target": target, "kind": "related"}]))
        return response.json()["detail"][0]["msg"].replace(str(target), "<id>")

    assert message(hidden.pk) == message(987654)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"countries": [{"iso3": "MAR", "share": "70"}, {"iso3": "TUN", "share": "20"}]}, "countries"),
        ({"countries": [{"iso3": "MAR"}, {"iso3": "MAR"}]}, "countries"),
        ({"planned_start": "2025-01-01", "planned_end": "2024-01-01"}, "planned_end"),
        ({"money": [{"kind": "budget", "amount": "10", "currency": "XYZ", "value_date": "2024-01-01"}]}, "money"),
        ({"money": [{"kind": "budget", "amount": "0", "value_date": "2024-01-01"}]}, "money"),
        ({"shared_with_countries": ["MAR"]}, "shared_with_countries"),
        ({"owner": 0}, "owner"),
        ({"title": "  "}, "title"),
        ({"kind": "picnic"}, "kind"),
        ({"planned_start": "2024-02-30"}, "planned_start"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_broken_rules_answer_422_naming_the_field(cast, token_api, overrides, field):
    response = token_api(cast.german_ministry_editor).post("/engagements", full_payload(cast, **overrides))

    assert response.status_code == 422, response.content
    assert ["body", field] in [location[:2] for location in error_locations(response)], response.json()


def test_recording_for_an_organisation_one_does_not_edit_for_is_refused(cast, token_api):
    for user in (cast.giz_viewer, cast.french_ministry_editor, cast.superuser):
        response = token_api(user).post("/engagements", full_payload(cast))
        assert response.status_code == 422
        assert error_locations(response) == [["body", "owner"]]
    assert not Engagement.objects.unrestricted("test").exists()


def test_patch_refuses_null_for_a_field_that_cannot_be_empty(cast, token_api):
    engagement = cast.engagement(cast.german_interior, cast.german_ministry_editor)
    response = token_api(cast.german_ministry_editor).patch(
        f"/engagements/{engagement.pk}", {"title": None, "countries": None, "planned_end": None}
    )

    assert response.status_code == 422
    assert sorted(error_locations(response)) == [["body", "countries"], ["body", "title"]]
    assert Engagement.objects.unrestricted("test").get(pk=engagement.pk).planned_end is not None
