"""The demo portfolio's content: organisations, log-ins, hand-written engagements
and the templates the generated ones are drawn from. All engagements are invented."""

from dataclasses import dataclass
from datetime import date, timedelta

from partnerhub.access.models import OrganisationKind, PolicyArea, Role
from partnerhub.core.sharing import SharingLevel
from partnerhub.registry.models import (
    EngagementKind,
    EngagementStatus,
    LinkKind,
)
from partnerhub.registry.models import ParticipationRole as P

# Printed by `partnerhub load-demo` on purpose: these accounts exist only in demo databases.
DEMO_PASSWORD = "demo-partnerhub-2026"  # noqa: S105
DEMO_EMAIL_DOMAIN = "demo.partnerhub.invalid"
ADMIN_USERNAME = "admin"
TITLE_PREFIX = "[Demo] "
REFERENCE_PREFIX = "DEMO-"
DEMO_NOTE = "Demo content invented for Partnership Hub: it describes no real engagement."
SEED = 2026
GENERATED_COUNT = 30
# Statuses are derived from dates as seen on this day, so that every run agrees.
REFERENCE_DATE = date(2026, 6, 30)
LAST_DAY = date(2027, 12, 31)

K = OrganisationKind
A = PolicyArea
L = SharingLevel
S = EngagementStatus
E = EngagementKind


class DemoError(Exception):
    """The demo cannot be built here; the message says why and what to do."""


# -- organisations and people ---------------------------------------------


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    acronym: str
    kind: str
    country: str | None
    policy_area: str = ""
    iati_identifier: str | None = None
    aliases: tuple[str, ...] = ()


ORGANISATIONS = (
    DemoOrganisation(
        "intpa",
        "European Commission – DG International Partnerships",
        "DG INTPA",
        K.EU_INSTITUTION,
        "BEL",
        A.DEVELOPMENT,
        "XI-IATI-EC_INTPA",
        ("European Commission - International Partnerships", "EC INTPA"),
    ),
    DemoOrganisation(
        "home",
        "European Commission – DG Migration and Home Affairs",
        "DG HOME",
        K.EU_INSTITUTION,
        "BEL",
        A.INTERIOR,
        aliases=("Directorate-General for Migration and Home Affairs",),
    ),
    DemoOrganisation(
        "eeas",
        "European External Action Service",
        "EEAS",
        K.EU_INSTITUTION,
        "BEL",
        A.FOREIGN_AFFAIRS,
        aliases=("Service européen pour l'action extérieure",),
    ),
    DemoOrganisation(
        "eud_mar",
        "Delegation of the European Union to Morocco",
        "EUD Morocco",
        K.EU_DELEGATION,
        "MAR",
        A.FOREIGN_AFFAIRS,
        aliases=("EU Delegation to Morocco", "Délégation de l'Union européenne au Maroc"),
    ),
    DemoOrganisation(
        "eud_tun",
        "Delegation of the European Union to Tunisia",
        "EUD Tunisia",
        K.EU_DELEGATION,
        "TUN",
        A.FOREIGN_AFFAIRS,
        aliases=("EU Delegation to Tunisia", "Délégation de l'Union européenne en Tunisie"),
    ),
    DemoOrganisation(
        "de_bmi",
        "Federal Ministry of the Interior (Germany)",
        "BMI",
        K.MS_MINISTRY,
        "DEU",
        A.INTERIOR,
        aliases=("Bundesministerium des Innern",),
    ),
    DemoOrganisation(
        "de_giz",
        "Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ) GmbH",
        "GIZ",
        K.MS_AGENCY,
        "DEU",
        A.DEVELOPMENT,
        "XM-DAC-5-52",
        ("Germany GIZ Non BMZ", "Deutsche Gesellschaft fuer Internationale Zusammenarbeit"),
    ),
    DemoOrganisation(
        "fr_meae",
        "Ministry for Europe and Foreign Affairs (France)",
        "MEAE",
        K.MS_MINISTRY,
        "FRA",
        A.FOREIGN_AFFAIRS,
        "FR-6",
        ("Ministère de l'Europe et des Affaires étrangères", "France - Ministry for Europe and Foreign Affairs"),
    ),
    DemoOrganisation(
        "fr_embassy_mar",
        "Embassy of France in Morocco",
        "",
        K.MS_EMBASSY,
        "FRA",
        A.FOREIGN_AFFAIRS,
        aliases=("Ambassade de France au Maroc",),
    ),
    DemoOrganisation(
        "fr_afd",
        "Agence française de développement",
        "AFD",
        K.MS_AGENCY,
        "FRA",
        A.DEVELOPMENT,
        "FR-3",
        ("French Development Agency",),
    ),
    DemoOrganisation(
        "it_maeci",
        "Ministry of Foreign Affairs and International Cooperation (Italy)",
        "MAECI",
        K.MS_MINISTRY,
        "ITA",
        A.FOREIGN_AFFAIRS,
        aliases=("Ministero degli Affari Esteri e della Cooperazione Internazionale",),
    ),
    DemoOrganisation(
        "es_interior",
        "Ministry of the Interior (Spain)",
        "",
        K.MS_MINISTRY,
        "ESP",
        A.INTERIOR,
        aliases=("Ministerio del Interior",),
    ),
    DemoOrganisation(
        "nl_mfa",
        "Ministry of Foreign Affairs (Netherlands)",
        "BZ",
        K.MS_MINISTRY,
        "NLD",
        A.FOREIGN_AFFAIRS,
        "XM-DAC-7",
        ("Ministerie van Buitenlandse Zaken", "Netherlands - Ministry of Foreign Affairs"),
    ),
    DemoOrganisation(
        "ma_interior",
        "Ministry of the Interior (Morocco)",
        "",
        K.PARTNER_AUTHORITY,
        "MAR",
        A.INTERIOR,
        aliases=("Ministère de l'Intérieur (Maroc)",),
    ),
    DemoOrganisation(
        "tn_social",
        "Ministry of Social Affairs (Tunisia)",
        "",
        K.PARTNER_AUTHORITY,
        "TUN",
        A.LABOUR,
        aliases=("Ministère des Affaires sociales (Tunisie)",),
    ),
    DemoOrganisation(
        "iom",
        "International Organization for Migration",
        "IOM",
        K.INTERNATIONAL,
        None,
        iati_identifier="XM-DAC-47066",
        aliases=("Organisation internationale pour les migrations", "OIM"),
    ),
    DemoOrganisation(
        "icmpd",
        "International Centre for Migration Policy Development",
        "ICMPD",
        K.INTERNATIONAL,
        None,
        iati_identifier="XM-OCHA-585",
    ),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    organisation: str
    role: str


USERS = (
    DemoUser("commission.desk", "intpa", Role.EDITOR),
    DemoUser("home.desk", "home", Role.EDITOR),
    DemoUser("eeas.coordinator", "eeas", Role.COORDINATOR),
    DemoUser("eud.rabat", "eud_mar", Role.EDITOR),
    DemoUser("eud.tunis", "eud_tun", Role.EDITOR),
    DemoUser("de.interior", "de_bmi", Role.EDITOR),
    DemoUser("de.giz", "de_giz", Role.VIEWER),
    DemoUser("fr.mfa", "fr_meae", Role.EDITOR),
    DemoUser("fr.embassy.rabat", "fr_embassy_mar", Role.VIEWER),
    DemoUser("fr.afd", "fr_afd", Role.EDITOR),
    DemoUser("it.mfa", "it_maeci", Role.EDITOR),
    DemoUser("es.interior", "es_interior", Role.EDITOR),
    DemoUser("nl.mfa", "nl_mfa", Role.EDITOR),
    DemoUser("ma.interior", "ma_interior", Role.EDITOR),
    DemoUser("tn.social", "tn_social", Role.EDITOR),
    DemoUser("iom.officer", "iom", Role.EDITOR),
    DemoUser("icmpd.officer", "icmpd", Role.EDITOR),
)
AUTHORS = {user.organisation: user.username for user in USERS if user.role != Role.VIEWER}


# -- engagements ----------------------------------------------------------


@dataclass(frozen=True)
class DemoEngagement:
    """One invented engagement; organisations are keys of ``ORGANISATIONS``."""

    ref: str
    owner: str
    kind: str
    title: str
    description: str
    countries: tuple[tuple[str, str | None], ...]
    themes: tuple[tuple[str, str | None], ...]
    sharing_level: str
    status: str
    planned_start: date
    planned_end: date
    actual_start: date | None = None
    actual_end: date | None = None
    instrument: str | None = None
    language: str = "en"
    participations: tuple[tuple[str, str], ...] = ()
    money: tuple[tuple[str, str, str, date], ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    shared_with: tuple[str, ...] = ()
    shared_with_countries: tuple[str, ...] = ()


def demo_engagement(
    ref: str,
    owner: str,
    kind: str,
    title: str,
    description: str,
    countries,
    themes,
    level: str,
    status: str,
    start: date,
    end: date,
    *,
    delay: int = 0,
    overrun: int = 0,
    **extra,
) -> DemoEngagement:
    """One invented engagement; ``countries`` and ``themes`` are codes or (code, share) pairs. Work
    under way began ``delay`` days after its planned start; closed work ended ``overrun`` days late."""
    started = status not in (S.PIPELINE, S.CANCELLED)
    return DemoEngagement(
        ref=ref,
        owner=owner,
        kind=kind,
        title=title,
        description=description,
        countries=_shares(countries),
        themes=_shares(themes),
        sharing_level=level,
        status=status,
        planned_start=start,
        planned_end=end,
        actual_start=start + timedelta(days=delay) if started else None,
        actual_end=end + timedelta(days=overrun) if status == S.CLOSED else None,
        **extra,
    )


def _anchor(number: int, *fields, **extra) -> DemoEngagement:
    return demo_engagement(f"{REFERENCE_PREFIX}{number:03d}", *fields, **extra)


def _shares(entries) -> tuple[tuple[str, str | None], ...]:
    """``"MAR"`` or ``("MAR", "60")`` entries as (code, share) pairs."""
    return tuple((entry, None) if isinstance(entry, str) else entry for entry in entries)


# Hand-written records that show each sharing level and circle at work.
ANCHORS = (
    _anchor(
        1,
        "intpa",
        E.PROGRAMME,
        "EU–Morocco partnership on migration: reintegration and labour mobility programme",
        "Umbrella programme for the EU's support to Moroccan migration policy: reintegration "
        "of returnees, Talent Partnership pilots and diaspora engagement.",
        ["MAR"],
        [("RETURN-REINTEGRATION", "40"), ("LEGAL-LABOUR", "35"), ("DEV-DIASPORA", "25")],
        L.EU,
        S.IMPLEMENTATION,
        date(2022, 3, 1),
        date(2026, 12, 31),
        instrument="NDICI-GE",
        participations=(
            ("intpa", P.FUNDER),
            ("iom", P.IMPLEMENTER),
            ("de_giz", P.IMPLEMENTER),
            ("ma_interior", P.COUNTERPART),
        ),
        money=(
            ("commitment", "45000000", "EUR", date(2022, 3, 15)),
            ("disbursement", "18500000", "EUR", date(2024, 6, 28)),
        ),
    ),
    _anchor(
        2,
        "eud_mar",
        E.PROJECT,
        "Reintegration counselling centres in Tangier, Oujda and Beni Mellal",
        "Three regional counselling centres refer returnees to training, micro-business "
        "support and psychosocial care, run with the Moroccan authorities.",
        ["MAR"],
        ["RETURN-REINTEGRATION"],
        L.PARTNER,
        S.FINALISATION,
        date(2023, 1, 1),
        date(2026, 3, 31),
        instrument="NDICI-GE",
        participations=(("eud_mar", P.FUNDER), ("iom", P.IMPLEMENTER), ("ma_interior", P.COUNTERPART)),
        money=(
            ("commitment", "6000000", "EUR", date(2023, 1, 16)),
            ("disbursement", "5200000", "EUR", date(2026, 3, 31)),
        ),
        links=(("DEMO-001", LinkKind.PART_OF),),
    ),
    _anchor(
        3,
        "fr_afd",
        E.PROJECT,
        "Coopération déléguée : formation professionnelle pour la mobilité de travail dans "
        "l'automobile et l'hôtellerie",
        "Projet mis en œuvre par l'AFD pour le compte de l'Union : formation de techniciens et "
        "reconnaissance des qualifications avant un emploi dans des États membres.",
        ["MAR"],
        [("LEGAL-SKILLS", "60"), ("LEGAL-LABOUR", "40")],
        L.EU,
        S.IMPLEMENTATION,
        date(2023, 9, 1),
        date(2027, 8, 31),
        language="fr",
        instrument="NDICI-GE",
        participations=(("intpa", P.FUNDER), ("fr_afd", P.IMPLEMENTER)),
        money=(("commitment", "12000000", "EUR", date(2023, 9, 1)),),
        links=(("DEMO-001", LinkKind.FUNDED_BY),),
    ),
    _anchor(
        4,
        "de_bmi",
        E.NEGOTIATION,
        "Bilaterale Konsultationen mit Marokko zu Rückführungsverfahren: Verhandlungslinie",
        "Interne Verhandlungslinie des BMI für die nächste Runde der Konsultationen.",
        ["MAR"],
        ["RETURN-READMISSION"],
        L.ORIGINATOR,
        S.IMPLEMENTATION,
        date(2025, 9, 1),
        date(2026, 12, 31),
        language="de",
        participations=(("de_bmi", P.LEAD), ("ma_interior", P.COUNTERPART)),
    ),
    _anchor(
        5,
        "de_bmi",
        E.MISSION,
        "Joint identification mission with France for nationals of Morocco and Tunisia",
        "Planning of a joint expert mission with French colleagues; shared with the whole French government.",
        ["MAR", "TUN"],
        ["RETURN-READMISSION"],
        L.RESTRICTED,
        S.PIPELINE,
        date(2026, 9, 14),
        date(2026, 9, 18),
        participations=(("de_bmi", P.LEAD),),
        shared_with_countries=("FRA",),
    ),
    _anchor(
        6,
        "intpa",
        E.PROGRAMME,
        "Successor programme for sustainable reintegration in the Sahel",
        "Identification of a successor to the EU Trust Fund reintegration actions; shared with "
        "the two likely implementing partners only.",
        [("NER", "55"), ("NGA", "45")],
        ["RETURN-REINTEGRATION", "DEV-JOBS"],
        L.RESTRICTED,
        S.PIPELINE,
        date(2027, 1, 1),
        date(2027, 12, 31),
        instrument="NDICI-GE",
        participations=(("intpa", P.FUNDER),),
        shared_with=("iom", "de_giz"),
        money=(("budget", "30000000", "EUR", date(2027, 1, 1)),),
    ),
    _anchor(
        7,
        "fr_meae",
        E.NEGOTIATION,
        "Note sur un éventuel arrangement de mobilité France–Tunisie",
        "Note interne sur les options d'un arrangement de mobilité professionnelle.",
        ["TUN"],
        ["LEGAL-LABOUR", "LEGAL-VISA"],
        L.ORIGINATOR,
        S.PIPELINE,
        date(2026, 11, 1),
        date(2027, 6, 30),
        language="fr",
        participations=(("fr_meae", P.LEAD),),
    ),
    _anchor(
        8,
        "eud_mar",
        E.MISSION,
        "Member State visits to Rabat on migration, second half of 2026",
        "Schedule of planned ministerial and expert visits, shared with the Member State "
        "bodies that asked to align their messages.",
        ["MAR"],
        ["GOV-POLICY"],
        L.RESTRICTED,
        S.PIPELINE,
        date(2026, 9, 1),
        date(2026, 12, 15),
        participations=(("eud_mar", P.LEAD),),
        shared_with=("fr_embassy_mar", "es_interior"),
    ),
    _anchor(
        9,
        "ma_interior",
        E.PROGRAMME,
        "Stratégie nationale d'immigration et d'asile : volet diaspora et mobilité",
        "Priorités marocaines pour la mobilité des compétences et l'engagement de la diaspora.",
        ["MAR"],
        [("DEV-DIASPORA", "50"), ("GOV-POLICY", "50")],
        L.PARTNER,
        S.IMPLEMENTATION,
        date(2021, 1, 1),
        date(2027, 12, 31),
        language="fr",
        participations=(("ma_interior", P.LEAD),),
    ),
    _anchor(
        10,
        "ma_interior",
        E.PROJECT,
        "Roadmap for cheaper remittances from Moroccans abroad",
        "Public roadmap to lower the cost of sending money home, with banks and postal operators.",
        ["MAR"],
        ["DEV-REMIT"],
        L.PUBLIC,
        S.IMPLEMENTATION,
        date(2024, 1, 1),
        date(2026, 12, 31),
        participations=(("ma_interior", P.LEAD),),
    ),
    _anchor(
        11,
        "tn_social",
        E.PROGRAMME,
        "Programme de placement des travailleurs tunisiens à l'étranger",
        "Priorités tunisiennes pour le placement encadré de travailleurs et la protection de leurs droits.",
        ["TUN"],
        ["LEGAL-LABOUR"],
        L.PARTNER,
        S.IMPLEMENTATION,
        date(2022, 6, 1),
        date(2027, 5, 31),
        language="fr",
        participations=(("tn_social", P.LEAD),),
    ),
    _anchor(
        12,
        "eud_tun",
        E.PROJECT,
        "Internal assessment of border management support to Tunisia",
        "Delegation-internal assessment before the mid-term review.",
        ["TUN"],
        ["IRREG-BORDER"],
        L.ORIGINATOR,
        S.CLOSED,
        date(2025, 2, 1),
        date(2025, 6, 30),
        participations=(("eud_tun", P.LEAD),),
    ),
    _anchor(
        13,
        "iom",
        E.PROJECT,
        "Assisted voluntary return and reintegration from Libya and Niger",
        "Voluntary return of stranded migrants and reintegration support in countries of origin.",
        [("LBY", "60"), ("NER", "40")],
        [("RETURN-AVR", "70"), ("RETURN-REINTEGRATION", "30")],
        L.PUBLIC,
        S.CLOSED,
        date(2019, 4, 1),
        date(2023, 12, 31),
        instrument="EUTF-AFRICA",
        participations=(("iom", P.IMPLEMENTER), ("intpa", P.FUNDER)),
        money=(
            ("commitment", "58000000", "USD", date(2019, 4, 15)),
            ("disbursement", "57100000", "USD", date(2023, 12, 15)),
        ),
    ),
    _anchor(
        14,
        "iom",
        E.PROJECT,
        "Assisted voluntary return and reintegration from Libya and Niger, phase II",
        "Follow-up phase with stronger community-based reintegration.",
        [("LBY", "50"), ("NER", "50")],
        ["RETURN-AVR", "RETURN-REINTEGRATION"],
        L.PUBLIC,
        S.IMPLEMENTATION,
        date(2024, 1, 1),
        date(2027, 6, 30),
        instrument="NDICI-GE",
        participations=(("iom", P.IMPLEMENTER), ("intpa", P.FUNDER)),
        money=(
            ("commitment", "42000000", "USD", date(2024, 1, 10)),
            ("disbursement", "16000000", "USD", date(2025, 12, 15)),
        ),
        links=(("DEMO-013", LinkKind.FOLLOWS),),
    ),
    _anchor(
        15,
        "iom",
        E.PROJECT,
        "Migration data capacity of the statistics office of Iraq",
        "Household survey module on migration and training of statisticians.",
        ["IRQ"],
        ["GOV-DATA"],
        L.EU,
        S.SUSPENDED,
        date(2024, 3, 1),
        date(2026, 8, 31),
        participations=(("iom", P.IMPLEMENTER), ("intpa", P.FUNDER)),
        money=(("commitment", "2400000", "CHF", date(2024, 3, 1)),),
    ),
    _anchor(
        16,
        "iom",
        E.PROJECT,
        "Protection and reintegration of survivors of trafficking in Nigeria",
        "Shelters, case management and reintegration grants for survivors returning from Europe and North Africa.",
        ["NGA"],
        ["IRREG-THB"],
        L.PARTNER,
        S.IMPLEMENTATION,
        date(2023, 5, 1),
        date(2026, 10, 31),
        participations=(("iom", P.IMPLEMENTER), ("nl_mfa", P.FUNDER)),
        money=(("commitment", "3500000", "GBP", date(2023, 5, 2)),),
    ),
    _anchor(
        17,
        "eeas",
        E.DIALOGUE,
        "EU–Egypt dialogue on migration and mobility: senior officials' meeting",
        "Senior officials review cooperation on legal pathways, protection and border management.",
        ["EGY"],
        ["GOV", "LEGAL"],
        L.PARTNER,
        S.CLOSED,
        date(2025, 10, 14),
        date(2025, 10, 14),
        participations=(("eeas", P.LEAD), ("home", P.LEAD)),
    ),
    _anchor(
        18,
        "eeas",
        E.DIALOGUE,
        "Lines to take for the EU–Tunisia migration dialogue",
        "Internal EEAS lines ahead of the dialogue; not for circulation.",
        ["TUN"],
        ["GOV-POLICY"],
        L.ORIGINATOR,
        S.PIPELINE,
        date(2026, 10, 6),
        date(2026, 10, 6),
        participations=(("eeas", P.LEAD),),
    ),
    _anchor(
        19,
        "home",
        E.NEGOTIATION,
        "EU–Nigeria readmission agreement: negotiation track",
        "Rounds of negotiation on an EU readmission agreement and its implementing protocol.",
        ["NGA"],
        ["RETURN-READMISSION"],
        L.EU,
        S.IMPLEMENTATION,
        date(2019, 10, 1),
        date(2027, 12, 31),
        participations=(("home", P.LEAD),),
    ),
    _anchor(
        20,
        "home",
        E.NEGOTIATION,
        "Debrief of the latest EU–Nigeria readmission round",
        "Commission-internal debrief; drafts of the next negotiating text.",
        ["NGA"],
        ["RETURN-READMISSION"],
        L.ORIGINATOR,
        S.CLOSED,
        date(2025, 11, 20),
        date(2025, 11, 21),
        participations=(("home", P.LEAD),),
        links=(("DEMO-019", LinkKind.PART_OF),),
    ),
    _anchor(
        21,
        "it_maeci",
        E.MISSION,
        "Preparazione della visita ministeriale in Tunisia",
        "Nota interna per la preparazione della visita.",
        ["TUN"],
        ["IRREG", "LEGAL-LABOUR"],
        L.ORIGINATOR,
        S.PIPELINE,
        date(2026, 10, 20),
        date(2026, 10, 21),
        language="it",
        participations=(("it_maeci", P.LEAD),),
    ),
    _anchor(
        22,
        "es_interior",
        E.PROJECT,
        "Cooperación operativa con Senegal contra el tráfico de migrantes en la ruta atlántica",
        "Intercambio de oficiales de enlace y formación conjunta.",
        ["SEN"],
        ["IRREG-SMUGGLING"],
        L.EU,
        S.IMPLEMENTATION,
        date(2024, 2, 1),
        date(2027, 1, 31),
        language="es",
        participations=(("es_interior", P.LEAD),),
        money=(("commitment", "4200000", "EUR", date(2024, 2, 1)),),
    ),
    _anchor(
        23,
        "es_interior",
        E.AGREEMENT,
        "Review of the memorandum with Senegal's gendarmerie",
        "Internal review of the operational memorandum before its renewal.",
        ["SEN"],
        ["IRREG-BORDER"],
        L.ORIGINATOR,
        S.PIPELINE,
        date(2026, 12, 1),
        date(2027, 3, 31),
        participations=(("es_interior", P.LEAD),),
    ),
    _anchor(
        24,
        "nl_mfa",
        E.PROGRAMME,
        "Jobs and protection for displaced people and host communities",
        "Multi-country partnership for education, jobs and protection in host areas.",
        [("EGY", "50"), ("IRQ", "50")],
        [("PROT-HOST", "40"), ("PROT-DISPLACEMENT", "20"), ("DEV-JOBS", "40")],
        L.PUBLIC,
        S.IMPLEMENTATION,
        date(2019, 7, 1),
        date(2027, 6, 30),
        participations=(("nl_mfa", P.FUNDER), ("iom", P.IMPLEMENTER)),
        money=(
            ("commitment", "36000000", "EUR", date(2019, 7, 1)),
            ("disbursement", "29500000", "EUR", date(2026, 5, 29)),
        ),
    ),
    _anchor(
        25,
        "nl_mfa",
        E.OTHER,
        "Country assessment: Libya (internal)",
        "Internal assessment of the migration situation and of partners' capacity.",
        ["LBY"],
        ["PROT", "IRREG"],
        L.ORIGINATOR,
        S.CLOSED,
        date(2025, 3, 1),
        date(2025, 5, 31),
        participations=(("nl_mfa", P.LEAD),),
    ),
    _anchor(
        26,
        "intpa",
        E.OTHER,
        "Internal review: overlapping reintegration schemes in Morocco",
        "Desk review comparing EU, Member State and IOM reintegration offers.",
        ["MAR"],
        ["RETURN-REINTEGRATION"],
        L.ORIGINATOR,
        S.FINALISATION,
        date(2026, 2, 1),
        date(2026, 6, 15),
        participations=(("intpa", P.LEAD),),
    ),
    _anchor(
        27,
        "fr_afd",
        E.PROJECT,
        "Notes de pré-instruction : facilité pour l'emploi des jeunes au Sénégal",
        "Notes internes avant le comité d'identification.",
        ["SEN"],
        ["DEV-JOBS"],
        L.ORIGINATOR,
        S.CANCELLED,
        date(2026, 4, 1),
        date(2026, 9, 30),
        language="fr",
        participations=(("fr_afd", P.FUNDER),),
        money=(("budget", "15000000", "EUR", date(2026, 4, 1)),),
    ),
    _anchor(
        28,
        "icmpd",
        E.PROJECT,
        "Border management capacity in Bosnia and Herzegovina",
        "Training and equipment for border police and the service for foreigners' affairs.",
        ["BIH"],
        ["IRREG-BORDER", "PROT-ASYLUM"],
        L.EU,
        S.IMPLEMENTATION,
        date(2022, 5, 1),
        date(2026, 10, 31),
        instrument="IPA-III",
        participations=(("icmpd", P.IMPLEMENTER), ("home", P.FUNDER)),
        money=(
            ("commitment", "9800000", "EUR", date(2022, 5, 1)),
            ("disbursement", "7100000", "EUR", date(2025, 12, 31)),
        ),
    ),
    _anchor(
        29,
        "icmpd",
        E.OTHER,
        "Risk register of the Libya portfolio (internal)",
        "ICMPD-internal risk register.",
        ["LBY"],
        ["GOV-POLICY"],
        L.ORIGINATOR,
        S.IMPLEMENTATION,
        date(2025, 1, 1),
        date(2027, 12, 31),
        participations=(("icmpd", P.LEAD),),
    ),
    _anchor(
        30,
        "tn_social",
        E.PROJECT,
        "Public employment services for returning workers",
        "Orientation of returning workers towards jobs and training in Tunisia.",
        ["TUN"],
        ["RETURN-REINTEGRATION", "DEV-JOBS"],
        L.PUBLIC,
        S.PIPELINE,
        date(2027, 1, 1),
        date(2027, 12, 31),
        participations=(("tn_social", P.LEAD),),
    ),
    # Planted so that the overlap finder has something to show: the same kind of
    # centres as DEMO-002, in the same towns, by another actor.
    _anchor(
        31,
        "de_bmi",
        E.PROJECT,
        "Reintegration counselling centres for returnees in Oujda and Tangier",
        "Two counselling centres refer returnees to vocational training, micro-business "
        "support and psychosocial care, with the Moroccan authorities.",
        ["MAR"],
        ["RETURN-REINTEGRATION"],
        L.EU,
        S.IMPLEMENTATION,
        date(2024, 2, 1),
        date(2026, 12, 31),
        participations=(("de_bmi", P.FUNDER), ("iom", P.IMPLEMENTER)),
        money=(("commitment", "3500000", "EUR", date(2024, 2, 15)),),
    ),
)


@dataclass(frozen=True)
class Template:
    """A kind of engagement that many owners run in many countries."""

    kind: str
    themes: tuple[str, ...]
    title: str
    description: str
    owners: tuple[str, ...]
    instruments: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


TEMPLATES = (
    Template(
        E.PROJECT,
        ("LEGAL-LABOUR",),
        "Talent Partnership pilot: ICT and engineering graduates from {country}",
        "Pre-departure training, matching with employers in Member States and support on "
        "return for young graduates from {country}.",
        ("intpa", "home", "fr_afd", "nl_mfa", "iom", "icmpd", "tn_social"),
        ("NDICI-GE", "MPF"),
    ),
    Template(
        E.PROJECT,
        ("LEGAL-SKILLS",),
        "Recognition of vocational qualifications between {country} and the EU",
        "Comparison of qualification frameworks and joint certification of trainers in {country}.",
        ("intpa", "fr_afd", "icmpd"),
        ("NDICI-GE",),
    ),
    Template(
        E.PROJECT,
        ("LEGAL-STUDY",),
        "Scholarships and research mobility for students from {country}",
        "Master's scholarships and research stays, with incentives to bring skills home to {country}.",
        ("intpa", "fr_meae", "it_maeci", "nl_mfa"),
        ("NDICI-GE",),
    ),
    Template(
        E.NEGOTIATION,
        ("LEGAL-VISA",),
        "Visa facilitation with {country}: technical talks",
        "Technical talks on visa procedures for students, researchers and business travellers from {country}.",
        ("home", "eeas"),
    ),
    Template(
        E.PROJECT,
        ("DEV-REMIT",),
        "Cheaper digital remittances to {country}",
        "Support to payment providers and financial literacy so that transfers to {country} cost less.",
        ("intpa", "fr_afd", "nl_mfa", "iom", "ma_interior"),
        ("NDICI-GE",),
    ),
    Template(
        E.PROJECT,
        ("DEV-DIASPORA",),
        "Diaspora investment and skills transfer for {country}",
        "Matching diaspora investors and experts with local businesses and universities in {country}.",
        ("intpa", "fr_afd", "it_maeci", "iom"),
        ("NDICI-GE",),
    ),
    Template(
        E.PROGRAMME,
        ("DEV-JOBS", "PROT-HOST"),
        "Jobs for young people in regions of departure in {country}",
        "Vocational training, start-up grants and public works in regions of {country} with high departure rates.",
        ("intpa", "fr_afd", "nl_mfa", "it_maeci"),
        ("NDICI-GE", "EUTF-AFRICA"),
    ),
    Template(
        E.PROJECT,
        ("DEV-BRAIN",),
        "Keeping health workers in {country}",
        "Training capacity and working conditions for nurses and doctors in {country}, "
        "alongside any recruitment abroad.",
        ("intpa", "fr_afd", "nl_mfa"),
        ("NDICI-GE",),
    ),
    Template(
        E.PROJECT,
        ("PROT-HOST",),
        "Services for refugees and host communities in {country}",
        "Health, education and water services shared by refugees and the communities hosting them in {country}.",
        ("intpa", "nl_mfa", "it_maeci", "iom"),
        ("NDICI-GE",),
        ("NER", "LBY", "EGY", "PAK", "IRQ"),
    ),
    Template(
        E.PROGRAMME,
        ("PROT-RESETTLE",),
        "Resettlement and complementary pathways from {country}",
        "Identification, processing and pre-departure orientation of refugees in {country}.",
        ("home", "iom"),
        ("AMIF",),
        ("NER", "LBY", "EGY", "PAK"),
    ),
    Template(
        E.PROJECT,
        ("PROT-ASYLUM",),
        "A national asylum system for {country}",
        "Drafting support for asylum legislation, registration and first-instance decisions in {country}.",
        ("home", "icmpd", "it_maeci"),
        ("NDICI-GE",),
    ),
    Template(
        E.PROJECT,
        ("IRREG-SMUGGLING",),
        "Prosecuting migrant-smuggling networks in {country}",
        "Joint investigation training, financial investigations and judicial cooperation with {country}.",
        ("home", "es_interior", "it_maeci", "de_bmi", "icmpd"),
        ("ISF", "NDICI-GE"),
    ),
    Template(
        E.PROJECT,
        ("IRREG-THB",),
        "Identifying and protecting victims of trafficking in {country}",
        "Referral mechanisms, shelters and training of front-line officials in {country}.",
        ("intpa", "iom", "nl_mfa", "icmpd"),
        ("NDICI-GE",),
    ),
    Template(
        E.PROJECT,
        ("IRREG-BORDER",),
        "Integrated border management support to {country}",
        "Equipment, training and inter-agency cooperation for the border services of {country}.",
        ("home", "icmpd", "es_interior", "it_maeci", "eud_tun"),
        ("BMVI", "NDICI-GE"),
    ),
    Template(
        E.NEGOTIATION,
        ("RETURN-READMISSION",),
        "Readmission cooperation with {country}: negotiation track",
        "Rounds of talks on identification, travel documents and return procedures with {country}.",
        ("home", "de_bmi", "fr_meae", "es_interior", "it_maeci", "nl_mfa"),
    ),
    Template(
        E.PROJECT,
        ("RETURN-AVR",),
        "Assisted voluntary return to {country}",
        "Counselling, travel and arrival support for migrants choosing to return to {country}.",
        ("iom", "home", "de_bmi", "nl_mfa"),
        ("AMIF", "NDICI-GE"),
    ),
    Template(
        E.PROJECT,
        ("RETURN-REINTEGRATION",),
        "Community-based reintegration of returnees in {country}",
        "Reintegration grants linked to community projects, so that returnees and their "
        "neighbours in {country} both benefit.",
        ("intpa", "de_bmi", "fr_afd", "iom", "eud_mar"),
        ("NDICI-GE", "EUTF-AFRICA"),
    ),
    Template(
        E.PROJECT,
        ("GOV-DATA",),
        "Migration statistics capacity in {country}",
        "Survey modules, administrative data and training for the national statistics office of {country}.",
        ("intpa", "icmpd", "iom"),
        ("NDICI-GE",),
    ),
    Template(
        E.PROJECT,
        ("GOV-POLICY",),
        "Support to the national migration policy of {country}",
        "Advice to the inter-ministerial committee drafting and costing the migration policy of {country}.",
        ("intpa", "icmpd", "fr_afd", "eud_tun"),
        ("NDICI-GE", "MPF"),
    ),
    Template(
        E.DIALOGUE,
        ("GOV", "LEGAL", "RETURN"),
        "Migration and mobility dialogue with {country}",
        "Senior officials' meeting covering legal pathways, return and protection with {country}.",
        ("eeas", "intpa", "home"),
    ),
    Template(
        E.DIALOGUE,
        ("RETURN", "IRREG"),
        "Bilateral dialogue with {country} on return and border cooperation",
        "Ministerial-level dialogue with {country}, prepared with the EU delegation.",
        ("de_bmi", "fr_meae", "it_maeci", "es_interior", "nl_mfa"),
    ),
    Template(
        E.MISSION,
        ("LEGAL-LABOUR", "DEV-DIASPORA"),
        "Ministerial visit to {country} on labour mobility and diaspora",
        "Visit with employers' associations and diaspora organisations in {country}.",
        ("fr_meae", "it_maeci", "nl_mfa", "de_bmi", "es_interior"),
    ),
    Template(
        E.MISSION,
        ("IRREG-BORDER", "IRREG-SMUGGLING"),
        "Technical mission to {country} on border management",
        "Expert mission to assess needs at the main border crossing points of {country}.",
        ("home", "es_interior", "icmpd", "eud_mar"),
    ),
    Template(
        E.MISSION,
        ("PROT", "PROT-HOST"),
        "Field visit to refugee-hosting areas in {country}",
        "Visit to camps and host municipalities in {country} ahead of programming.",
        ("eeas", "intpa", "nl_mfa"),
        (),
        ("NER", "LBY", "EGY", "PAK", "IRQ"),
    ),
    Template(
        E.PROGRAMME,
        ("DEV", "LEGAL"),
        "Team Europe Initiative contribution: {country} window",
        "EU contribution to the country window of the Team Europe Initiative on the route through {country}.",
        ("intpa",),
        ("TEI",),
    ),
    Template(
        E.AGREEMENT,
        ("LEGAL-LABOUR",),
        "Memorandum of understanding with {country} on seasonal employment",
        "Framework for seasonal work in agriculture and tourism, with safeguards for workers' rights.",
        ("it_maeci", "fr_meae", "es_interior"),
    ),
    Template(
        E.PROJECT,
        ("IRREG",),
        "Information campaign on the risks of irregular migration in {country}",
        "Community radio, returnee testimonies and school sessions on the risks of irregular "
        "journeys and on legal alternatives from {country}.",
        ("iom", "it_maeci", "home"),
        ("AMIF",),
    ),
    Template(
        E.PROJECT,
        ("PROT-ASYLUM", "IRREG-THB"),
        "Legal aid for migrants in vulnerable situations in {country}",
        "Legal counselling and representation through bar associations and civil society in {country}.",
        ("nl_mfa", "intpa"),
        ("NDICI-GE",),
    ),
)

COUNTRY_NAMES = {
    "MAR": "Morocco",
    "TUN": "Tunisia",
    "EGY": "Egypt",
    "NER": "Niger",
    "NGA": "Nigeria",
    "SEN": "Senegal",
    "LBY": "Libya",
    "PAK": "Pakistan",
    "BIH": "Bosnia and Herzegovina",
    "IRQ": "Iraq",
}
ALL_COUNTRIES = tuple(COUNTRY_NAMES)
OWNER_COUNTRIES = {
    "intpa": ("MAR", "TUN", "EGY", "NER", "NGA", "SEN", "LBY", "PAK", "IRQ"),
    "home": ALL_COUNTRIES,
    "eeas": ALL_COUNTRIES,
    "iom": ALL_COUNTRIES,
    "icmpd": ALL_COUNTRIES,
    "eud_mar": ("MAR",),
    "eud_tun": ("TUN",),
    "ma_interior": ("MAR",),
    "tn_social": ("TUN",),
    "de_bmi": ("MAR", "TUN", "NGA", "PAK", "IRQ"),
    "fr_meae": ("MAR", "TUN", "SEN", "NER", "EGY"),
    "fr_afd": ("MAR", "TUN", "SEN", "NER", "EGY"),
    "it_maeci": ("TUN", "LBY", "EGY", "NER", "NGA"),
    "es_interior": ("MAR", "SEN"),
    "nl_mfa": ("NGA", "EGY", "LBY", "NER", "IRQ"),
}
COUNTERPARTS = {"MAR": "ma_interior", "TUN": "tn_social"}
IMPLEMENTERS = ("iom", "icmpd", "de_giz", "fr_afd")
EU_INSTITUTIONS = ("intpa", "home", "eeas", "eud_mar", "eud_tun")
PARTNER_AUTHORITIES = ("ma_interior", "tn_social")
MEMBER_STATE_OF = {
    org.key: org.country
    for org in ORGANISATIONS
    if org.kind in (K.MS_MINISTRY, K.MS_AGENCY, K.MS_EMBASSY) and org.country is not None
}
LEVEL_WEIGHTS = {L.PUBLIC: 20, L.PARTNER: 20, L.EU: 35, L.RESTRICTED: 15, L.ORIGINATOR: 10}
MONEY_KINDS = (E.PROJECT, E.PROGRAMME)


# -- the partner governments' stated priorities ----------------------------


@dataclass(frozen=True)
class DemoPriority:
    """An invented priority of a partner government; the source says it is demo content."""

    country: str
    theme: str
    recorded_by: str  # an organisation key
    description: str
    source: str
    stated_on: date


PRIORITIES = (
    DemoPriority(
        "MAR",
        "LEGAL-LABOUR",
        "ma_interior",
        "More legal routes to work in Europe, with recognised qualifications.",
        "[Demo] Ministerial statement at the migration dialogue",
        date(2025, 3, 12),
    ),
    DemoPriority(
        "MAR",
        "DEV-REMIT",
        "ma_interior",
        "Lower the cost of sending money home for Moroccans living abroad.",
        "[Demo] National strategy for Moroccans living abroad",
        date(2024, 10, 2),
    ),
    DemoPriority(
        "MAR",
        "DEV-BRAIN",
        "eud_mar",
        "Keep health workers and engineers in the country while opening mobility schemes.",
        "[Demo] Note from the EU Delegation's meeting with the ministry",
        date(2025, 6, 18),
    ),
    DemoPriority(
        "TUN",
        "DEV-JOBS",
        "tn_social",
        "Jobs for young people in the interior regions, before any return scheme.",
        "[Demo] Letter of the Minister of Social Affairs",
        date(2025, 1, 20),
    ),
    DemoPriority(
        "TUN",
        "LEGAL-SKILLS",
        "tn_social",
        "Recognition of Tunisian vocational diplomas by employers in the EU.",
        "[Demo] Tunisian position paper for the Talent Partnership",
        date(2024, 11, 5),
    ),
)
