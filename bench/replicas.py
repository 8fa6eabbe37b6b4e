"""How far behind the primary a streaming replica is: after a small commit and after a bulk write.

What it does: starts a PostgreSQL primary and a streaming replica of it on this machine
(tests/replication/clusters.py: initdb, pg_basebackup -R, free ports of 127.0.0.1), with the
server's default durability (fsync on, synchronous_commit on), then:

* small commits — ``--commits`` single-row transactions (a row of about the size of an engagement's
  main table row); for each, the time the primary takes to commit (the floor) and the time from the
  commit's return until the row is visible on the replica (polled every 0.2 ms);
* bulk write — one transaction inserting ``--rows`` rows, as an import does; the time the primary
  takes to commit (the floor), the WAL it wrote, and the time from the commit's return until the
  replica has replayed it all.

Prints a JSON line. Every figure is wall-clock on this machine: primary and replica share its cores
and its disk, so a replica on its own machine replays at least as fast.

    .venv/bin/python bench/replicas.py                      # --commits 500 --rows 1000000
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/replication/clusters.py

from tests.replication.clusters import PrimaryWithReplica, why_clusters_cannot_run  # noqa: E402

TABLE = "CREATE TABLE engagement_like (id bigserial PRIMARY KEY, title text, amount numeric, at timestamptz)"
ROW = ("Support to the reintegration of returning migrants in the Souss-Massa region", 1250000)
POLL_SECONDS = 0.0002


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--rows", type=int, default=1_000_000)
    arguments = parser.parse_args()
    why_not = why_clusters_cannot_run()
    if why_not:
        sys.exit(f"cannot start a primary and a replica here: {why_not}")
    clusters = PrimaryWithReplica(server_options="")
    try:
        clusters.start()
        with (
            psycopg.connect(clusters.primary.url(), autocommit=True) as primary,
            psycopg.connect(clusters.replica.url(), autocommit=True) as replica,
        ):
            primary.execute(TABLE)
            wait_for_replay(primary, replica)
            figures = {"commits": arguments.commits, **small_commits(primary, replica, arguments.commits)}
            figures |= {"bulk_rows": arguments.rows, **bulk_write(primary, replica, arguments.rows)}
    finally:
        clusters.stop()
    print(json.dumps(figures))


def small_commits(primary: psycopg.Connection, replica: psycopg.Connection, commits: int) -> dict[str, float]:
    commit_ms, visible_after_ms = [], []
    for _ in range(commits):
        started = time.perf_counter()
        row_id = primary.execute(
            "INSERT INTO engagement_like (title, amount, at) VALUES (%s, %s, now()) RETURNING id", ROW
        ).fetchone()[0]
        committed = time.perf_counter()
        while replica.execute("SELECT 1 FROM engagement_like WHERE id = %s", (row_id,)).fetchone() is None:
            time.sleep(POLL_SECONDS)
        commit_ms.append((committed - started) * 1000)
        visible_after_ms.append((time.perf_counter() - committed) * 1000)
    return {
        "commit_median_ms": round(statistics.median(commit_ms), 2),
        "lag_median_ms": round(statistics.median(visible_after_ms), 2),
        "lag_p95_ms": round(percentile(visible_after_ms, 0.95), 2),
        "lag_max_ms": round(max(visible_after_ms), 2),
        "lag_median_over_commit": round(statistics.median(visible_after_ms) / statistics.median(commit_ms), 2),
    }


def bulk_write(primary: psycopg.Connection, replica: psycopg.Connection, rows: int) -> dict[str, float]:
    start_lsn = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    started = time.perf_counter()
    primary.execute(
        "INSERT INTO engagement_like (title, amount, at) SELECT %s || i, %s + i, now() FROM generate_series(1, %s) i",
        (*ROW, rows),
    )
    committed = time.perf_counter()
    end_lsn = wait_for_replay(primary, replica)
    replayed = time.perf_counter()
    wal_bytes = primary.execute("SELECT pg_wal_lsn_diff(%s, %s)", (end_lsn, start_lsn)).fetchone()[0]
    wal_mib = float(wal_bytes) / 2**20
    return {
        "bulk_commit_s": round(committed - started, 2),
        "bulk_wal_mib": round(wal_mib, 1),
        "bulk_lag_after_commit_s": round(replayed - committed, 2),
        "bulk_primary_wal_mib_per_s": round(wal_mib / (committed - started), 1),
    }


def wait_for_replay(primary: psycopg.Connection, replica: psycopg.Connection) -> str:
    """Returns once the replica has replayed all the primary has written; the position it reached."""
    end_lsn = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    while not replica.execute("SELECT pg_last_wal_replay_lsn() >= %s", (end_lsn,)).fetchone()[0]:
        time.sleep(POLL_SECONDS * 10)
    return end_lsn


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


if __name__ == "__main__":
    main()
