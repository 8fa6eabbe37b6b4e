"""What every parser promises the loader: the SOURCE names of the issue, and indicators described in full."""

from pathlib import Path

import yaml
from django.utils.text import slugify

from partnerhub.facts.sources import PARSERS, undesa, unhcr, worldbank
from partnerhub.facts.sources.base import IndicatorInfo

THEMES_FILE = Path(worldbank.__file__).resolve().parents[2] / "registry" / "fixtures" / "themes.yaml"
PUBLISHED = [
    *worldbank.WDI_INDICATORS.values(),
    worldbank.REMITTANCES_PAID_SHARE,
    *unhcr.POPULATION.values(),
    *unhcr.SOLUTIONS.values(),
    *unhcr.DECISIONS.values(),
    unhcr.ASYLUM_APPLICATIONS,
    undesa.MIGRANT_STOCK,
    undesa.MIGRANT_STOCK_TOTAL,
]


def theme_codes() -> set[str]:
    codes = set()
    for theme in yaml.safe_load(THEMES_FILE.read_text(encoding="utf-8")):
        codes.add(theme["code"])
        codes.update(child["code"] for child in theme.get("children", ()))
    return codes


def test_the_source_names_are_those_of_load_facts():
    assert set(PARSERS) == {
        "wdi",
        "knomad",
        "unhcr-population",
        "unhcr-asylum-applications",
        "unhcr-asylum-decisions",
        "unhcr-solutions",
        "undesa-stock",
        "tidy",
    }


def test_every_published_indicator_is_named_in_english_and_french_defined_and_themed():
    themes = theme_codes()
    for indicator in PUBLISHED:
        assert indicator.code == slugify(indicator.code) and len(indicator.code) <= 80, indicator.code
        assert indicator.name and indicator.name_fr and indicator.unit, indicator.code
        assert len(indicator.definition) > 80, indicator.code
        assert indicator.themes and set(indicator.themes) <= themes, indicator.code


def test_one_code_is_one_description_whichever_file_brings_it():
    by_code: dict[str, IndicatorInfo] = {}
    for indicator in PUBLISHED:
        assert by_code.setdefault(indicator.code, indicator) == indicator
    assert len(by_code) == 23  # remittances 4, UNHCR 17 (returns in two tables), UN DESA 2
