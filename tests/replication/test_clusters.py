"""Where the replica test cannot run, its skip says why in words an operator can act on."""

from tests.replication import clusters


def test_without_the_server_tools_the_reason_names_them(monkeypatch):
    monkeypatch.setattr(clusters, "server_bin_dir", lambda: None)
    reason = clusters.why_clusters_cannot_run()
    assert reason is not None
    assert "initdb, pg_ctl, pg_basebackup, postgres" in reason
    assert "/usr/lib/postgresql/*/bin" in reason


def test_as_root_without_a_postgres_user_the_reason_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(clusters, "server_bin_dir", lambda: tmp_path)
    monkeypatch.setattr(clusters.os, "geteuid", lambda: 0)
    monkeypatch.setattr(clusters, "_system_user_exists", lambda name: False)
    assert "refuses" in str(clusters.why_clusters_cannot_run())


def test_with_the_tools_and_a_user_to_run_them_nothing_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(clusters, "server_bin_dir", lambda: tmp_path)
    monkeypatch.setattr(clusters.os, "geteuid", lambda: 1000)
    assert clusters.why_clusters_cannot_run() is None
