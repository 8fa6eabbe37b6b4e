"""For any activity an uploader may not write, the report reads the same whether
the hub holds it (hidden from the uploader) or not, and nothing is written."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from partnerhub.access.models import Organisation, OrganisationKind, Role
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.iati.services import import_iati_files
from partnerhub.registry.models import Engagement
from partnerhub.registry.services import change_sharing_level
from tests.iati.documents import activity_xml, document_xml
from tests.support.personas import make_organisation, make_user

GERMAN_REF, GERMAN_NAME = "XM-PH-BMI", "Federal Ministry of the Interior (Germany)"
FRENCH_REF, FRENCH_NAME = "FR-6", "Ministry for Europe and Foreign Affairs (France)"
REPORTERS = {
    "german by ref": (GERMAN_REF, "10", GERMAN_NAME),
    "german by name": ("", "10", GERMAN_NAME),
    "german by placeholder ref": ("N/A", "10", GERMAN_NAME),
    "the uploader's own ministry": (FRENCH_REF, "10", FRENCH_NAME),
    "an unknown ministry": ("", "10", "Ministry of Migration (Nowhere)"),
}
suffixes = st.from_regex(r"[A-Z0-9]{1,6}(-[0-9]{1,4})?", fullmatch=True)
titles = st.text(st.characters(whitelist_categories=("L", "N", "Zs", "P")), min_size=1, max_size=40).filter(str.strip)
namespaces = st.sampled_from([GERMAN_REF, "XM-PH-OTHER", "XI-IATI-EC_INTPA"])


@pytest.mark.slow
class UploadRefusalTests(TestCase):
    def world(self, hidden_identifier: str):
        german = make_organisation(GERMAN_NAME, OrganisationKind.MS_MINISTRY, "DEU", iati_identifier=GERMAN_REF)
        french = make_organisation(FRENCH_NAME, OrganisationKind.MS_MINISTRY, "FRA", iati_identifier=FRENCH_REF)
        german_editor = make_user("bmi.editor", german, Role.EDITOR)
        uploader = make_user("meae.coordinator", french, Role.COORDINATOR)
        self.write("own.xml", activity_xml(hidden_identifier, reporting=(GERMAN_REF, "10", GERMAN_NAME)))
        import_iati_files([self.folder / "own.xml"], keep_all=True)
        hidden = Engagement.objects.unrestricted("test").get(iati_identifier=hidden_identifier)
        change_sharing_level(hidden, SharingLevel.ORIGINATOR, acting_user=german_editor)
        assert hidden.owner == german
        return uploader

    def write(self, name: str, *activities: str) -> None:
        (self.folder / name).write_text(document_xml(*activities), encoding="utf-8")

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        namespace=namespaces,
        hidden_suffix=suffixes,
        missing_suffix=suffixes,
        reporter=st.sampled_from(sorted(REPORTERS)),
        title=titles,
    )
    def test_hidden_and_missing_read_alike_and_nothing_is_written(
        self, namespace, hidden_suffix, missing_suffix, reporter, title
    ):
        hidden, missing = f"{namespace}-{hidden_suffix}", f"{namespace}-{missing_suffix}-NEW"
        with tempfile.TemporaryDirectory() as folder:
            self.folder = Path(folder)
            uploader = self.world(hidden)
            state = (
                list(Engagement.objects.unrestricted("test").values()),
                Organisation.objects.count(),
                ObjectChange.objects.count(),
            )
            escaped = title.replace("&", "&amp;").replace("<", "&lt;")
            self.write(
                "upload.xml",
                *(
                    activity_xml(identifier, title=escaped, reporting=REPORTERS[reporter])
                    for identifier in (hidden, missing)
                ),
            )

            report = import_iati_files([self.folder / "upload.xml"], keep_all=True, acting_user=uploader)

        assert (report.created, report.updated, report.unchanged, report.skipped) == (0, 0, 0, 2)
        reasons = {problem.iati_identifier: problem.reason for problem in report.errors}
        assert reasons.keys() == {hidden, missing} and reasons[hidden] == reasons[missing]
        assert state == (
            list(Engagement.objects.unrestricted("test").values()),
            Organisation.objects.count(),
            ObjectChange.objects.count(),
        )
