"""A file given under the wrong SOURCE is refused, naming the file and what was expected; nothing is read."""

import pytest

from partnerhub.facts.sources import PARSERS
from partnerhub.facts.sources.base import FileRejected
from tests.facts.sources.stats_files import UNDESA, UNHCR, WORLDBANK, needs

FILES = {
    "wdi": WORLDBANK / "wdi_BX.TRF.PWKR.CD.DT.csv",
    "knomad": WORLDBANK / "knomad_remittance_inflows_usd_million.csv",
    "unhcr-population": UNHCR / "unhcr_population_2010plus.csv",
    "unhcr-asylum-applications": UNHCR / "unhcr_asylum_applications_2015plus.csv",
    "unhcr-asylum-decisions": UNHCR / "unhcr_asylum_decisions_2015plus.csv",
    "unhcr-solutions": UNHCR / "unhcr_solutions.csv",
    "undesa-stock": UNDESA / "undesa_ims2019_migrants_by_origin_and_destination_total.csv",
}
EXPECTED = {
    "wdi": "the World Bank WDI wide layout",
    "knomad": "the World Bank–KNOMAD layout",
    "unhcr-population": "the UNHCR population figures layout",
    "unhcr-asylum-applications": "the UNHCR asylum applications layout",
    "unhcr-asylum-decisions": "the UNHCR asylum decisions layout",
    "unhcr-solutions": "the UNHCR durable solutions layout",
    "undesa-stock": "the UN DESA migrant stock matrix",
    "tidy": "a tidy CSV with the columns indicator, country, period, value, unit, source",
}
MISMATCHES = [(source, name) for source in PARSERS for name in FILES if name != source]


@needs(*FILES.values())
@pytest.mark.parametrize(("source", "file_of"), MISMATCHES)
def test_a_file_of_another_source_is_rejected(tmp_path, source, file_of):
    real = FILES[file_of]
    head = real.read_text(encoding="utf-8-sig").splitlines(keepends=True)[:40]
    path = tmp_path / real.name
    path.write_text("".join(head), encoding="utf-8")

    with pytest.raises(FileRejected) as rejected:
        PARSERS[source](path)

    message = str(rejected.value)
    assert message.startswith(real.name)
    assert EXPECTED[source] in message


@pytest.mark.parametrize("source", sorted(PARSERS))
def test_an_empty_file_is_rejected(tmp_path, source):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(FileRejected, match=r"^empty\.csv: "):
        PARSERS[source](path)


@pytest.mark.parametrize("source", sorted(PARSERS))
def test_a_missing_file_is_rejected_naming_it(tmp_path, source):
    with pytest.raises(FileRejected, match=r"^absent\.csv: cannot be read"):
        PARSERS[source](tmp_path / "absent.csv")


@needs(FILES["unhcr-solutions"])
def test_a_broken_unhcr_country_table_beside_the_file_is_named(tmp_path):
    head = FILES["unhcr-solutions"].read_text(encoding="utf-8").splitlines(keepends=True)[:20]
    (tmp_path / "unhcr_solutions.csv").write_text("".join(head), encoding="utf-8")
    (tmp_path / "unhcr_countries.csv").write_text("iso,code\nAFG,AFG\n", encoding="utf-8")

    with pytest.raises(FileRejected, match=r"^unhcr_countries\.csv: column 'iso_code', 'unhcr_code' missing"):
        PARSERS["unhcr-solutions"](tmp_path / "unhcr_solutions.csv")
