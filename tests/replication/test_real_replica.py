"""Reads from a real PostgreSQL streaming replica; writes, and what must see them, on the primary.

The test starts a primary and a replica of it (``pg_basebackup -R``) in a temporary folder, on
free ports of 127.0.0.1 (tests/replication/clusters.py), and runs tests/replication/probe.py
against them in a process of its own. The probe pauses the replica's replay half-way, so that a
record written afterwards exists on the primary only: a page that lists it read the primary, a page
that does not read the replica. The checks below judge what the probe saw, each named for the rule it holds.

Runs in ``make test`` (so in .ci/run), whatever the suite's own database; skipped, saying why, only
where the PostgreSQL server tools are not installed.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.replication.clusters import PrimaryWithReplica, why_clusters_cannot_run
from tests.replication.probe import (
    MADE_BY_THE_POST,
    WRITTEN_BEFORE_PAUSE,
    WRITTEN_DIRECTLY_WHILE_PAUSED,
    token_names,
)

REPOSITORY = Path(__file__).resolve().parents[2]
WHY_NOT = why_clusters_cannot_run()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(WHY_NOT is not None, reason=f"no real replica can be started here: {WHY_NOT}"),
]


def walk_the_hub_on_a_primary_and_its_replica() -> dict:
    clusters = PrimaryWithReplica()
    try:
        clusters.start()
        finished = subprocess.run(
            [sys.executable, "-m", "tests.replication.probe"],
            cwd=REPOSITORY,
            env={
                **probe_environment(),
                "DATABASE_URL": clusters.primary.url(),
                "DATABASE_REPLICA_URLS": clusters.replica.url(),
                "LOG_LEVEL": "WARNING",
            },
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert finished.returncode == 0, finished.stdout + finished.stderr + clusters.log(clusters.replica)
        return json.loads(finished.stdout.strip().splitlines()[-1])
    finally:
        clusters.stop()


def probe_environment() -> dict[str, str]:
    """The test run's environment without what names its own database or switches off its safeguards."""
    left_out = {"DATABASE_URL", "DATABASE_REPLICA_URLS", "DATABASE_REPLICA_STICKY_SECONDS", "SQLITE_TEST_NAME",
                "DJANGO_ALLOW_ASYNC_UNSAFE"}  # fmt: skip
    return {name: value for name, value in os.environ.items() if name not in left_out}


def the_replica_is_a_read_only_copy_that_received_the_schema_by_replication(seen):
    assert seen["aliases"] == ["default", "replica_1"]
    assert seen["routers"] == ["partnerhub.core.replicas.PrimaryReplicaRouter"]
    assert seen["in_recovery"] == {"default": False, "replica_1": True}
    assert seen["tables_on_replica"] > 50  # migrated on the primary only, replayed on the replica
    assert seen["caught_up_before_pause"] is True
    assert seen["replay_paused"] == "paused"


def code_run_outside_a_request_reads_the_primary(seen):
    assert seen["outside_a_request_count"] == 1
    assert seen["outside_a_request_aliases"] == ["default"]


def a_page_reads_the_replica_and_so_misses_what_it_has_not_replayed(seen):
    page = seen["account_page"]
    assert page["status"] == 200
    assert page["shows"] == [WRITTEN_BEFORE_PAUSE]
    assert "replica_1" in page["read_aliases"]
    assert page["primary_reads_beyond_the_session"] == []  # the session is read on the primary
    assert page["sets_sticky_cookie"] is False


def a_post_writes_and_reads_on_the_primary_and_keeps_the_browser_there(seen):
    post = seen["token_form_post"]
    assert post["status"] == 302
    assert post["read_aliases"] == ["default"]
    assert post["write_aliases"] == ["default"]
    assert post["sets_sticky_cookie"] is True
    assert seen["sticky_cookie_max_age"] == 10


def the_page_after_the_post_shows_the_new_token_although_the_replica_has_not_got_it(seen):
    page = seen["page_after_the_post"]
    assert page["status"] == 200, "without read-your-writes the new token's page finds no token and redirects"
    assert page["shows"] == [MADE_BY_THE_POST]
    assert page["read_aliases"] == ["default"]


def once_the_sticky_cookie_is_gone_pages_read_the_replica_again(seen):
    page = seen["account_page_once_the_cookie_expired"]
    assert page["shows"] == [WRITTEN_BEFORE_PAUSE]
    assert page["primary_reads_beyond_the_session"] == []


def an_api_read_stays_on_the_replica_though_it_stamps_the_token_on_the_primary(seen):
    api = seen["api_list"]
    assert api["status"] == 200
    assert api["read_aliases"] == ["replica_1"]
    assert api["write_aliases"] == ["default"]  # the token's last use, bookkeeping
    assert api["sets_sticky_cookie"] is False


def a_request_that_writes_reads_its_own_write_from_the_primary(seen):
    request = seen["get_that_writes"]
    assert request["alias_before_the_write"] == "replica_1"
    assert request["before_the_write"] is False  # the paused replica
    assert request["in_a_transaction_before_the_write"] is True  # a transaction reads on the primary
    assert request["after_the_write"] is True
    assert request["alias_after_the_write"] == "default"
    assert request["sets_sticky_cookie"] is True


def once_replay_resumes_the_replica_shows_everything(seen):
    assert seen["caught_up_after_resume"] is True
    page = seen["account_page_after_resume"]
    assert page["shows"] == token_names()
    assert WRITTEN_DIRECTLY_WHILE_PAUSED in page["shows"]
    assert page["primary_reads_beyond_the_session"] == []


# One test, so that the suite's workers start the clusters once, not once each.
CHECKS = [
    the_replica_is_a_read_only_copy_that_received_the_schema_by_replication,
    code_run_outside_a_request_reads_the_primary,
    a_page_reads_the_replica_and_so_misses_what_it_has_not_replayed,
    a_post_writes_and_reads_on_the_primary_and_keeps_the_browser_there,
    the_page_after_the_post_shows_the_new_token_although_the_replica_has_not_got_it,
    once_the_sticky_cookie_is_gone_pages_read_the_replica_again,
    an_api_read_stays_on_the_replica_though_it_stamps_the_token_on_the_primary,
    a_request_that_writes_reads_its_own_write_from_the_primary,
    once_replay_resumes_the_replica_shows_everything,
]


def test_reads_go_to_the_replica_and_writes_with_the_reads_that_follow_them_to_the_primary():
    seen = walk_the_hub_on_a_primary_and_its_replica()
    for check in CHECKS:
        check(seen)
