"""Small IATI documents for the importer's tests, and the real files of the shared data.

``activity_xml(...)`` gives the XML of one activity (a Commission activity about
migration by default, with the parts a test names added), ``document_xml(...)``
wraps activities in a document.
"""

from pathlib import Path

SHARED_ACTIVITIES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "iati-activities"

COMMISSION = ("XI-IATI-EC_INTPA", "15", "European Commission - International Partnerships")


def activity_xml(
    identifier: str = "XI-IATI-EC_INTPA-2023/1",
    *,
    title: str = "Support to migration governance",
    parts: str = "",
    reporting=COMMISSION,
    last_updated: str = "2023-05-01T10:00:00Z",
    attributes: str = 'xml:lang="en" default-currency="EUR"',
    status: str = "2",
) -> str:
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
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
        f"<iati-activities{declared}>{''.join(activities)}\n</iati-activities>\n"
    )
