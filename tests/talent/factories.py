"""One hidden record of each Talent Partnerships model, and one change of each through the talent
services (named by the registrations in ``partnerhub.talent.apps``); and the records the tests build."""

from datetime import date

from partnerhub.geo.models import Country
from partnerhub.talent.services import (
    add_scheme,
    create_need,
    create_partnership,
    create_supply,
    record_pipeline,
    update_need,
    update_partnership,
    update_pipeline,
    update_scheme,
    update_supply,
)
from tests.talent.occupations import isco_groups


def need_for(
    cast, *, code: str = "2221", member_state: str = "DEU", sharing_level: str = "eu", owner=None, author=None, **fields
):
    [occupation] = isco_groups(code)
    return create_need(
        owner=owner or cast.german_interior,
        fields={
            "member_state": Country.objects.get(iso3=member_state),
            "occupation": occupation,
            "people_per_year": 1200,
            "first_year": 2025,
            "last_year": 2027,
            "eqf_level": 6,
            "languages": "de",
            "language_level": "B2",
            "source": "EURES Report on labour shortages and surpluses 2022",
            "sharing_level": sharing_level,
            **fields,
        },
        acting_user=author or cast.german_ministry_editor,
    )


def supply_for(
    cast, *, code: str = "2221", country: str = "MAR", sharing_level: str = "partner", owner=None, author=None, **fields
):
    [occupation] = isco_groups(code)
    return create_supply(
        owner=owner or cast.german_interior,
        fields={
            "country": Country.objects.get(iso3=country),
            "occupation": occupation,
            "yearly_graduates": 3000,
            "training_capacity": 500,
            "first_year": 2025,
            "last_year": 2027,
            "languages": "ar fr",
            "sharing_level": sharing_level,
            **fields,
        },
        acting_user=author or cast.german_ministry_editor,
    )


def partnership_for(
    cast,
    *,
    title: str = "Germany–Morocco Talent Partnership",
    sharing_level: str = "eu",
    codes=("2221",),
    owner=None,
    author=None,
    **fields,
):
    return create_partnership(
        owner=owner or cast.german_interior,
        fields={
            "title": title,
            "country": Country.objects.get(iso3=fields.pop("country", "MAR")),
            "member_states": list(Country.objects.filter(iso3__in=fields.pop("member_states", ("DEU",)))),
            "occupations": isco_groups(*codes),
            "status": fields.pop("status", "active"),
            "started_on": date(2024, 3, 1),
            "sharing_level": sharing_level,
            **fields,
        },
        acting_user=author or cast.german_ministry_editor,
    )


def scheme_for(cast, partnership, *, title: str = "Nursing training in Rabat", kind: str = "training", **fields):
    return add_scheme(
        partnership,
        {"kind": kind, "title": title, "starts_on": date(2024, 9, 1), **fields},
        acting_user=cast.german_ministry_editor,
    )


def pipeline_for(cast, scheme, period: str = "2025", **counts):
    stages = {"enrolled": 120, "trained": 100, "certified": 80, "recruited": 60, "moved": 40, "returned": 0}
    return record_pipeline(scheme, {"period": period, **stages, **counts}, acting_user=cast.german_ministry_editor)


def hidden_need(cast, *, secret: str):
    return need_for(cast, sharing_level="originator", region=secret, sector=secret, note=secret, source=secret)


def hidden_supply(cast, *, secret: str):
    return supply_for(cast, sharing_level="originator", note=secret, source=secret)


def hidden_partnership(cast, *, secret: str):
    return partnership_for(cast, title=secret, description=secret, sharing_level="originator")


def hidden_scheme(cast, *, secret: str):
    return scheme_for(cast, hidden_partnership(cast, secret=secret), title=secret, description=secret)


def hidden_pipeline(cast, *, secret: str):
    return pipeline_for(cast, hidden_scheme(cast, secret=secret), note=secret)


def resize_need(cast, need) -> None:
    update_need(need, {"people_per_year": need.people_per_year + 300}, acting_user=cast.german_ministry_editor)


def count_graduates(cast, supply) -> None:
    update_supply(supply, {"yearly_graduates": 3500}, acting_user=cast.german_ministry_editor)


def pause_partnership(cast, partnership) -> None:
    update_partnership(partnership, {"status": "paused"}, acting_user=cast.german_ministry_editor)


def retitle_scheme(cast, scheme) -> None:
    update_scheme(scheme, {"title": f"{scheme.title} (second cohort)"}, acting_user=cast.german_ministry_editor)


def count_moves(cast, figure) -> None:
    update_pipeline(figure, {"moved": figure.moved + 5}, acting_user=cast.german_ministry_editor)
