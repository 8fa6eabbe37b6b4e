"""Figures kept once for every server worker, and dropped for every worker at once.

Each worker here is a thread of its own: its own database connection and its own
client of the cache, as two gunicorn processes would have. The writes are really
committed (``transactional_db``), as they are between two requests.
"""

from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models.signals import post_delete

from partnerhub.access.models import Organisation, OrganisationKind
from partnerhub.analysis.figures.cache import kept_for_circle, models_deletes_are_watched_for, watched_models
from partnerhub.core.dataversion import current_version
from partnerhub.geo.models import Country
from partnerhub.search.models import SearchEntry, SearchEntryCountry
from tests.support.personas import make_user

CACHE_TABLE = settings.CACHES["default"]["LOCATION"]


class Worker:
    """One server process: every call runs in the same thread, so on the same connection and cache client."""

    def __init__(self):
        self.thread = ThreadPoolExecutor(max_workers=1)

    def run(self, function, *args):
        return self.thread.submit(function, *args).result()

    def stop(self):
        self.run(connections.close_all)
        self.thread.shutdown()


@pytest.fixture
def workers():
    first, second = Worker(), Worker()
    yield first, second
    first.stop()
    second.stop()


def test_two_workers_keep_one_figure_and_drop_it_together(reference_data_again_after, transactional_db, workers):
    first, second = workers
    reader = make_user("shared.reader")
    computed = []

    def figures(worker_name):
        computed.append(worker_name)
        return f"computed by {worker_name} at version {current_version()}"

    def profile(worker_name):
        return kept_for_circle(reader, ("shared profile",), lambda: figures(worker_name))

    kept = first.run(profile, "first")
    assert second.run(profile, "second") == kept
    assert computed == ["first"]

    second.run(lambda: Organisation.objects.create(name="New agency", kind=OrganisationKind.MS_AGENCY))

    renewed = first.run(profile, "first")
    assert renewed != kept
    assert second.run(profile, "second") == renewed
    assert computed == ["first", "first"]


def test_a_worker_in_the_middle_of_a_write_keeps_nothing_for_the_others(
    reference_data_again_after, transactional_db, workers
):
    first, _second = workers
    reader = make_user("shared.reader")
    computed = []

    def profile():
        return kept_for_circle(reader, ("shared profile",), lambda: computed.append("afresh") or len(computed))

    def write_then_read():
        with transaction.atomic():
            Organisation.objects.create(name="Uncommitted agency", kind=OrganisationKind.MS_AGENCY)
            return profile(), profile()

    assert profile() == 1
    version = current_version()
    # Inside its transaction the writer sees its own change: computed afresh each time, kept for nobody.
    assert first.run(write_then_read) == (2, 3)
    # Committed: the version moved for every worker, and the next read computes once for all.
    assert current_version() != version
    assert profile() == 4
    assert first.run(profile) == 4


@pytest.mark.slow
def test_setup_creates_the_shared_cache_where_it_is_missing(db):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(CACHE_TABLE)}")
    assert CACHE_TABLE not in connection.introspection.table_names()

    call_command("setup", stdout=StringIO())

    assert CACHE_TABLE in connection.introspection.table_names()
    cache.set("kept", "for every worker")
    assert cache.get("kept") == "for every worker"


def test_every_watched_table_has_its_deletes_watched():
    """Apps register their models in their own ``ready``, some after the analysis app connects its
    receivers: the deletes of every table watched once all are registered are received."""
    assert set(watched_models()) <= set(models_deletes_are_watched_for())
    for model in watched_models():
        assert post_delete.has_listeners(model), model


def test_tables_the_figures_do_not_read_are_deleted_without_loading_their_rows(db, django_assert_num_queries):
    """A receiver of every table's deletes made Django load each row before deleting it (the search
    index's rows of countries were read back before each rewrite of an entry)."""
    country = Country.objects.get(iso3="MAR")
    entries = SearchEntry.objects.bulk_create(
        [SearchEntry(kind="lesson", content_type_id=1, object_id=n, title=f"entry {n}", body="text") for n in range(3)]
    )
    SearchEntryCountry.objects.bulk_create([SearchEntryCountry(entry=entry, country=country) for entry in entries])
    with django_assert_num_queries(1):
        SearchEntryCountry.objects.filter(country=country).delete()
    assert not SearchEntryCountry.objects.exists()
