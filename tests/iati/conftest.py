"""Small IATI documents for the importer's tests, written to a temporary folder.

``activity(...)`` gives the XML of one activity (a Commission activity about
migration by default, with the parts a test names added), ``iati_file(...)``
wraps activities in a document and writes it.
"""

from pathlib import Path

import pytest

SHARED_ACTIVITIES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "iati-activities"

COMMISSION = ("XI-IATI-EC_INTPA", "15", "European Commission - International Partnerships")


def activity_xml(identifier: str = "XI-IATI-EC_INTPA-2023/1", *, title: str = "Support to migration governance",
                 parts: str = "", reporting=COMMISSION, last_updated: str = "2023-05-01T10:00:00Z",
                 attributes: str = 'xml:lang="en" default-currency="EUR"', status: str = "2") -> str:
    ref, kind, name = reporting
    updated = f' last-updated-datetime="{last_updated}"' if last_updated else ""
    identifier_element = f"<iati-identifier>{identifier}</iati-identifier>" if identifier is not None else ""
    status_element = f'<activity-status code="{status}"/>' if status else ""
    return f"""
 <iati-activity {attributes}{updated}>
  {identifier_element}
  <reporting-org ref="{ref}" type="{kind}"><narrative>{name}</narrative></reporting-org>
  <title><narrative>{title}</narrative></title>
  {status_element}
  {parts}
 </iati-activity>"""


def document_xml(*activities: str, version: str | None = "2.03", prolog: str = "") -> str:
    declared = f' version="{version}"' if version is not None else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
            f'<iati-activities{declared}>{"".join(activities)}\n</iati-activities>\n')


@pytest.fixture
def activity():
    return activity_xml


@pytest.fixture
def iati_file(tmp_path):
    """``iati_file(name, *activities, version=..., prolog=...)`` → the path of the written document;
    ``iati_file(name, text=...)`` writes the text as it is."""
    def write(name: str, *activities: str, text: str | bytes | None = None, **options) -> Path:
        path = tmp_path / name
        content = text if text is not None else document_xml(*activities, **options)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path
    return write
