"""The search benchmark runs, end to end, on a small portfolio: its figures are not asserted (they
are recorded in docs/performance.md), what it measures is."""

import pytest
from lxml import etree

from tests.bench.scripts import ROOT, run_small
from tests.bench.scripts import load_bench as load_script


def load_bench():
    return load_script("search")


def test_an_activity_gives_its_english_and_its_french_texts():
    activity = etree.fromstring(
        """<iati-activity xml:lang="fr">
             <title><narrative>Appui aux migrants</narrative><narrative xml:lang="en">Support to migrants</narrative>
               <narrative xml:lang="es">Apoyo a los migrantes</narrative></title>
             <description><narrative>Une action pour les migrants de retour.</narrative></description>
           </iati-activity>"""
    )

    assert load_bench().narratives(activity) == [
        ("Support to migrants", "", "en"),
        ("Appui aux migrants", "Une action pour les migrants de retour.", "fr"),
    ]


def test_an_activity_without_english_or_french_gives_nothing():
    activity = etree.fromstring(
        '<iati-activity xml:lang="de"><title><narrative>Hilfe für Migranten</narrative></title></iati-activity>'
    )

    assert load_bench().narratives(activity) == []


@pytest.mark.slow
def test_the_small_run_measures_the_search_against_its_floor(tmp_path):
    figures = run_small("search", "--small", "--postgres", "", cwd=tmp_path)

    assert (figures["engagements"], figures["lessons"], figures["queries"]) == (5000, 500, 50)
    shared = ROOT.parent / "shared" / "data" / "iati-activities"
    assert figures["text_source"].startswith("real IATI" if shared.exists() else "generated")
    # The index holds every record, whoever may read it.
    assert figures["index_entries_sqlite"]["engagement"] == 5000
    assert figures["index_entries_sqlite"]["lesson"] == 500
    # A fifth of the records are hidden from the ministry user: the bare match finds them, the search
    # never finds more than the bare match, and finds fewer for most queries.
    assert figures["queries_finding_more_than_floor_sqlite"] == 0
    assert figures["queries_narrowed_by_visibility_sqlite"] >= 30
    assert 0 < figures["search_median_ms_sqlite"] <= figures["search_p95_ms_sqlite"]
    assert 0 < figures["search_floor_median_ms_sqlite"] <= figures["search_floor_p95_ms_sqlite"]
    ratio = figures["search_p95_ms_sqlite"] / figures["search_floor_p95_ms_sqlite"]
    assert figures["search_over_floor_sqlite"] == pytest.approx(ratio, rel=0.02)
    assert figures["index_rows_per_s_sqlite"] > 0
    assert "search_p95_ms_postgres" not in figures
