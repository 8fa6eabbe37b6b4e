"""The load benchmark runs, end to end, on a small portfolio with a few users for a few seconds: its
figures are not asserted (they are recorded in docs/performance.md), what it reports is."""

import pytest

from tests.bench.scripts import load_bench, run_small

STATISTICS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,\
Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,list,10,0,300,400.0,100,900,5000,2.5,0.0,300,350,400,450,800,900,900,900,900,900,900
GET,detail,30,1,100,100.0,50,200,4000,7.5,0.25,100,110,120,130,150,180,200,200,200,200,200
,Aggregated,40,1,120,175.0,50,900,4250,10.0,0.25,120,150,200,250,600,800,900,900,900,900,900
"""


def test_the_statistics_are_read_per_endpoint_with_their_share_of_the_server_time(tmp_path):
    (tmp_path / "run_stats.csv").write_text(STATISTICS)

    total, endpoints = load_bench("load").read_statistics(tmp_path / "run")

    assert (total["requests_per_s"], total["p95_ms"], total["errors"]) == (10.0, 800.0, 1)
    # list: 10 x 400 ms = 4 s of the 7 s served; detail: 30 x 100 ms = 3 s.
    assert [(e["name"], e["share"]) for e in endpoints] == [("list", 0.571), ("detail", 0.429)]


@pytest.mark.slow
def test_the_benchmark_reports_issue_16s_figures_for_a_few_users(tmp_path):
    figures = run_small(
        "load", "--engagements", "500", "--users", "4", "--seconds", "8", "--postgres", "", cwd=tmp_path
    )

    assert figures["requests_sqlite"] > 0
    assert figures["requests_per_s_sqlite"] > 0
    assert figures["p95_ms_sqlite"] > 0
    assert figures["errors_sqlite"] == 0  # the warm-up's requests included
    assert figures["warm_up_s_sqlite"] > 0
    assert figures["slowest_endpoint_sqlite"]


def test_the_warm_up_opens_every_page_the_users_will_ask_for_once():
    fixture = {"countries": ["AFG", "MAR"], "search_words": ["border", "return"]}
    person = {"session_cookie": "sessionid", "session": "s", "token": "t", "engagements": [7, 9]}

    paths = [path for path, _headers in load_bench("load").warm_up_paths(fixture, person)]

    assert sorted(paths) == sorted(
        [
            "/engagements/",
            "/engagements/?page=2",
            "/engagements/?page=40",
            "/engagements/?country=AFG",
            "/engagements/?country=MAR",
            "/countries/AFG/",
            "/countries/MAR/",
            "/api/engagements?country=AFG",
            "/api/engagements?country=MAR",
            "/search/?q=border",
            "/search/?q=return",
            "/api/engagements",
            "/engagements/7/",
            "/api/engagements/7",
        ]
    )
