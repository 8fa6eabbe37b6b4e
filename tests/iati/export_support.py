"""What the export tests share: the official IATI 2.03 schema, and an export
read back as an XML tree.

The schema and its test cases live outside the repository, in ../shared/data
(see its PROVENANCE.md); tests that need them skip, saying why, when that
folder is absent.
"""

from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree

from partnerhub.iati.export import write_iati_file

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SCHEMA_DIR = SHARED_DATA / "iati-schemas" / "2.03"
ACTIVITY_SCHEMA = SCHEMA_DIR / "iati-activities-schema.xsd"
SHOULD_PASS_DIR = SCHEMA_DIR / "tests" / "activity-tests" / "should-pass"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

needs_schema = pytest.mark.skipif(
    not ACTIVITY_SCHEMA.is_file(),
    reason=f"the official IATI 2.03 schema is not at {ACTIVITY_SCHEMA} (../shared/data is absent)",
)


@cache
def activity_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(ACTIVITY_SCHEMA)))


def schema_errors(document: bytes) -> list[str]:
    schema = activity_schema()
    if schema.validate(etree.parse(BytesIO(document))):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def exported(engagements, **options) -> bytes:
    stream = BytesIO()
    write_iati_file(engagements, stream, **options)
    return stream.getvalue()


def activities_of(document: bytes) -> dict[str, etree._Element]:
    """Each exported activity by its identifier."""
    root = etree.fromstring(document)
    return {activity.findtext("iati-identifier"): activity for activity in root.iterfind("iati-activity")}
