"""The sync benchmark runs, end to end, on a small simulated registry: its figures are not asserted
(they are recorded in docs/performance.md), what it measures is."""

import pytest
from lxml import etree

from tests.bench.scripts import load_bench as load_script
from tests.bench.scripts import run_small


def load_bench():
    return load_script("sync")


def test_a_new_edition_retitles_one_activity_in_ten_and_drops_the_first(tmp_path):
    bench = load_bench()
    first = bench.write_dataset(tmp_path / "a.xml", 7, range(100, 120))
    before = etree.parse(str(tmp_path / "a.xml")).getroot()
    second = bench.write_dataset(tmp_path / "b.xml", 7, range(100, 120), edition=1)
    after = etree.parse(str(tmp_path / "b.xml")).getroot()

    titles_before = {a.findtext("iati-identifier"): a.findtext("title/narrative") for a in before}
    titles_after = {a.findtext("iati-identifier"): a.findtext("title/narrative") for a in after}
    assert len(titles_before) == 20 and set(titles_before) - set(titles_after) == {"XM-BENCH-0007-0000100"}
    retitled = {i for i in titles_after if titles_after[i] != titles_before[i]}
    assert retitled == {"XM-BENCH-0007-0000110"}
    assert first["sha1"] != second["sha1"] and first["size"] == (tmp_path / "a.xml").stat().st_size


@pytest.mark.slow
def test_the_small_run_reads_only_the_changed_datasets_at_night(tmp_path):
    figures = run_small("sync", "--small", cwd=tmp_path)

    assert (figures["publishers"], figures["datasets"], figures["activities"]) == (20, 40, 2000)
    # The first run reads every file; one activity in ten is about migration and kept.
    assert figures["first_sync_failed"] == 0 and figures["first_sync_written"] == 200
    assert figures["first_sync_activities_per_s"] > 0 and figures["floor_activities_per_s"] > 0
    # 2 % of 40 datasets: one changed; only it is downloaded, the others answer 304.
    assert figures["nightly_changed_datasets"] == 1
    assert figures["nightly_downloaded_datasets"] == 1 and figures["nightly_unchanged_datasets"] == 39
    assert figures["nightly_bytes_fraction"] == figures["nightly_changed_bytes_fraction"] < 0.05
    # Its new edition drops one kept activity (withdrawn) and retitles the kept ones left (updated).
    assert figures["nightly_activities_read"] == 49
    assert figures["nightly_withdrawn"] == 1 and figures["nightly_written"] == 4
    assert figures["nightly_failed"] == 0
