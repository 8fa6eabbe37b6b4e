from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from partnerhub.web.demo import build_demo
from tests.web.conftest import rolled_back_like_a_test_case


@pytest.fixture(scope="class")
def demo_built_once(django_db_setup, django_db_blocker):
    """One build of the demo for a class of read-only tests, without the ~90,000 real figures of the
    shared statistics (as in tests/web), rolled back when the class ends."""
    no_statistics = override_settings(PARTNERHUB_SHARED_DATA=Path("/nonexistent/shared/data"))
    with no_statistics, django_db_blocker.unblock(), rolled_back_like_a_test_case():
        yield build_demo()
        transaction.set_rollback(True)
