"""The Talent Partnerships reference files and their readers: the ISCO-08 structure checked against the ILO's counts
and against the Nesta ISCO files of ../shared/data, the WHO safeguards list against the shared reference file, the
ESCO reader against the shared ESCO export (each shared file read independently here with the csv module), and each
reader's refusal of bad rows, naming file and line."""

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.talent.reference import (
    SafeguardList,
    list_in_force,
    read_esco_occupations,
    read_isco,
    read_safeguard_countries,
    read_safeguard_lists,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
OCCUPATIONS = SHARED / "occupations"
NESTA_UNIT_GROUPS = OCCUPATIONS / "isco08_unit_groups_4digit_with_risk.csv"
NESTA_MINOR_GROUPS = OCCUPATIONS / "isco08_minor_groups_3digit_with_risk.csv"
ESCO_OCCUPATIONS = OCCUPATIONS / "esco_occupations_level5_with_isco.csv"
SHARED_SAFEGUARDS = SHARED / "reference" / "health_workforce_safeguards.csv"
needs_the_shared_files = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/data (the Nesta, ESCO and WHO reference files) is absent on this machine"
)

# Where our title differs from the Nesta file's, and why the ILO's title is kept.
TITLE_DIFFERENCES = {
    # Nesta repeats the title of 3355; ILO unit group 3411 is the legal associate professionals.
    "3411": ("Police inspectors and detectives", "Legal and related associate professionals"),
    # The ILO spells it with a z, as in 13 "Production and specialized services managers".
    "334": ("Administrative and specialised secretaries", "Administrative and specialized secretaries"),
}


def _normalised(title: str) -> str:
    return " ".join(title.split()).casefold()


def _shared_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


@pytest.fixture(scope="module")
def isco() -> dict[str, str]:
    return {group.code: group.title for group in read_isco()}


# ISCO-08 ------------------------------------------------------------------------------------------------------------


def test_isco_has_the_ilo_counts_of_each_level() -> None:
    assert Counter(group.level for group in read_isco()) == {1: 10, 2: 43, 3: 130, 4: 436}


def test_every_unit_group_reaches_its_major_group_through_existing_parents() -> None:
    groups = {group.code: group for group in read_isco()}
    for group in (g for g in groups.values() if g.level == 4):
        chain = [group]
        while chain[-1].parent_code:
            chain.append(groups[chain[-1].parent_code])
        assert [g.level for g in chain] == [4, 3, 2, 1], group.code
        assert [g.code for g in chain] == [group.code[:n] for n in (4, 3, 2, 1)]


def test_major_groups_and_armed_forces_keep_the_ilo_codes(isco: dict[str, str]) -> None:
    assert [code for code in isco if len(code) == 1] == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]
    assert isco["0"] == "Armed forces occupations"
    assert isco["0110"] == "Commissioned armed forces officers"
    assert isco["03"] == isco["031"] == isco["0310"] == "Armed forces occupations, other ranks"


def test_the_health_groups_of_the_issue_are_there(isco: dict[str, str]) -> None:
    assert isco["221"] == "Medical doctors"
    assert isco["222"] == "Nursing and midwifery professionals"
    assert isco["2221"] == "Nursing professionals"
    assert isco["3221"] == "Nursing associate professionals"  # missing from the Nesta files
    assert isco["2240"] == "Paramedical practitioners"  # likewise
    assert isco["532"] == "Personal care workers in health services"


@needs_the_shared_files
@pytest.mark.parametrize(
    ("path", "title_column", "digits"),
    [(NESTA_UNIT_GROUPS, "isco_unit_group", 4), (NESTA_MINOR_GROUPS, "isco_minor_group", 3)],
    ids=["unit groups", "minor groups"],
)
def test_every_nesta_group_is_ours_with_the_same_title(
    isco: dict[str, str], path: Path, title_column: str, digits: int
) -> None:
    nesta = {row["isco_code"]: row[title_column] for row in _shared_rows(path)}
    assert len(nesta) == {4: 421, 3: 122}[digits]
    assert all(len(code) == digits for code in nesta)
    assert set(nesta) <= set(isco)
    differences = {
        code: (title, isco[code]) for code, title in nesta.items() if _normalised(title) != _normalised(isco[code])
    }
    assert differences == {code: d for code, d in TITLE_DIFFERENCES.items() if len(code) == digits}


@needs_the_shared_files
def test_the_groups_nesta_lacks_are_exactly_those_the_fixture_adds(isco: dict[str, str]) -> None:
    nesta = {row["isco_code"] for row in _shared_rows(NESTA_UNIT_GROUPS) + _shared_rows(NESTA_MINOR_GROUPS)}
    added = {code for code in isco if len(code) >= 3} - nesta
    assert added == {
        *("011", "0110", "021", "0210", "031", "0310", "224", "2240"),
        *("631", "6310", "632", "6320", "633", "6330", "634", "6340"),
        *("1113", "1431", "3221", "4414", "5161", "7549", "9624"),
    }


# WHO health workforce support and safeguards lists -------------------------------------------------------------------


@needs_the_shared_files
def test_the_2023_list_has_the_55_countries_of_the_shared_reference_file() -> None:
    shared = {row["iso3"] for row in _shared_rows(SHARED_SAFEGUARDS) if row["list"] == "WHO SSL 2023"}
    ours = {country.iso3 for country in read_safeguard_countries() if country.list_name == "WHO SSL 2023"}
    assert len(shared) == 55
    assert ours == shared


def test_the_2023_list_reproduces_who_regional_breakdown() -> None:
    countries = [c for c in read_safeguard_countries() if c.list_name == "WHO SSL 2023"]
    assert Counter(c.who_region for c in countries) == {"AFRO": 37, "WPRO": 8, "EMRO": 6, "SEARO": 3, "AMRO": 1}
    assert {c.iso3 for c in countries if c.confidence == "inferred"} == {"NPL"}


def test_the_2023_list_is_in_force_from_its_publication_and_still_is() -> None:
    (ssl_2023,) = read_safeguard_lists()
    assert ssl_2023.name == "WHO SSL 2023"
    assert ssl_2023.published == ssl_2023.in_force_from == date(2023, 3, 14)
    assert ssl_2023.in_force_until is None
    assert {"221", "222", "226", "321", "322", "532"} <= set(ssl_2023.covers_isco)
    assert list_in_force([ssl_2023], date(2023, 3, 13)) is None
    assert list_in_force([ssl_2023], date(2026, 12, 3)) == ssl_2023


def test_a_list_covers_the_unit_groups_under_its_groups() -> None:
    (ssl_2023,) = read_safeguard_lists()
    isco = {group.code: group for group in read_isco()}
    covered = {code for code, group in isco.items() if group.level == 4 and ssl_2023.covers(code)}
    assert {"2211", "2212", "2221", "2222", "3221", "3222", "2262", "3253", "5321"} <= covered
    assert not covered & {"2230", "2250", "3230", "3240", "2611", "7115"}


LISTS_2020_2023 = """# constructed: two lists side by side, as the issue asks the code to support
list,published,in_force_from,in_force_until,covers_isco,source_url,note
WHO SSL 2020,2020-06-01,2020-06-01,2023-03-13,221 222,https://example.org/ssl-2020,
WHO SSL 2023,2023-03-14,2023-03-14,,221 222 322,https://example.org/ssl-2023,current
"""


def test_several_lists_side_by_side_the_one_in_force_chosen_by_date(tmp_path: Path) -> None:
    lists_file = tmp_path / "lists.csv"
    lists_file.write_text(LISTS_2020_2023, encoding="utf-8")
    countries_file = tmp_path / "countries.csv"
    countries_file.write_text(
        "list,iso3,who_region,basis,confidence\n"
        "WHO SSL 2020,NGA,AFRO,constructed,confirmed\n"
        "WHO SSL 2023,NGA,AFRO,constructed,confirmed\n"
        "WHO SSL 2023,NPL,SEARO,constructed,inferred\n",
        encoding="utf-8",
    )
    lists = read_safeguard_lists(lists_file)
    names = {entry.name for entry in lists}
    countries = read_safeguard_countries(countries_file, list_names=names)
    assert [(c.list_name, c.iso3) for c in countries] == [
        ("WHO SSL 2020", "NGA"),
        ("WHO SSL 2023", "NGA"),
        ("WHO SSL 2023", "NPL"),
    ]
    assert list_in_force(lists, date(2020, 5, 31)) is None
    assert list_in_force(lists, date(2023, 3, 13)) == lists[0]
    assert list_in_force(lists, date(2023, 3, 14)) == lists[1]
    assert [entry.name for entry in lists] == ["WHO SSL 2020", "WHO SSL 2023"]


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_the_list_in_force_is_the_only_one_in_force_that_day(day: date) -> None:
    ssl_2020 = SafeguardList("2020", date(2020, 6, 1), date(2020, 6, 1), date(2023, 3, 13), ("221",), "https://x", "")
    ssl_2023 = SafeguardList("2023", date(2023, 3, 14), date(2023, 3, 14), None, ("221",), "https://x", "")
    in_force = [entry for entry in (ssl_2020, ssl_2023) if entry.in_force_on(day)]
    assert len(in_force) <= 1
    assert list_in_force([ssl_2020, ssl_2023], day) == (in_force[0] if in_force else None)
    assert (list_in_force([ssl_2020, ssl_2023], day) is None) == (day < ssl_2020.in_force_from)
    assert list_in_force([ssl_2023, ssl_2020], day) == list_in_force([ssl_2020, ssl_2023], day)


# ESCO -------------------------------------------------------------------------------------------------------------


@needs_the_shared_files
def test_the_esco_reader_yields_every_row_of_the_shared_file() -> None:
    with ESCO_OCCUPATIONS.open(encoding="utf-8", newline="") as handle:
        expected = [(row["concept_uri"], row["preferred_label"], row["isco_group"]) for row in csv.DictReader(handle)]
    unit_groups = {group.code for group in read_isco() if group.level == 4}
    occupations = list(read_esco_occupations(ESCO_OCCUPATIONS, isco_codes=unit_groups))
    assert len(occupations) == len(expected) == 1701
    assert [(o.concept_uri, o.preferred_label, o.isco_unit_group_code.lstrip("0")) for o in occupations] == [
        (uri, label, code.lstrip("0")) for uri, label, code in expected
    ]


@needs_the_shared_files
def test_a_nurse_and_a_soldier_get_their_unit_groups() -> None:
    by_label = {o.preferred_label: o for o in read_esco_occupations(ESCO_OCCUPATIONS)}
    nurse = by_label["nurse responsible for general care"]
    assert nurse.concept_uri == "http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50"
    assert nurse.isco_unit_group_code == "2221"
    with ESCO_OCCUPATIONS.open(encoding="utf-8", newline="") as handle:
        officers = [row["preferred_label"] for row in csv.DictReader(handle) if row["isco_group"] == "110"]
    assert officers  # the file stores the armed forces' 0110 as a number
    assert {by_label[label].isco_unit_group_code for label in officers} == {"0110"}


# Bad rows -------------------------------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_ISCO = "# comment\ncode,level,title\n2,1,Professionals\n22,2,Health professionals\n"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("222,5,Nursing\n", "isco.csv, line 5: column 'level' is '5', expected 1, 2, 3 or 4"),
        ("2221,4,Nursing professionals\n", "isco.csv, line 5: the parent 222 of 2221 is missing"),
        ("22,2,Health professionals again\n", "isco.csv, line 5: code 22 is already on line 4"),
        ("22a,3,Nursing\n", "isco.csv, line 5: column 'code' is '22a', expected digits only"),
        ("222,4,Nursing\n", "isco.csv, line 5: code 222 has 3 digit(s) but level 4 (unit group) has 4"),
        ("222,3,\n", "isco.csv, line 5: column 'title' is empty"),
        ("222,3,Nursing,extra\n", "isco.csv, line 5: 4 cells where the header has 3"),
    ],
)
def test_a_bad_isco_row_is_refused_naming_file_and_line(tmp_path: Path, extra: str, message: str) -> None:
    path = _write(tmp_path, "isco.csv", GOOD_ISCO + extra)
    with pytest.raises(ValueError) as raised:
        read_isco(path)
    assert str(raised.value) == message


def test_an_isco_file_without_a_title_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"^isco.csv, line 1: the header lacks the column\(s\) title$"):
        read_isco(_write(tmp_path, "isco.csv", "code,level\n2,1\n"))


LIST_HEADER = "list,published,in_force_from,in_force_until,covers_isco,source_url,note\n"


EARLIER_LIST = "L,2022-01-01,2022-01-01,,221,https://x,\n"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "L,2023-03-32,2023-03-14,,221,https://x,\n",
            "2: column 'published' is '2023-03-32', expected a date as YYYY-MM-DD",
        ),
        ("L,2023-03-14,2023-03-14,2023-01-01,221,https://x,\n", "2: column 'in_force_until' (2023-01-01) is before"),
        ("L,2023-03-14,,,221,https://x,\n", "2: column 'in_force_from' is empty"),
        ("L,2023-03-14,2023-03-14,,221 999,https://x,\n", "2: column 'covers_isco' names unknown ISCO-08 code(s) 999"),
        (
            "L,2023-03-14,2023-03-14,,221,www.who.int,\n",
            "2: column 'source_url' is 'www.who.int', expected a web address",
        ),
        (EARLIER_LIST + "M,2023-01-01,2023-01-01,,221,https://x,\n", "3: 'M' is in force on days when 'L' is too"),
        (EARLIER_LIST + "L,2021-01-01,2021-01-01,2021-12-31,221,https://x,\n", "3: the list 'L' appears twice"),
    ],
)
def test_a_bad_safeguard_list_row_is_refused_naming_file_and_line(tmp_path: Path, rows: str, message: str) -> None:
    path = _write(tmp_path, "lists.csv", LIST_HEADER + rows)
    with pytest.raises(ValueError) as raised:
        read_safeguard_lists(path, isco_codes={"221", "222"})
    assert str(raised.value).startswith(f"lists.csv, line {message}")


COUNTRY_HEADER = "list,iso3,who_region,basis,confidence\n"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("L,XKX,EURO,b,confirmed\n", "column 'iso3' is 'XKX', not an ISO 3166-1 alpha-3 country code"),
        ("L,ngA,AFRO,b,confirmed\n", "column 'iso3' is 'ngA', not an ISO 3166-1 alpha-3 country code"),
        ("WHO SSL 2021,NGA,AFRO,b,confirmed\n", "column 'list' is 'WHO SSL 2021', not one of the lists (L)"),
        (
            "L,NGA,AFR,b,confirmed\n",
            "column 'who_region' is 'AFR', expected one of AFRO, AMRO, EMRO, EURO, SEARO, WPRO",
        ),
        ("L,NGA,AFRO,b,probable\n", "column 'confidence' is 'probable', expected one of"),
        ("L,NGA,AFRO,,confirmed\n", "column 'basis' is empty"),
        ("L,GHA,AFRO,b,confirmed\n", "GHA is already on 'L' on line 3"),
    ],
)
def test_a_bad_safeguard_country_row_is_refused_naming_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    text = "# two good rows first\n" + COUNTRY_HEADER + "L,GHA,AFRO,b,confirmed\nL,SEN,AFRO,b,confirmed\n" + row
    path = _write(tmp_path, "countries.csv", text)
    with pytest.raises(ValueError) as raised:
        read_safeguard_countries(path, list_names={"L"})
    assert str(raised.value).startswith("countries.csv, line 5: ")
    assert message in str(raised.value)


ESCO_HEADER = "concept_uri,preferred_label,alt_labels,isco_group\n"
NURSE = 'http://data.europa.eu/esco/occupation/1,nurse,"registered nurse\nstaff nurse\n\ncharge nurse",2221\n'


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("https://example.org/1,cook,,5120\n", "column 'concept_uri' is 'https://example.org/1', expected an address"),
        ("http://data.europa.eu/esco/occupation/2,cook,,51200\n", "column 'isco_group' is '51200', expected a 4-digit"),
        ("http://data.europa.eu/esco/occupation/2,cook,,5120.0\n", "column 'isco_group' is '5120.0', expected"),
        (
            "http://data.europa.eu/esco/occupation/2,cook,,5129\n",
            "column 'isco_group' is '5129': no ISCO-08 unit group",
        ),
        ("http://data.europa.eu/esco/occupation/2,,,5120\n", "column 'preferred_label' is empty"),
    ],
)
def test_a_bad_esco_row_is_refused_naming_the_line_after_multiline_cells(
    tmp_path: Path, row: str, message: str
) -> None:
    path = _write(tmp_path, "esco.csv", ESCO_HEADER + NURSE + row)
    occupations = read_esco_occupations(path, isco_codes={"2221", "5120"})
    assert next(occupations).isco_unit_group_code == "2221"
    with pytest.raises(ValueError) as raised:
        next(occupations)
    assert str(raised.value).startswith("esco.csv, line 6: ")  # the nurse's labels take lines 2 to 5
    assert message in str(raised.value)


def test_an_esco_file_without_the_isco_column_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "esco.csv", "concept_uri,preferred_label\n")
    with pytest.raises(ValueError, match=r"^esco.csv, line 1: the header lacks the column\(s\) isco_group$"):
        list(read_esco_occupations(path))


def test_an_esco_file_keeps_blank_lines_inside_cells_and_skips_those_between_rows(tmp_path: Path) -> None:
    path = _write(tmp_path, "esco.csv", ESCO_HEADER + NURSE + "\n" + NURSE.replace("/1,", "/2,") + "\n")
    occupations = list(read_esco_occupations(path))
    assert [o.concept_uri[-2:] for o in occupations] == ["/1", "/2"]
    assert {o.isco_unit_group_code for o in occupations} == {"2221"}
