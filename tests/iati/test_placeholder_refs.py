"""Participating organisations whose ref is a placeholder ("N/A", "-", "0", …) stay apart.

A placeholder identifies nothing: the organisation is matched by its name,
else created under it, and no organisation carries the placeholder as its IATI
identifier. Checked against the European Commission's real files, read
independently with lxml.
"""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from partnerhub.access.models import Organisation
from partnerhub.iati.mapping import OrganisationReference
from partnerhub.iati.organisations import OrganisationDirectory, canonical_ref, folded, is_placeholder_ref
from partnerhub.iati.services import import_iati_files
from partnerhub.registry.models import Engagement
from tests.iati.documents import SHARED_ACTIVITIES

PLACEHOLDERS = ("", "-", "0", "N/A", "NA", "not available")
# Two files of the Commission's COVID-19 response where UNHCR, UNICEF, UNDP, WHO and GIZ all carry ref="N/A".
COVID_FILES = [SHARED_ACTIVITIES / "dportal-covid19-2021" / name for name in ("dportal_79.xml", "dportal_95.xml")]
needs_shared_data = pytest.mark.skipif(
    not all(path.is_file() for path in COVID_FILES), reason="the real IATI files of ../shared/data are absent"
)


def spellings(word: str):
    """``word`` in any mix of cases, with blanks around it."""
    return st.tuples(
        st.lists(st.booleans(), min_size=len(word), max_size=len(word)),
        st.sampled_from(["", " ", "  ", "\t", "\n "]),
        st.sampled_from(["", " ", "\t "]),
    ).map(
        lambda parts: (
            parts[1] + "".join(c.upper() if up else c.lower() for c, up in zip(word, parts[0], strict=True)) + parts[2]
        )
    )


@given(st.sampled_from(PLACEHOLDERS).flatmap(spellings))
def test_every_spelling_of_a_placeholder_is_no_identifier(ref):
    assert is_placeholder_ref(ref)
    assert canonical_ref(ref) == ""


@given(st.from_regex(r"[A-Z]{2}-[A-Z0-9]{1,8}(-[0-9]{1,5})?", fullmatch=True))
def test_real_identifiers_are_kept(ref):
    assert not is_placeholder_ref(ref)
    assert canonical_ref(ref) == ref


@pytest.mark.django_db
@pytest.mark.parametrize("placeholder", ["N/A", "n/a ", "-", "0", "NA", " Not Available", ""])
def test_organisations_with_a_placeholder_ref_are_told_apart_by_name(placeholder):
    directory = OrganisationDirectory({})

    unhcr = directory.resolve(OrganisationReference(placeholder, "UNITED NATIONS HIGH COMMISSIONER FOR REFUGEES"))
    unicef = directory.resolve(OrganisationReference(placeholder, "UNITED NATIONS CHILDREN'S FUND"))
    unicef_again = directory.resolve(OrganisationReference("N/A", "United Nations Children's Fund"))

    assert unhcr != unicef and unicef == unicef_again
    assert Organisation.objects.filter(iati_identifier__isnull=False).count() == 0


@pytest.mark.django_db
def test_a_placeholder_ref_finds_the_organisation_known_by_that_name():
    known = Organisation.objects.create(
        name="Deutsche Gesellschaft für Internationale Zusammenarbeit",
        acronym="GIZ",
        kind="ms_agency",
        iati_identifier="DE-1-GIZ-TEST",
    )

    assert OrganisationDirectory({}).resolve(OrganisationReference("N/A", "GIZ")) == known


def participations_with_placeholder_refs(paths: list[Path]) -> dict[str, set[str]]:
    """Per activity, the folded names of the participating organisations whose ref is a placeholder."""
    found: dict[str, set[str]] = {}
    for path in paths:
        for activity in etree.parse(str(path)).iter("iati-activity"):
            names = {
                folded(org.findtext("narrative") or "")
                for org in activity.iter("participating-org")
                if org.get("ref") is not None and folded(org.get("ref")) in {"n/a", "na", "-", "0", ""}
            }
            if names - {""}:
                found[activity.findtext("iati-identifier").strip()] = names - {""}
    return found


@needs_shared_data
@pytest.mark.django_db
def test_real_files_keep_each_na_organisation_apart():
    expected = participations_with_placeholder_refs(COVID_FILES)
    distinct_names = set().union(*expected.values())
    assert {
        "united nations high commissioner for refugees",
        "united nations children's fund",
        "united nations development programme",
        "world health organization",
        "ec_intpa",
        "deutsche gesellschaft fur internationale zusammenarbeit (giz) gmbh",
    } <= distinct_names

    report = import_iati_files(COVID_FILES, keep_all=True)

    assert report.failed_files == 0
    kept = Engagement.objects.unrestricted("test").filter(iati_identifier__in=expected)
    imported = {e.iati_identifier: e for e in kept.prefetch_related("participations__organisation")}
    assert len(imported) >= 0.9 * len(expected), "nearly every activity naming such an organisation is kept"
    organisation_of_name = {}
    for identifier, engagement in imported.items():
        named = {folded(p.organisation.name): p.organisation.pk for p in engagement.participations.all()}
        assert expected[identifier] <= named.keys(), identifier
        organisation_of_name.update({name: named[name] for name in expected[identifier]})
    # One organisation per distinct name: nothing merged into the first one seen.
    assert len(set(organisation_of_name.values())) == len(organisation_of_name) >= 20
    assert not Organisation.objects.filter(iati_identifier__iregex=r"^\s*(n/?a|-|0|not available)?\s*$").exists()
