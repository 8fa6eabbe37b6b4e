from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from partnerhub.web.demo import build_demo


@pytest.fixture(scope="package", autouse=True)
def demo_without_the_shared_statistics():
    """The demo's pages are tested without loading ~90,000 real figures each time; the demo's key
    facts are tested on the real files in ``test_demo_facts``."""
    with override_settings(PARTNERHUB_SHARED_DATA=Path("/nonexistent/shared/data")):
        yield


@pytest.fixture(scope="class")
def demo_built_once(django_db_setup, django_db_blocker):
    """One build of the demo for a whole class of read-only tests, rolled back when the class ends."""
    with django_db_blocker.unblock(), rolled_back_like_a_test_case():
        yield build_demo()
        transaction.set_rollback(True)


def rolled_back_like_a_test_case():
    """The class's transaction, marked as Django's TestCase marks its own, so that the services'
    durable transactions run inside it as they do inside a test."""
    atomic = transaction.atomic()
    atomic._from_testcase = True
    return atomic
