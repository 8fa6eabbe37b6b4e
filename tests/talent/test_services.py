"""The talent services: each rule says what is wrong and names the field; nothing is half-written; every
write is kept in the history; only the owner's editors write; links hidden from an editor survive them."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.core.history import history_of
from partnerhub.core.models import Event
from partnerhub.geo.models import Country
from partnerhub.talent import services
from partnerhub.talent.models import PipelineFigure, TalentNeed, TalentPartnership, TalentScheme, TalentSupply
from tests.talent.factories import need_for, partnership_for, pipeline_for, scheme_for, supply_for
from tests.talent.occupations import isco_groups

pytestmark = pytest.mark.django_db


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_a_german_editor_records_a_need_kept_in_the_history(cast):
    need = need_for(cast, region="Bavaria", sector="Hospitals")
    assert need.member_state.iso3 == "DEU" and need.occupation.code == "2221"
    [change] = history_of(need)
    assert change.action == "create" and change.changes["people_per_year"] == [None, "1200"]
    assert Event.objects.filter(name="talent.need_created", object_id=need.pk).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"member_state": "MAR"}, "member_state", "is not an EU Member State"),
        ({"code": "222"}, "occupation", "is not a unit group"),
        ({"first_year": 2028, "last_year": 2026}, "last_year", "not before the first year"),
        ({"first_year": 1989}, "first_year", "from 1990 to 2100"),
        ({"last_year": 2101}, "last_year", "from 1990 to 2100"),
        ({"languages": "de xx english"}, "languages", "xx, english"),
        ({"eqf_level": 9}, "eqf_level", "from 1 to 8"),
        ({"sharing_level": "partner"}, "sharing_level", "not a partner country"),
        ({"people_per_year": -1}, "people_per_year", "0 or more"),
    ],
)
def test_a_need_breaking_a_rule_is_refused_naming_the_field(cast, fields, field, message):
    with pytest.raises(ValidationError) as excinfo:
        need_for(cast, **fields)
    assert message in " ".join(errors_of(excinfo)[field])
    assert not TalentNeed.objects.unrestricted("test").exists()


def test_a_need_names_its_languages_in_lower_case_iso_codes(cast):
    need = need_for(cast, languages="DE, en")
    assert need.languages == "de en" and need.language_codes == ["de", "en"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"country": "DEU"}, "country", "is an EU Member State"),
        ({"code": "22"}, "occupation", "is not a unit group"),
        ({"languages": "ara"}, "languages", "ara"),
        ({"training_capacity": -5}, "training_capacity", "0 or more"),
    ],
)
def test_supply_breaking_a_rule_is_refused_naming_the_field(cast, fields, field, message):
    with pytest.raises(ValidationError) as excinfo:
        supply_for(cast, **fields)
    assert message in " ".join(errors_of(excinfo)[field])
    assert not TalentSupply.objects.unrestricted("test").exists()


def test_only_the_owners_editors_write_its_records(cast):
    need = need_for(cast)
    with pytest.raises(PermissionDenied):
        services.update_need(need, {"people_per_year": 1}, acting_user=cast.french_ministry_editor)
    with pytest.raises(PermissionDenied):
        services.delete_need(need, acting_user=cast.giz_viewer)
    with pytest.raises(PermissionDenied):
        need_for(cast, author=cast.french_ministry_editor)
    need.refresh_from_db()
    assert need.people_per_year == 1200


def test_a_restricted_need_names_its_circle_and_widening_it_clears_the_circle(cast):
    france = Country.objects.get(iso3="FRA")
    need = need_for(cast, sharing_level="restricted", shared_with_countries=[france])
    assert TalentNeed.objects.visible_to(cast.french_ministry_editor).filter(pk=need.pk).exists()
    services.update_need(need, {"sharing_level": "eu"}, acting_user=cast.german_ministry_editor)
    assert not need.shared_with_countries.exists()
    assert Event.objects.filter(name="talent.need_sharing_changed", object_id=need.pk).exists()


def test_a_restricted_circle_names_member_states_only(cast):
    with pytest.raises(ValidationError) as excinfo:
        need_for(cast, sharing_level="restricted", shared_with_countries=[Country.objects.get(iso3="MAR")])
    assert "shared_with_countries" in errors_of(excinfo)


def test_a_partnership_needs_a_member_state_and_a_partner_country(cast):
    with pytest.raises(ValidationError) as excinfo:
        partnership_for(cast, member_states=(), country="FRA")
    errors = errors_of(excinfo)
    assert errors["member_states"] == ["Name at least one Member State."]
    assert "is an EU Member State" in errors["country"][0]
    with pytest.raises(ValidationError) as excinfo:
        partnership_for(cast, member_states=("DEU", "TUN"))
    assert "Tunisia is not an EU Member State." in errors_of(excinfo)["member_states"]
    with pytest.raises(ValidationError) as excinfo:
        partnership_for(cast, codes=("2221", "222"))
    assert "222 Nursing and midwifery professionals" in errors_of(excinfo)["occupations"][0]
    assert not TalentPartnership.objects.unrestricted("test").exists()


def test_relinking_a_partnership_keeps_the_engagements_its_editor_cannot_see(cast):
    hidden = cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, sharing_level="originator")
    visible = cast.engagement(cast.german_interior, cast.german_ministry_editor)
    other = cast.engagement(cast.iom, cast.iom_officer, sharing_level="public")
    partnership = partnership_for(cast, engagements=[visible])
    TalentPartnership.engagements.through.objects.create(talentpartnership=partnership, engagement=hidden)
    services.update_partnership(partnership, {"engagements": [other]}, acting_user=cast.german_ministry_editor)
    linked = set(
        TalentPartnership.engagements.through.objects.filter(talentpartnership=partnership).values_list(
            "engagement_id", flat=True
        )
    )
    assert linked == {hidden.pk, other.pk}
    with pytest.raises(ValidationError) as excinfo:
        services.update_partnership(partnership, {"engagements": [hidden]}, acting_user=cast.german_ministry_editor)
    assert errors_of(excinfo) == {"engagements": ["Link only engagements you may see."]}


def test_one_pipeline_figure_per_scheme_and_period(cast):
    scheme = scheme_for(cast, partnership_for(cast))
    figure = pipeline_for(cast, scheme, "2025-q3")
    assert (figure.period, figure.period_start) == ("2025-Q3", date(2025, 7, 1))
    with pytest.raises(ValidationError) as excinfo:
        pipeline_for(cast, scheme, "2025-Q3")
    assert errors_of(excinfo)["period"] == ["The scheme has a figure for 2025-Q3 already: change that one."]
    for wrong in ("2025-13", "Q3-2025", "25"):
        with pytest.raises(ValidationError) as excinfo:
            pipeline_for(cast, scheme, wrong)
        assert "is not a year, quarter or month" in errors_of(excinfo)["period"][0]
    with pytest.raises(ValidationError) as excinfo:
        pipeline_for(cast, scheme, "2026", moved=-1)
    assert errors_of(excinfo)["moved"] == ["A count is 0 or more."]
    services.update_pipeline(figure, {"period": "2025-08", "moved": 55}, acting_user=cast.german_ministry_editor)
    figure.refresh_from_db()
    assert (figure.period_start, figure.moved) == (date(2025, 8, 1), 55)


def test_a_scheme_ends_after_it_starts_and_names_unit_groups(cast):
    partnership = partnership_for(cast)
    with pytest.raises(ValidationError) as excinfo:
        scheme_for(
            cast, partnership, starts_on=date(2026, 1, 1), ends_on=date(2025, 1, 1), occupations=isco_groups("2221")
        )
    assert errors_of(excinfo) == {"ends_on": ["The scheme ends after it starts."]}
    with pytest.raises(ValidationError) as excinfo:
        scheme_for(cast, partnership, title=" ", kind="exchange")
    assert set(errors_of(excinfo)) == {"title", "kind"}


def test_the_french_editor_cannot_add_schemes_or_figures_to_a_german_partnership(cast):
    partnership = partnership_for(cast, sharing_level="eu")
    scheme = scheme_for(cast, partnership)
    with pytest.raises(PermissionDenied):
        services.add_scheme(partnership, {"kind": "mobility", "title": "x"}, acting_user=cast.french_ministry_editor)
    with pytest.raises(PermissionDenied):
        services.record_pipeline(scheme, {"period": "2025"}, acting_user=cast.french_ministry_editor)
    assert TalentScheme.objects.unrestricted("test").count() == 1


def test_deleting_a_partnership_deletes_its_schemes_and_figures_each_kept_in_history(cast):
    partnership = partnership_for(cast)
    scheme = scheme_for(cast, partnership)
    figure = pipeline_for(cast, scheme)
    services.delete_partnership(partnership, acting_user=cast.german_ministry_editor)
    assert not PipelineFigure.objects.unrestricted("test").exists()
    assert not TalentScheme.objects.unrestricted("test").exists()
    for record, event in ((figure, "talent.pipeline_deleted"), (scheme, "talent.scheme_deleted")):
        assert history_of(record).filter(action="delete").exists()
        assert Event.objects.filter(name=event, object_id=record.pk).exists()


# -- general rules ---------------------------------------------------------------------------------

LANGUAGE_CODES = st.sampled_from(["de", "fr", "ar", "en", "es", "it", "pl", "tl", "hi", "sw"])


@given(st.lists(LANGUAGE_CODES, max_size=5), st.lists(st.from_regex(r"^[a-z]{3,6}$", fullmatch=True), max_size=3))
def test_only_the_codes_that_are_no_iso_639_1_code_are_refused(valid, invalid):
    assert services.unknown_languages(" ".join(valid + invalid)) == invalid


@given(st.integers(1900, 2200), st.integers(1900, 2200))
def test_years_are_refused_exactly_when_out_of_range_or_reversed(first, last):
    errors = services.year_errors(first, last)
    in_range = all(1990 <= year <= 2100 for year in (first, last))
    assert (not errors) == (in_range and first <= last)
