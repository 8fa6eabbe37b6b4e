import pytest

from partnerhub.search.indexer import connect_receivers


@pytest.fixture(autouse=True, scope="session")
def _index_every_registered_model():
    # The tests' toy app registers after the search app is ready: connect its receivers too.
    connect_receivers()
