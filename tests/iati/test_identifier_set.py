"""The compact set of identifier hashes that finds duplicate activities in large files."""

from hypothesis import given
from hypothesis import strategies as st

from partnerhub.iati.services import _HashSet

hashes = st.integers(min_value=-(2**63), max_value=2**63 - 1)


class _SmallHashSet(_HashSet):
    RECENT_LIMIT = 3  # merge often, so that the sorted array is exercised


@given(st.lists(hashes | st.sampled_from([0, 1, -1, 2**63 - 1]), max_size=60))
def test_it_answers_like_a_python_set(values):
    compact, reference = _SmallHashSet(), set()
    for value in values:
        assert compact.add_if_new(value) == (value not in reference)
        reference.add(value)
        assert value in compact
    assert all((value in compact) for value in reference)
    assert list(compact.merged) == sorted(compact.merged)
    assert len(compact.merged) + len(compact.recent) == len(reference)
