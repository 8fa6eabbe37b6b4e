"""Small IATI documents for the importer's tests, written to a temporary folder.

``activity(...)`` gives the XML of one activity (a Commission activity about
migration by default, with the parts a test names added), ``iati_file(...)``
wraps activities in a document and writes it.
"""

from pathlib import Path

import pytest

from tests.iati.documents import activity_xml, document_xml


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
