"""The official IATI 2.03 should-pass test cases: each one imported, exported
again, and the export valid against the official schema.

The cases are minimal synthetic files that exercise every element of the
standard. They carry placeholders that the importer rightly refuses — the
version "xx" and an empty iati-identifier — so each copy gets version 2.03
and an identifier before it is imported; nothing else is touched.
"""

import pytest
from lxml import etree

from partnerhub.iati.services import import_iati_files
from partnerhub.registry.models import Engagement
from tests.iati.export_support import SHOULD_PASS_DIR, exported, needs_schema, schema_errors

pytestmark = [pytest.mark.django_db, needs_schema]

SHOULD_PASS = sorted(SHOULD_PASS_DIR.rglob("*.xml")) if SHOULD_PASS_DIR.is_dir() else []


def case_name(path) -> str:
    return str(path.relative_to(SHOULD_PASS_DIR))


def importable_copy(case, folder):
    """The case with a real version and an identifier per activity."""
    tree = etree.parse(str(case))
    tree.getroot().set("version", "2.03")
    for number, identifier in enumerate(tree.iter("iati-identifier"), start=1):
        identifier.text = f"XX-TESTCASE-{case.stem}-{number}"
    copy = folder / case.name
    tree.write(str(copy), xml_declaration=True, encoding="utf-8")
    return copy


def test_every_should_pass_case_is_found():
    assert len(SHOULD_PASS) == 58, "PROVENANCE.md of iati-schemas lists 58 should-pass files"


@pytest.mark.parametrize("case", SHOULD_PASS, ids=case_name)
def test_export_of_an_imported_should_pass_case_is_valid(case, tmp_path):
    report = import_iati_files([importable_copy(case, tmp_path)], keep_all=True)

    assert report.failed_files == 0, report.as_dict()["errors"]
    assert report.created == report.activities_read >= 1, report.as_dict()
    imported = Engagement.objects.unrestricted("test").filter(iati_identifier__startswith=f"XX-TESTCASE-{case.stem}-")
    document = exported(imported)
    assert schema_errors(document) == []
    assert document.count(b"<iati-activity ") == report.created
