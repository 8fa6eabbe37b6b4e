"""Fuzzing the IATI parser and mapper with mutated real files (../shared/data/iati-activities,
see its PROVENANCE.md): each mutated file is either read, activity by activity, or refused
with ``IatiFileRefused``; any other exception is a bug. Time-bounded: tests/support/fuzzing.py."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.iati.classifier import classify
from partnerhub.iati.mapping import ActivityRecord, classifier_inputs, map_activity
from partnerhub.iati.parser import IatiFileRefused, read_activities
from tests.iati.documents import SHARED_ACTIVITIES
from tests.support.fuzzing import fuzz_settings, keep_fuzzing, mutate, mutations_of

# Small real files of different shapes: a multi-publisher d-portal export, a publisher's own
# 2.01 file, the official example with every 2.03 element, and a pre-2.0 legacy file.
SEED_FILES = [
    SHARED_ACTIVITIES / "ocha-hdx-fixtures" / "foodsecurity_dportal.xml",
    SHARED_ACTIVITIES / "oipa" / "dfid_GB-GOV-1_sample_5e87f792.xml",
    SHARED_ACTIVITIES / "synthetic" / "activity-standard-example-annotated-2.03.xml",
    SHARED_ACTIVITIES / "legacy-v1" / "dfid_out.xml",
]
pytestmark = pytest.mark.skipif(
    not all(path.is_file() for path in SEED_FILES), reason="the real IATI files of ../shared/data are absent"
)


def read_all(path: Path) -> list[ActivityRecord]:
    """What the importer does with a file before the database: parse, map, classify."""
    records = []
    for activity in read_activities(path):
        record = map_activity(
            activity.element, line=activity.line, version=activity.version, warnings=activity.warnings
        )
        classify(*classifier_inputs(activity.element))
        records.append(record)
    return records


def test_the_seed_files_are_read_unmutated():
    assert [len(read_all(path)) for path in SEED_FILES[:3]] == [7, 8, 1]


@fuzz_settings
@given(data=st.data())
def read_or_refused(data):
    seed = data.draw(st.sampled_from(SEED_FILES), label="seed file")
    original = seed.read_bytes()
    mutated = mutate(original, data.draw(mutations_of(len(original)), label="mutations"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / seed.name
        path.write_bytes(mutated)
        try:
            records = read_all(path)
        except IatiFileRefused as refusal:
            assert refusal.reason and refusal.path == path
            return
    assert all(record.line >= 0 for record in records)


def test_a_mutated_real_file_is_read_or_refused_cleanly():
    assert keep_fuzzing(read_or_refused) >= 1
