"""The few ISCO-08 groups a test needs, with the ILO's titles.

Unit and minor groups take their titles from the ILO structure as published with the Nesta "Mapping
Career Causeways" data (``data/occupations/isco08_*_with_risk.csv``); the ten major and the 43 sub-major
groups are written out here, as ISCO-08 names them.
"""

import csv
from functools import cache
from pathlib import Path

from django.conf import settings

from partnerhub.talent.models import Occupation, OccupationLevel

MAJOR_AND_SUB_MAJOR = {
    "0": "Armed forces occupations",
    "01": "Commissioned armed forces officers",
    "02": "Non-commissioned armed forces officers",
    "03": "Armed forces occupations, other ranks",
    "1": "Managers",
    "11": "Chief executives, senior officials and legislators",
    "12": "Administrative and commercial managers",
    "13": "Production and specialised services managers",
    "14": "Hospitality, retail and other services managers",
    "2": "Professionals",
    "21": "Science and engineering professionals",
    "22": "Health professionals",
    "23": "Teaching professionals",
    "24": "Business and administration professionals",
    "25": "Information and communications technology professionals",
    "26": "Legal, social and cultural professionals",
    "3": "Technicians and associate professionals",
    "31": "Science and engineering associate professionals",
    "32": "Health associate professionals",
    "33": "Business and administration associate professionals",
    "34": "Legal, social, cultural and related associate professionals",
    "35": "Information and communications technicians",
    "4": "Clerical support workers",
    "41": "General and keyboard clerks",
    "42": "Customer services clerks",
    "43": "Numerical and material recording clerks",
    "44": "Other clerical support workers",
    "5": "Service and sales workers",
    "51": "Personal service workers",
    "52": "Sales workers",
    "53": "Personal care workers",
    "54": "Protective services workers",
    "6": "Skilled agricultural, forestry and fishery workers",
    "61": "Market-oriented skilled agricultural workers",
    "62": "Market-oriented skilled forestry, fishery and hunting workers",
    "63": "Subsistence farmers, fishers, hunters and gatherers",
    "7": "Craft and related trades workers",
    "71": "Building and related trades workers, excluding electricians",
    "72": "Metal, machinery and related trades workers",
    "73": "Handicraft and printing workers",
    "74": "Electrical and electronic trades workers",
    "75": "Food processing, wood working, garment and other craft and related trades workers",
    "8": "Plant and machine operators, and assemblers",
    "81": "Stationary plant and machine operators",
    "82": "Assemblers",
    "83": "Drivers and mobile plant operators",
    "9": "Elementary occupations",
    "91": "Cleaners and helpers",
    "92": "Agricultural, forestry and fishery labourers",
    "93": "Labourers in mining, construction, manufacturing and transport",
    "94": "Food preparation assistants",
    "95": "Street and related sales and service workers",
    "96": "Refuse workers and other elementary workers",
}
OCCUPATIONS = Path(settings.PARTNERHUB_SHARED_DATA) / "occupations"


@cache
def _published_titles() -> dict[str, str]:
    titles = dict(MAJOR_AND_SUB_MAJOR)
    for name, column in (
        ("isco08_minor_groups_3digit_with_risk.csv", "isco_minor_group"),
        ("isco08_unit_groups_4digit_with_risk.csv", "isco_unit_group"),
    ):
        with (OCCUPATIONS / name).open(encoding="utf-8", newline="") as rows:
            titles |= {row["isco_code"]: row[column] for row in csv.DictReader(rows)}
    return titles


def isco_groups(*codes: str) -> list[Occupation]:
    """The unit groups ``codes`` (2221 …), each created with its minor, sub-major and major group."""
    return [_group(code) for code in codes]


def _group(code: str) -> Occupation:
    parent = _group(code[:-1]) if len(code) > 1 else None
    occupation, _created = Occupation.objects.get_or_create(
        code=code, defaults={"level": OccupationLevel(len(code)), "title": _published_titles()[code], "parent": parent}
    )
    return occupation
