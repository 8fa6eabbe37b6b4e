"""The demo's Talent Partnerships content: Member States' labour needs, partner countries' supply, three
partnerships with their schemes and pipeline figures.

What is real: the occupations and the fact that they are in shortage across the EU, the partner countries
(the Commission's Talent Partnership partners Morocco, Tunisia, Egypt, Pakistan and Bangladesh, and Nigeria),
and which of them are on the WHO health workforce support and safeguards list 2023 (Bangladesh, Nigeria and
Pakistan). What is invented: every figure, every sharing choice, and the partnerships themselves — each title
starts with ``[Demo] ``, each source says "Demo figures invented for Partnership Hub" and each note says it is
demo content, so that nobody takes a figure for real.

The needs name only occupations of the EU labour-shortage lists of the EURES reports on labour shortages and
surpluses, as compiled in ../shared/data/reference/talent_partnership_occupations.csv (EURES Report on labour
shortages and surpluses 2022, published by ELA on 29 March 2023: the top professions in demand; EURES Report
2023: the occupations most affected and those in widespread and severe shortage), with the ISCO-08 unit group
that file gives. The file is read here once, by hand, never at run time.

Years count from the year the demo is loaded and quarters from the day it is loaded; organisations are keys
of ``content.ORGANISATIONS``, authors demo usernames of ``content.USERS``.
"""

from dataclasses import dataclass

from partnerhub.core.sharing import SharingLevel as L
from partnerhub.talent.models import PartnershipStatus, SchemeKind

DEMO_SOURCE = "Demo figures invented for Partnership Hub"
FIGURES_NOTE = "Demo content invented for Partnership Hub: every figure is invented; the occupation is real."
PARTNERSHIP_NOTE = "Demo content invented for Partnership Hub: no such partnership was agreed with any country."

# The reports of talent_partnership_occupations.csv, as its header names them.
EURES_2022 = "EURES Report on labour shortages and surpluses 2022"
EURES_2023 = "EURES Report on labour shortages and surpluses 2023"

# ISCO-08 unit groups in shortage across the EU, with the reports listing them
# (talent_partnership_occupations.csv: report, group and the unit group it maps the title to).
SHORTAGE_OCCUPATIONS = {
    "2221": (EURES_2022, EURES_2023),  # Nursing professionals: top 5 in 2022; most critical in 2023
    "7411": (EURES_2022, EURES_2023),  # Building and related electricians: top 7 in 2022; "Electricians" most critical
    "7212": (EURES_2022, EURES_2023),  # Welders and flame cutters: top 8 in 2022; most affected in 2023
    "8332": (EURES_2022, EURES_2023),  # Heavy truck and lorry drivers: top 3 in 2022; most critical in 2023
    "2512": (EURES_2022,),  # Software developers: top 12 in 2022
    "7126": (EURES_2022, EURES_2023),  # Plumbers and pipe fitters: top 6 in 2022; most affected in 2023
    "5120": (EURES_2022,),  # Cooks: top 13 in 2022
    "5131": (EURES_2023,),  # Waiters: most affected and most critical in 2023
    "9313": (EURES_2022, EURES_2023),  # Building construction labourers: top 14 in 2022; most critical in 2023
    "7127": (EURES_2023,),  # Air conditioning and refrigeration mechanics: most affected in 2023
    "2514": (EURES_2022,),  # Applications programmers: rank 16 in 2022 (title mapped by the compiler)
}


def shortage_source(code: str) -> str:
    """The source of a need: demo figures, in an occupation the latest EURES report lists in shortage."""
    return f"{DEMO_SOURCE}; occupation in shortage in the {SHORTAGE_OCCUPATIONS[code][-1]}"


@dataclass(frozen=True)
class DemoNeed:
    owner: str
    author: str
    member_state: str
    occupation: str
    people_per_year: int
    eqf_level: int
    languages: str
    language_level: str
    sharing_level: str
    shared_with: tuple[str, ...] = ()
    sector: str = ""
    region: str = ""
    years: tuple[int, int] = (0, 2)  # first and last year, from the year of loading


NEEDS = (
    DemoNeed("de_bmi", "de.interior", "DEU", "7411", 1800, 4, "de", "B1", L.PUBLIC, sector="Construction"),
    DemoNeed("de_bmi", "de.interior", "DEU", "7212", 900, 4, "de", "A2", L.EU, sector="Metal industry"),
    DemoNeed("de_bmi", "de.interior", "DEU", "2221", 3500, 6, "de", "B2", L.PUBLIC, sector="Health care"),
    DemoNeed("de_bmi", "de.interior", "DEU", "8332", 1200, 3, "de", "A2", L.RESTRICTED, shared_with=("nl_mfa",)),
    DemoNeed("nl_mfa", "nl.mfa", "NLD", "8332", 700, 3, "nl en", "A2", L.EU, sector="Transport and logistics"),
    DemoNeed("nl_mfa", "nl.mfa", "NLD", "2512", 900, 6, "en", "B2", L.PUBLIC, region="Noord-Brabant"),
    DemoNeed("nl_mfa", "nl.mfa", "NLD", "7127", 250, 4, "nl en", "B1", L.RESTRICTED, shared_with=("home",)),
    DemoNeed("it_maeci", "it.mfa", "ITA", "2221", 2600, 6, "it", "B1", L.PUBLIC, sector="Health care"),
    DemoNeed("it_maeci", "it.mfa", "ITA", "5120", 1100, 3, "it", "A2", L.EU, sector="Tourism and hospitality"),
    DemoNeed("es_interior", "es.interior", "ESP", "5131", 1500, 3, "es", "A2", L.EU, sector="Tourism and hospitality"),
    DemoNeed("es_interior", "es.interior", "ESP", "9313", 2000, 2, "es", "A2", L.ORIGINATOR, sector="Construction"),
    DemoNeed("fr_meae", "fr.mfa", "FRA", "7126", 800, 4, "fr", "B1", L.EU, sector="Construction"),
    DemoNeed("fr_meae", "fr.mfa", "FRA", "2512", 600, 6, "fr en", "B1", L.ORIGINATOR),
)


@dataclass(frozen=True)
class DemoSupply:
    """``graduates``, ``available`` and ``capacity`` are people per year; ``None`` where the partner does
    not count them."""

    owner: str
    author: str
    country: str
    occupation: str
    graduates: int | None
    available: int | None
    capacity: int | None
    eqf_level: int
    languages: str
    sharing_level: str
    reports_shortage: bool = False
    years: tuple[int, int] = (0, 2)


# The partner-country authorities of the demo (Morocco, Tunisia) report their own supply, some of it at the
# partner level; the Commission reports the supply of the partners that have no demo organisation.
SUPPLY = (
    DemoSupply("ma_interior", "ma.interior", "MAR", "7411", 5200, 900, 6000, 4, "ar fr", L.PARTNER),
    DemoSupply("ma_interior", "ma.interior", "MAR", "7212", 3100, 650, 3500, 3, "ar fr", L.PARTNER),
    DemoSupply("ma_interior", "ma.interior", "MAR", "8332", None, 1400, 800, 3, "ar fr", L.PUBLIC),
    DemoSupply("tn_social", "tn.social", "TUN", "2512", 7000, 1500, 8000, 6, "ar fr en", L.PARTNER),
    DemoSupply("tn_social", "tn.social", "TUN", "2514", 2500, 500, 3000, 6, "ar fr en", L.PUBLIC),
    # Tunisia trains nurses but reports a shortage of them itself: the matching lowers or blocks the pair.
    DemoSupply("tn_social", "tn.social", "TUN", "2221", 2800, 300, 3200, 6, "ar fr", L.PARTNER, reports_shortage=True),
    DemoSupply("intpa", "commission.desk", "EGY", "8332", None, 2500, 1500, 3, "ar en", L.EU),
    DemoSupply("intpa", "commission.desk", "EGY", "7127", 1800, 600, 2000, 4, "ar en", L.EU),
    DemoSupply("intpa", "commission.desk", "EGY", "2512", 12000, 3000, 15000, 6, "ar en", L.PUBLIC),
    DemoSupply("intpa", "commission.desk", "PAK", "7212", 6000, 2000, 7000, 3, "ur en", L.EU),
    DemoSupply("intpa", "commission.desk", "PAK", "2512", 25000, 5000, 30000, 6, "en", L.PUBLIC),
    # Bangladesh and Nigeria are on the WHO health workforce support and safeguards list 2023: a nurse
    # supply from them shows the safeguard block in the matching.
    DemoSupply("intpa", "commission.desk", "BGD", "2221", 9000, 1200, 10000, 6, "bn en", L.EU),
    DemoSupply("intpa", "commission.desk", "BGD", "7212", 4000, 1500, 4500, 3, "bn en", L.EU),
    DemoSupply("home", "home.desk", "NGA", "2221", 11000, 2000, 12000, 6, "en", L.PUBLIC),
    DemoSupply("home", "home.desk", "NGA", "2512", 15000, 4000, 18000, 6, "en", L.PUBLIC),
)


@dataclass(frozen=True)
class DemoStages:
    """The people who passed each stage of a scheme in one quarter."""

    enrolled: int = 0
    trained: int = 0
    certified: int = 0
    recruited: int = 0
    moved: int = 0
    returned: int = 0


@dataclass(frozen=True)
class DemoScheme:
    """``pipeline`` lists the scheme's figures for its last quarters, oldest first, the last one being
    the quarter before the one the demo is loaded in; ``start`` and ``end`` count days from loading."""

    kind: str
    title: str
    description: str
    occupations: tuple[str, ...]
    start: int
    end: int
    pipeline: tuple[DemoStages, ...] = ()


@dataclass(frozen=True)
class DemoPartnership:
    owner: str
    author: str
    country: str
    member_states: tuple[str, ...]
    title: str
    description: str
    status: str
    occupations: tuple[str, ...]
    sharing_level: str
    schemes: tuple[DemoScheme, ...]
    started: int | None = None  # days from loading
    shared_with: tuple[str, ...] = ()
    engagements: int = 2  # how many visible demo engagements on legal pathways in the country to link


GERMANY_MOROCCO = DemoPartnership(
    "de_bmi",
    "de.interior",
    "MAR",
    ("DEU",),
    "Germany–Morocco skills partnership for electricians and welders",
    "Moroccan vocational schools train electricians and welders to the German standard; German employers "
    "recruit the certified graduates, and those who come home bring their skills back to Moroccan firms.",
    PartnershipStatus.ACTIVE,
    ("7411", "7212"),
    L.PARTNER,
    started=-560,
    schemes=(
        DemoScheme(
            SchemeKind.TRAINING,
            "Training of electricians and welders in Moroccan vocational schools",
            "Eighteen-month courses with German language classes, certified by the chambers of crafts.",
            ("7411", "7212"),
            start=-560,
            end=900,
            # A growing intake; about three in four finish, most of them are certified, and employers
            # recruit and bring over a share of them.
            pipeline=(
                DemoStages(enrolled=120, trained=0, certified=0),
                DemoStages(enrolled=140, trained=85, certified=70, recruited=25),
                DemoStages(enrolled=160, trained=100, certified=88, recruited=52, moved=18),
                DemoStages(enrolled=175, trained=112, certified=96, recruited=60, moved=41),
                DemoStages(enrolled=190, trained=125, certified=104, recruited=71, moved=55),
                DemoStages(enrolled=210, trained=138, certified=117, recruited=80, moved=63),
            ),
        ),
        DemoScheme(
            SchemeKind.MOBILITY,
            "Recruitment and mobility to German employers",
            "Matching with German employers, recognition of the qualification, visa and first months of work.",
            ("7411", "7212"),
            start=-380,
            end=900,
        ),
        DemoScheme(
            SchemeKind.RETURN,
            "Return and reintegration of skills in Moroccan firms",
            "Those who come home are placed with Moroccan firms or start their own, with a small grant.",
            ("7411", "7212"),
            start=-200,
            end=900,
            pipeline=(
                DemoStages(returned=2),
                DemoStages(returned=3),
                DemoStages(returned=5),
            ),
        ),
    ),
)

BELGIUM_TUNISIA = DemoPartnership(
    "home",
    "home.desk",
    "TUN",
    ("BEL",),
    "Belgium–Tunisia ICT talent partnership",
    "Under negotiation: Tunisian ICT graduates trained in cloud and software skills for employers in Belgium.",
    PartnershipStatus.NEGOTIATING,
    ("2512", "2514"),
    L.PARTNER,
    schemes=(
        DemoScheme(
            SchemeKind.TRAINING,
            "Pilot course for ICT graduates in Tunis",
            "A six-month pilot course in cloud development before the partnership is agreed.",
            ("2512", "2514"),
            start=-180,
            end=360,
            pipeline=(
                DemoStages(enrolled=40),
                DemoStages(enrolled=45, trained=34, certified=29),
            ),
        ),
    ),
)

NETHERLANDS_EGYPT = DemoPartnership(
    "nl_mfa",
    "nl.mfa",
    "EGY",
    ("NLD",),
    "Netherlands–Egypt exploratory talks on drivers and climate technicians",
    "Internal note of the ministry: first ideas for a partnership on heavy truck drivers and air conditioning "
    "technicians, shared with the Commission only.",
    PartnershipStatus.EXPLORING,
    ("8332", "7127"),
    L.RESTRICTED,
    shared_with=("intpa",),
    engagements=1,
    schemes=(
        DemoScheme(
            SchemeKind.TRAINING,
            "Possible training of drivers to EU licence standards in Egypt",
            "An idea to discuss with the Egyptian authorities; nothing is agreed.",
            ("8332",),
            start=180,
            end=900,
        ),
    ),
)

PARTNERSHIPS = (GERMANY_MOROCCO, BELGIUM_TUNISIA, NETHERLANDS_EGYPT)
