"""The demo portfolio: real public bodies, invented engagements, one log-in per circle.

The organisations are real public bodies, with their real IATI organisation
identifiers where they publish (from the IATI ReportingOrganisation codelist).
Every engagement is invented: its title starts with ``[Demo] ``, it carries
``is_demo=True`` and a ``DEMO-nnn`` reference, its description says it is demo
content, and it is written through ``registry.services.create_engagement`` by
the demo user of its owner, so that it has a history like any other record.

``build_demo()`` is idempotent: organisations are found by IATI identifier or
name, users by username, engagements by their ``DEMO-nnn`` reference; what
exists is kept (demo organisations and users are brought up to date), what is
missing is created. The portfolio is deterministic (a seeded ``random.Random``
and a fixed reference date), so every run builds the same records.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from partnerhub.access.models import Membership, Organisation, OrganisationKind, PolicyArea, Role
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.visibility import circle_of, forget_circle
from partnerhub.geo.models import Country
from partnerhub.registry.models import (
    Engagement,
    EngagementKind,
    EngagementStatus,
    Instrument,
    LinkKind,
    Theme,
)
from partnerhub.registry.models import ParticipationRole as P
from partnerhub.registry.services import EngagementInput, MoneyInput, create_engagement

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
    DemoOrganisation("intpa", "European Commission – DG International Partnerships", "DG INTPA",
                     K.EU_INSTITUTION, "BEL", A.DEVELOPMENT, "XI-IATI-EC_INTPA",
                     ("European Commission - International Partnerships", "EC INTPA")),
    DemoOrganisation("home", "European Commission – DG Migration and Home Affairs", "DG HOME",
                     K.EU_INSTITUTION, "BEL", A.INTERIOR,
                     aliases=("Directorate-General for Migration and Home Affairs",)),
    DemoOrganisation("eeas", "European External Action Service", "EEAS", K.EU_INSTITUTION, "BEL",
                     A.FOREIGN_AFFAIRS, aliases=("Service européen pour l'action extérieure",)),
    DemoOrganisation("eud_mar", "Delegation of the European Union to Morocco", "EUD Morocco",
                     K.EU_DELEGATION, "MAR", A.FOREIGN_AFFAIRS,
                     aliases=("EU Delegation to Morocco",
                              "Délégation de l'Union européenne au Maroc")),
    DemoOrganisation("eud_tun", "Delegation of the European Union to Tunisia", "EUD Tunisia",
                     K.EU_DELEGATION, "TUN", A.FOREIGN_AFFAIRS,
                     aliases=("EU Delegation to Tunisia",
                              "Délégation de l'Union européenne en Tunisie")),
    DemoOrganisation("de_bmi", "Federal Ministry of the Interior (Germany)", "BMI", K.MS_MINISTRY,
                     "DEU", A.INTERIOR, aliases=("Bundesministerium des Innern",)),
    DemoOrganisation("de_giz", "Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ) GmbH",
                     "GIZ", K.MS_AGENCY, "DEU", A.DEVELOPMENT, "XM-DAC-5-52",
                     ("Germany GIZ Non BMZ",
                      "Deutsche Gesellschaft fuer Internationale Zusammenarbeit")),
    DemoOrganisation("fr_meae", "Ministry for Europe and Foreign Affairs (France)", "MEAE",
                     K.MS_MINISTRY, "FRA", A.FOREIGN_AFFAIRS, "FR-6",
                     ("Ministère de l'Europe et des Affaires étrangères",
                      "France - Ministry for Europe and Foreign Affairs")),
    DemoOrganisation("fr_embassy_mar", "Embassy of France in Morocco", "", K.MS_EMBASSY, "FRA",
                     A.FOREIGN_AFFAIRS, aliases=("Ambassade de France au Maroc",)),
    DemoOrganisation("fr_afd", "Agence française de développement", "AFD", K.MS_AGENCY, "FRA",
                     A.DEVELOPMENT, "FR-3", ("French Development Agency",)),
    DemoOrganisation("it_maeci",
                     "Ministry of Foreign Affairs and International Cooperation (Italy)",
                     "MAECI", K.MS_MINISTRY, "ITA", A.FOREIGN_AFFAIRS,
                     aliases=("Ministero degli Affari Esteri e della Cooperazione "
                              "Internazionale",)),
    DemoOrganisation("es_interior", "Ministry of the Interior (Spain)", "", K.MS_MINISTRY, "ESP",
                     A.INTERIOR, aliases=("Ministerio del Interior",)),
    DemoOrganisation("nl_mfa", "Ministry of Foreign Affairs (Netherlands)", "BZ", K.MS_MINISTRY,
                     "NLD", A.FOREIGN_AFFAIRS, "XM-DAC-7",
                     ("Ministerie van Buitenlandse Zaken",
                      "Netherlands - Ministry of Foreign Affairs")),
    DemoOrganisation("ma_interior", "Ministry of the Interior (Morocco)", "", K.PARTNER_AUTHORITY,
                     "MAR", A.INTERIOR, aliases=("Ministère de l'Intérieur (Maroc)",)),
    DemoOrganisation("tn_social", "Ministry of Social Affairs (Tunisia)", "", K.PARTNER_AUTHORITY,
                     "TUN", A.LABOUR, aliases=("Ministère des Affaires sociales (Tunisie)",)),
    DemoOrganisation("iom", "International Organization for Migration", "IOM", K.INTERNATIONAL,
                     None, iati_identifier="XM-DAC-47066",
                     aliases=("Organisation internationale pour les migrations", "OIM")),
    DemoOrganisation("icmpd", "International Centre for Migration Policy Development", "ICMPD",
                     K.INTERNATIONAL, None, iati_identifier="XM-OCHA-585"),
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


def _anchor(number: int, owner: str, kind: str, title: str, description: str, countries, themes,
            level: str, status: str, start: date, end: date, **extra) -> DemoEngagement:
    started = status not in (S.PIPELINE, S.CANCELLED)
    return DemoEngagement(
        ref=f"{REFERENCE_PREFIX}{number:03d}", owner=owner, kind=kind, title=title,
        description=description, countries=_shares(countries), themes=_shares(themes),
        sharing_level=level, status=status, planned_start=start, planned_end=end,
        actual_start=start if started else None,
        actual_end=end if status == S.CLOSED else None, **extra,
    )


def _shares(entries) -> tuple[tuple[str, str | None], ...]:
    """``"MAR"`` or ``("MAR", "60")`` entries as (code, share) pairs."""
    return tuple((entry, None) if isinstance(entry, str) else entry for entry in entries)


# Hand-written records that show each sharing level and circle at work.
ANCHORS = (
    _anchor(1, "intpa", E.PROGRAMME,
            "EU–Morocco partnership on migration: reintegration and labour mobility programme",
            "Umbrella programme for the EU's support to Moroccan migration policy: reintegration "
            "of returnees, Talent Partnership pilots and diaspora engagement.",
            ["MAR"],
            [("RETURN-REINTEGRATION", "40"), ("LEGAL-LABOUR", "35"), ("DEV-DIASPORA", "25")],
            L.EU, S.IMPLEMENTATION, date(2022, 3, 1), date(2026, 12, 31), instrument="NDICI-GE",
            participations=(("intpa", P.FUNDER), ("iom", P.IMPLEMENTER), ("de_giz", P.IMPLEMENTER),
                            ("ma_interior", P.COUNTERPART)),
            money=(("commitment", "45000000", "EUR", date(2022, 3, 15)),
                   ("disbursement", "18500000", "EUR", date(2024, 6, 28)))),
    _anchor(2, "eud_mar", E.PROJECT,
            "Reintegration counselling centres in Tangier, Oujda and Beni Mellal",
            "Three regional counselling centres refer returnees to training, micro-business "
            "support and psychosocial care, run with the Moroccan authorities.",
            ["MAR"], ["RETURN-REINTEGRATION"], L.PARTNER, S.FINALISATION,
            date(2023, 1, 1), date(2026, 3, 31), instrument="NDICI-GE",
            participations=(("eud_mar", P.FUNDER), ("iom", P.IMPLEMENTER),
                            ("ma_interior", P.COUNTERPART)),
            money=(("commitment", "6000000", "EUR", date(2023, 1, 16)),
                   ("disbursement", "5200000", "EUR", date(2026, 3, 31))),
            links=(("DEMO-001", LinkKind.PART_OF),)),
    _anchor(3, "fr_afd", E.PROJECT,
            "Coopération déléguée : formation professionnelle pour la mobilité de travail dans "
            "l'automobile et l'hôtellerie",
            "Projet mis en œuvre par l'AFD pour le compte de l'Union : formation de techniciens et "
            "reconnaissance des qualifications avant un emploi dans des États membres.",
            ["MAR"], [("LEGAL-SKILLS", "60"), ("LEGAL-LABOUR", "40")], L.EU, S.IMPLEMENTATION,
            date(2023, 9, 1), date(2027, 8, 31), language="fr", instrument="NDICI-GE",
            participations=(("intpa", P.FUNDER), ("fr_afd", P.IMPLEMENTER)),
            money=(("commitment", "12000000", "EUR", date(2023, 9, 1)),),
            links=(("DEMO-001", LinkKind.FUNDED_BY),)),
    _anchor(4, "de_bmi", E.NEGOTIATION,
            "Bilaterale Konsultationen mit Marokko zu Rückführungsverfahren: Verhandlungslinie",
            "Interne Verhandlungslinie des BMI für die nächste Runde der Konsultationen.",
            ["MAR"], ["RETURN-READMISSION"], L.ORIGINATOR, S.IMPLEMENTATION,
            date(2025, 9, 1), date(2026, 12, 31), language="de",
            participations=(("de_bmi", P.LEAD), ("ma_interior", P.COUNTERPART))),
    _anchor(5, "de_bmi", E.MISSION,
            "Joint identification mission with France for nationals of Morocco and Tunisia",
            "Planning of a joint expert mission with French colleagues; shared with the whole "
            "French government.",
            ["MAR", "TUN"], ["RETURN-READMISSION"], L.RESTRICTED, S.PIPELINE,
            date(2026, 9, 14), date(2026, 9, 18),
            participations=(("de_bmi", P.LEAD),), shared_with_countries=("FRA",)),
    _anchor(6, "intpa", E.PROGRAMME,
            "Successor programme for sustainable reintegration in the Sahel",
            "Identification of a successor to the EU Trust Fund reintegration actions; shared with "
            "the two likely implementing partners only.",
            [("NER", "55"), ("NGA", "45")], ["RETURN-REINTEGRATION", "DEV-JOBS"], L.RESTRICTED,
            S.PIPELINE, date(2027, 1, 1), date(2027, 12, 31), instrument="NDICI-GE",
            participations=(("intpa", P.FUNDER),), shared_with=("iom", "de_giz"),
            money=(("budget", "30000000", "EUR", date(2027, 1, 1)),)),
    _anchor(7, "fr_meae", E.NEGOTIATION,
            "Note sur un éventuel arrangement de mobilité France–Tunisie",
            "Note interne sur les options d'un arrangement de mobilité professionnelle.",
            ["TUN"], ["LEGAL-LABOUR", "LEGAL-VISA"], L.ORIGINATOR, S.PIPELINE,
            date(2026, 11, 1), date(2027, 6, 30), language="fr",
            participations=(("fr_meae", P.LEAD),)),
    _anchor(8, "eud_mar", E.MISSION,
            "Member State visits to Rabat on migration, second half of 2026",
            "Schedule of planned ministerial and expert visits, shared with the Member State "
            "bodies that asked to align their messages.",
            ["MAR"], ["GOV-POLICY"], L.RESTRICTED, S.PIPELINE, date(2026, 9, 1), date(2026, 12, 15),
            participations=(("eud_mar", P.LEAD),), shared_with=("fr_embassy_mar", "es_interior")),
    _anchor(9, "ma_interior", E.PROGRAMME,
            "Stratégie nationale d'immigration et d'asile : volet diaspora et mobilité",
            "Priorités marocaines pour la mobilité des compétences et l'engagement de la diaspora.",
            ["MAR"], [("DEV-DIASPORA", "50"), ("GOV-POLICY", "50")], L.PARTNER, S.IMPLEMENTATION,
            date(2021, 1, 1), date(2027, 12, 31), language="fr",
            participations=(("ma_interior", P.LEAD),)),
    _anchor(10, "ma_interior", E.PROJECT, "Roadmap for cheaper remittances from Moroccans abroad",
            "Public roadmap to lower the cost of sending money home, with banks and postal "
            "operators.",
            ["MAR"], ["DEV-REMIT"], L.PUBLIC, S.IMPLEMENTATION,
            date(2024, 1, 1), date(2026, 12, 31),
            participations=(("ma_interior", P.LEAD),)),
    _anchor(11, "tn_social", E.PROGRAMME,
            "Programme de placement des travailleurs tunisiens à l'étranger",
            "Priorités tunisiennes pour le placement encadré de travailleurs et la protection de "
            "leurs droits.",
            ["TUN"], ["LEGAL-LABOUR"], L.PARTNER, S.IMPLEMENTATION,
            date(2022, 6, 1), date(2027, 5, 31),
            language="fr", participations=(("tn_social", P.LEAD),)),
    _anchor(12, "eud_tun", E.PROJECT, "Internal assessment of border management support to Tunisia",
            "Delegation-internal assessment before the mid-term review.",
            ["TUN"], ["IRREG-BORDER"], L.ORIGINATOR, S.CLOSED, date(2025, 2, 1), date(2025, 6, 30),
            participations=(("eud_tun", P.LEAD),)),
    _anchor(13, "iom", E.PROJECT,
            "Assisted voluntary return and reintegration from Libya and Niger",
            "Voluntary return of stranded migrants and reintegration support in countries of "
            "origin.",
            [("LBY", "60"), ("NER", "40")], [("RETURN-AVR", "70"), ("RETURN-REINTEGRATION", "30")],
            L.PUBLIC, S.CLOSED, date(2019, 4, 1), date(2023, 12, 31), instrument="EUTF-AFRICA",
            participations=(("iom", P.IMPLEMENTER), ("intpa", P.FUNDER)),
            money=(("commitment", "58000000", "USD", date(2019, 4, 15)),
                   ("disbursement", "57100000", "USD", date(2023, 12, 15)))),
    _anchor(14, "iom", E.PROJECT,
            "Assisted voluntary return and reintegration from Libya and Niger, phase II",
            "Follow-up phase with stronger community-based reintegration.",
            [("LBY", "50"), ("NER", "50")], ["RETURN-AVR", "RETURN-REINTEGRATION"], L.PUBLIC,
            S.IMPLEMENTATION, date(2024, 1, 1), date(2027, 6, 30), instrument="NDICI-GE",
            participations=(("iom", P.IMPLEMENTER), ("intpa", P.FUNDER)),
            money=(("commitment", "42000000", "USD", date(2024, 1, 10)),
                   ("disbursement", "16000000", "USD", date(2025, 12, 15))),
            links=(("DEMO-013", LinkKind.FOLLOWS),)),
    _anchor(15, "iom", E.PROJECT, "Migration data capacity of the statistics office of Iraq",
            "Household survey module on migration and training of statisticians.",
            ["IRQ"], ["GOV-DATA"], L.EU, S.SUSPENDED, date(2024, 3, 1), date(2026, 8, 31),
            participations=(("iom", P.IMPLEMENTER), ("intpa", P.FUNDER)),
            money=(("commitment", "2400000", "CHF", date(2024, 3, 1)),)),
    _anchor(16, "iom", E.PROJECT,
            "Protection and reintegration of survivors of trafficking in Nigeria",
            "Shelters, case management and reintegration grants for survivors returning from "
            "Europe and North Africa.",
            ["NGA"], ["IRREG-THB"], L.PARTNER, S.IMPLEMENTATION,
            date(2023, 5, 1), date(2026, 10, 31),
            participations=(("iom", P.IMPLEMENTER), ("nl_mfa", P.FUNDER)),
            money=(("commitment", "3500000", "GBP", date(2023, 5, 2)),)),
    _anchor(17, "eeas", E.DIALOGUE,
            "EU–Egypt dialogue on migration and mobility: senior officials' meeting",
            "Senior officials review cooperation on legal pathways, protection and border "
            "management.",
            ["EGY"], ["GOV", "LEGAL"], L.PARTNER, S.CLOSED, date(2025, 10, 14), date(2025, 10, 14),
            participations=(("eeas", P.LEAD), ("home", P.LEAD))),
    _anchor(18, "eeas", E.DIALOGUE, "Lines to take for the EU–Tunisia migration dialogue",
            "Internal EEAS lines ahead of the dialogue; not for circulation.",
            ["TUN"], ["GOV-POLICY"], L.ORIGINATOR, S.PIPELINE, date(2026, 10, 6), date(2026, 10, 6),
            participations=(("eeas", P.LEAD),)),
    _anchor(19, "home", E.NEGOTIATION, "EU–Nigeria readmission agreement: negotiation track",
            "Rounds of negotiation on an EU readmission agreement and its implementing protocol.",
            ["NGA"], ["RETURN-READMISSION"], L.EU, S.IMPLEMENTATION, date(2019, 10, 1),
            date(2027, 12, 31), participations=(("home", P.LEAD),)),
    _anchor(20, "home", E.NEGOTIATION, "Debrief of the latest EU–Nigeria readmission round",
            "Commission-internal debrief; drafts of the next negotiating text.",
            ["NGA"], ["RETURN-READMISSION"], L.ORIGINATOR, S.CLOSED, date(2025, 11, 20),
            date(2025, 11, 21), participations=(("home", P.LEAD),),
            links=(("DEMO-019", LinkKind.PART_OF),)),
    _anchor(21, "it_maeci", E.MISSION, "Preparazione della visita ministeriale in Tunisia",
            "Nota interna per la preparazione della visita.",
            ["TUN"], ["IRREG", "LEGAL-LABOUR"], L.ORIGINATOR, S.PIPELINE, date(2026, 10, 20),
            date(2026, 10, 21), language="it", participations=(("it_maeci", P.LEAD),)),
    _anchor(22, "es_interior", E.PROJECT,
            "Cooperación operativa con Senegal contra el tráfico de migrantes en la ruta atlántica",
            "Intercambio de oficiales de enlace y formación conjunta.",
            ["SEN"], ["IRREG-SMUGGLING"], L.EU, S.IMPLEMENTATION,
            date(2024, 2, 1), date(2027, 1, 31),
            language="es", participations=(("es_interior", P.LEAD),),
            money=(("commitment", "4200000", "EUR", date(2024, 2, 1)),)),
    _anchor(23, "es_interior", E.AGREEMENT, "Review of the memorandum with Senegal's gendarmerie",
            "Internal review of the operational memorandum before its renewal.",
            ["SEN"], ["IRREG-BORDER"], L.ORIGINATOR, S.PIPELINE,
            date(2026, 12, 1), date(2027, 3, 31),
            participations=(("es_interior", P.LEAD),)),
    _anchor(24, "nl_mfa", E.PROGRAMME,
            "Jobs and protection for displaced people and host communities",
            "Multi-country partnership for education, jobs and protection in host areas.",
            [("EGY", "50"), ("IRQ", "50")], [("PROT-HOST", "60"), ("DEV-JOBS", "40")], L.PUBLIC,
            S.IMPLEMENTATION, date(2019, 7, 1), date(2027, 6, 30),
            participations=(("nl_mfa", P.FUNDER), ("iom", P.IMPLEMENTER)),
            money=(("commitment", "36000000", "EUR", date(2019, 7, 1)),
                   ("disbursement", "29500000", "EUR", date(2026, 5, 29)))),
    _anchor(25, "nl_mfa", E.OTHER, "Country assessment: Libya (internal)",
            "Internal assessment of the migration situation and of partners' capacity.",
            ["LBY"], ["PROT", "IRREG"], L.ORIGINATOR, S.CLOSED, date(2025, 3, 1), date(2025, 5, 31),
            participations=(("nl_mfa", P.LEAD),)),
    _anchor(26, "intpa", E.OTHER, "Internal review: overlapping reintegration schemes in Morocco",
            "Desk review comparing EU, Member State and IOM reintegration offers.",
            ["MAR"], ["RETURN-REINTEGRATION"], L.ORIGINATOR, S.FINALISATION, date(2026, 2, 1),
            date(2026, 6, 15), participations=(("intpa", P.LEAD),)),
    _anchor(27, "fr_afd", E.PROJECT,
            "Notes de pré-instruction : facilité pour l'emploi des jeunes au Sénégal",
            "Notes internes avant le comité d'identification.",
            ["SEN"], ["DEV-JOBS"], L.ORIGINATOR, S.CANCELLED, date(2026, 4, 1), date(2026, 9, 30),
            language="fr", participations=(("fr_afd", P.FUNDER),),
            money=(("budget", "15000000", "EUR", date(2026, 4, 1)),)),
    _anchor(28, "icmpd", E.PROJECT, "Border management capacity in Bosnia and Herzegovina",
            "Training and equipment for border police and the service for foreigners' affairs.",
            ["BIH"], ["IRREG-BORDER", "PROT-ASYLUM"], L.EU, S.IMPLEMENTATION, date(2022, 5, 1),
            date(2026, 10, 31), instrument="IPA-III",
            participations=(("icmpd", P.IMPLEMENTER), ("home", P.FUNDER)),
            money=(("commitment", "9800000", "EUR", date(2022, 5, 1)),
                   ("disbursement", "7100000", "EUR", date(2025, 12, 31)))),
    _anchor(29, "icmpd", E.OTHER, "Risk register of the Libya portfolio (internal)",
            "ICMPD-internal risk register.",
            ["LBY"], ["GOV-POLICY"], L.ORIGINATOR, S.IMPLEMENTATION, date(2025, 1, 1),
            date(2027, 12, 31), participations=(("icmpd", P.LEAD),)),
    _anchor(30, "tn_social", E.PROJECT, "Public employment services for returning workers",
            "Orientation of returning workers towards jobs and training in Tunisia.",
            ["TUN"], ["RETURN-REINTEGRATION", "DEV-JOBS"], L.PUBLIC, S.PIPELINE, date(2027, 1, 1),
            date(2027, 12, 31), participations=(("tn_social", P.LEAD),)),
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
    Template(E.PROJECT, ("LEGAL-LABOUR",),
             "Talent Partnership pilot: ICT and engineering graduates from {country}",
             "Pre-departure training, matching with employers in Member States and support on "
             "return for young graduates from {country}.",
             ("intpa", "home", "fr_afd", "nl_mfa", "iom", "icmpd", "tn_social"),
             ("NDICI-GE", "MPF")),
    Template(E.PROJECT, ("LEGAL-SKILLS",),
             "Recognition of vocational qualifications between {country} and the EU",
             "Comparison of qualification frameworks and joint certification of trainers in "
             "{country}.", ("intpa", "fr_afd", "icmpd"), ("NDICI-GE",)),
    Template(E.PROJECT, ("LEGAL-STUDY",),
             "Scholarships and research mobility for students from {country}",
             "Master's scholarships and research stays, with incentives to bring skills home to "
             "{country}.", ("intpa", "fr_meae", "it_maeci", "nl_mfa"), ("NDICI-GE",)),
    Template(E.NEGOTIATION, ("LEGAL-VISA",),
             "Visa facilitation with {country}: technical talks",
             "Technical talks on visa procedures for students, researchers and business travellers "
             "from {country}.", ("home", "eeas")),
    Template(E.PROJECT, ("DEV-REMIT",),
             "Cheaper digital remittances to {country}",
             "Support to payment providers and financial literacy so that transfers to {country} "
             "cost less.", ("intpa", "fr_afd", "nl_mfa", "iom", "ma_interior"), ("NDICI-GE",)),
    Template(E.PROJECT, ("DEV-DIASPORA",),
             "Diaspora investment and skills transfer for {country}",
             "Matching diaspora investors and experts with local businesses and universities in "
             "{country}.", ("intpa", "fr_afd", "it_maeci", "iom"), ("NDICI-GE",)),
    Template(E.PROGRAMME, ("DEV-JOBS", "PROT-HOST"),
             "Jobs for young people in regions of departure in {country}",
             "Vocational training, start-up grants and public works in regions of {country} with "
             "high departure rates.", ("intpa", "fr_afd", "nl_mfa", "it_maeci"),
             ("NDICI-GE", "EUTF-AFRICA")),
    Template(E.PROJECT, ("DEV-BRAIN",),
             "Keeping health workers in {country}",
             "Training capacity and working conditions for nurses and doctors in {country}, "
             "alongside any recruitment abroad.", ("intpa", "fr_afd", "nl_mfa"), ("NDICI-GE",)),
    Template(E.PROJECT, ("PROT-HOST",),
             "Services for refugees and host communities in {country}",
             "Health, education and water services shared by refugees and the communities hosting "
             "them in {country}.", ("intpa", "nl_mfa", "it_maeci", "iom"), ("NDICI-GE",),
             ("NER", "LBY", "EGY", "PAK", "IRQ")),
    Template(E.PROGRAMME, ("PROT-RESETTLE",),
             "Resettlement and complementary pathways from {country}",
             "Identification, processing and pre-departure orientation of refugees in {country}.",
             ("home", "iom"), ("AMIF",), ("NER", "LBY", "EGY", "PAK")),
    Template(E.PROJECT, ("PROT-ASYLUM",),
             "A national asylum system for {country}",
             "Drafting support for asylum legislation, registration and first-instance decisions "
             "in {country}.", ("home", "icmpd", "it_maeci"), ("NDICI-GE",)),
    Template(E.PROJECT, ("IRREG-SMUGGLING",),
             "Prosecuting migrant-smuggling networks in {country}",
             "Joint investigation training, financial investigations and judicial cooperation with "
             "{country}.", ("home", "es_interior", "it_maeci", "de_bmi", "icmpd"),
             ("ISF", "NDICI-GE")),
    Template(E.PROJECT, ("IRREG-THB",),
             "Identifying and protecting victims of trafficking in {country}",
             "Referral mechanisms, shelters and training of front-line officials in {country}.",
             ("intpa", "iom", "nl_mfa", "icmpd"), ("NDICI-GE",)),
    Template(E.PROJECT, ("IRREG-BORDER",),
             "Integrated border management support to {country}",
             "Equipment, training and inter-agency cooperation for the border services of "
             "{country}.", ("home", "icmpd", "es_interior", "it_maeci", "eud_tun"),
             ("BMVI", "NDICI-GE")),
    Template(E.NEGOTIATION, ("RETURN-READMISSION",),
             "Readmission cooperation with {country}: negotiation track",
             "Rounds of talks on identification, travel documents and return procedures with "
             "{country}.", ("home", "de_bmi", "fr_meae", "es_interior", "it_maeci", "nl_mfa")),
    Template(E.PROJECT, ("RETURN-AVR",),
             "Assisted voluntary return to {country}",
             "Counselling, travel and arrival support for migrants choosing to return to "
             "{country}.", ("iom", "home", "de_bmi", "nl_mfa"), ("AMIF", "NDICI-GE")),
    Template(E.PROJECT, ("RETURN-REINTEGRATION",),
             "Community-based reintegration of returnees in {country}",
             "Reintegration grants linked to community projects, so that returnees and their "
             "neighbours in {country} both benefit.",
             ("intpa", "de_bmi", "fr_afd", "iom", "eud_mar"), ("NDICI-GE", "EUTF-AFRICA")),
    Template(E.PROJECT, ("GOV-DATA",),
             "Migration statistics capacity in {country}",
             "Survey modules, administrative data and training for the national statistics office "
             "of {country}.", ("intpa", "icmpd", "iom"), ("NDICI-GE",)),
    Template(E.PROJECT, ("GOV-POLICY",),
             "Support to the national migration policy of {country}",
             "Advice to the inter-ministerial committee drafting and costing the migration policy "
             "of {country}.", ("intpa", "icmpd", "fr_afd", "eud_tun"), ("NDICI-GE", "MPF")),
    Template(E.DIALOGUE, ("GOV", "LEGAL", "RETURN"),
             "Migration and mobility dialogue with {country}",
             "Senior officials' meeting covering legal pathways, return and protection with "
             "{country}.", ("eeas", "intpa", "home")),
    Template(E.DIALOGUE, ("RETURN", "IRREG"),
             "Bilateral dialogue with {country} on return and border cooperation",
             "Ministerial-level dialogue with {country}, prepared with the EU delegation.",
             ("de_bmi", "fr_meae", "it_maeci", "es_interior", "nl_mfa")),
    Template(E.MISSION, ("LEGAL-LABOUR", "DEV-DIASPORA"),
             "Ministerial visit to {country} on labour mobility and diaspora",
             "Visit with employers' associations and diaspora organisations in {country}.",
             ("fr_meae", "it_maeci", "nl_mfa", "de_bmi", "es_interior")),
    Template(E.MISSION, ("IRREG-BORDER", "IRREG-SMUGGLING"),
             "Technical mission to {country} on border management",
             "Expert mission to assess needs at the main border crossing points of {country}.",
             ("home", "es_interior", "icmpd", "eud_mar")),
    Template(E.MISSION, ("PROT", "PROT-HOST"),
             "Field visit to refugee-hosting areas in {country}",
             "Visit to camps and host municipalities in {country} ahead of programming.",
             ("eeas", "intpa", "nl_mfa"), (), ("NER", "LBY", "EGY", "PAK", "IRQ")),
    Template(E.PROGRAMME, ("DEV", "LEGAL"),
             "Team Europe Initiative contribution: {country} window",
             "EU contribution to the country window of the Team Europe Initiative on the route "
             "through {country}.", ("intpa",), ("TEI",)),
    Template(E.AGREEMENT, ("LEGAL-LABOUR",),
             "Memorandum of understanding with {country} on seasonal employment",
             "Framework for seasonal work in agriculture and tourism, with safeguards for workers' "
             "rights.", ("it_maeci", "fr_meae", "es_interior")),
    Template(E.PROJECT, ("IRREG",),
             "Information campaign on the risks of irregular migration in {country}",
             "Community radio, returnee testimonies and school sessions on the risks of irregular "
             "journeys and on legal alternatives from {country}.", ("iom", "it_maeci", "home"),
             ("AMIF",)),
    Template(E.PROJECT, ("PROT-ASYLUM", "IRREG-THB"),
             "Legal aid for migrants in vulnerable situations in {country}",
             "Legal counselling and representation through bar associations and civil society in "
             "{country}.", ("nl_mfa", "intpa"), ("NDICI-GE",)),
)

COUNTRY_NAMES = {
    "MAR": "Morocco", "TUN": "Tunisia", "EGY": "Egypt", "NER": "Niger", "NGA": "Nigeria",
    "SEN": "Senegal", "LBY": "Libya", "PAK": "Pakistan", "BIH": "Bosnia and Herzegovina",
    "IRQ": "Iraq",
}
ALL_COUNTRIES = tuple(COUNTRY_NAMES)
OWNER_COUNTRIES = {
    "intpa": ("MAR", "TUN", "EGY", "NER", "NGA", "SEN", "LBY", "PAK", "IRQ"),
    "home": ALL_COUNTRIES, "eeas": ALL_COUNTRIES, "iom": ALL_COUNTRIES, "icmpd": ALL_COUNTRIES,
    "eud_mar": ("MAR",), "eud_tun": ("TUN",), "ma_interior": ("MAR",), "tn_social": ("TUN",),
    "de_bmi": ("MAR", "TUN", "NGA", "PAK", "IRQ"),
    "fr_meae": ("MAR", "TUN", "SEN", "NER", "EGY"), "fr_afd": ("MAR", "TUN", "SEN", "NER", "EGY"),
    "it_maeci": ("TUN", "LBY", "EGY", "NER", "NGA"), "es_interior": ("MAR", "SEN"),
    "nl_mfa": ("NGA", "EGY", "LBY", "NER", "IRQ"),
}
COUNTERPARTS = {"MAR": "ma_interior", "TUN": "tn_social"}
IMPLEMENTERS = ("iom", "icmpd", "de_giz", "fr_afd")
EU_INSTITUTIONS = ("intpa", "home", "eeas", "eud_mar", "eud_tun")
PARTNER_AUTHORITIES = ("ma_interior", "tn_social")
MEMBER_STATE_OF = {org.key: org.country for org in ORGANISATIONS
                   if org.kind in (K.MS_MINISTRY, K.MS_AGENCY, K.MS_EMBASSY)}
LEVEL_WEIGHTS = {L.PUBLIC: 20, L.PARTNER: 20, L.EU: 35, L.RESTRICTED: 15, L.ORIGINATOR: 10}
MONEY_KINDS = (E.PROJECT, E.PROGRAMME)


def demo_portfolio() -> list[DemoEngagement]:
    """The whole invented portfolio, the same on every run."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo content, not security
    return [*ANCHORS, *_generated(rng, GENERATED_COUNT, first_number=len(ANCHORS) + 1)]


def _generated(rng: random.Random, count: int, *, first_number: int) -> list[DemoEngagement]:
    templates = list(TEMPLATES)
    rng.shuffle(templates)
    specs: list[DemoEngagement] = []
    titles = {spec.title for spec in ANCHORS}
    attempt = 0
    while len(specs) < count:
        # Round robin over the templates, so that every theme and kind appears.
        template = templates[attempt % len(templates)]
        attempt += 1
        owner = rng.choice(template.owners)
        countries = [c for c in OWNER_COUNTRIES[owner]
                     if not template.countries or c in template.countries]
        country = rng.choice(countries) if countries else None
        title = template.title.format(country=COUNTRY_NAMES.get(country, ""))
        if country is None or title in titles:
            continue
        titles.add(title)
        ref = f"{REFERENCE_PREFIX}{first_number + len(specs):03d}"
        specs.append(_from_template(rng, template, ref, owner, country, title, [*ANCHORS, *specs]))
    return specs


def _from_template(rng, template: Template, ref: str, owner: str, country: str, title: str,
                   earlier: list[DemoEngagement]) -> DemoEngagement:
    start, end = _dates(rng, template.kind)
    status = _status(rng, start, end)
    level = _sharing_level(rng, owner)
    shared_with, shared_countries = _named_circle(rng, owner) if level == L.RESTRICTED else ((), ())
    started = status not in (S.PIPELINE, S.CANCELLED)
    # Meetings and visits happen on their planned days; longer work starts a little late.
    delay, overrun = rng.randint(0, 45), rng.randint(0, 60)
    if template.kind in (E.DIALOGUE, E.MISSION):
        delay = overrun = 0
    return DemoEngagement(
        ref=ref, owner=owner, kind=template.kind, title=title,
        description=template.description.format(country=COUNTRY_NAMES[country]),
        countries=((country, None),), themes=tuple((code, None) for code in template.themes),
        sharing_level=level, status=status, planned_start=start, planned_end=end,
        actual_start=start + timedelta(days=delay) if started else None,
        actual_end=end + timedelta(days=overrun) if status == S.CLOSED else None,
        instrument=_instrument(rng, template, owner, country, start),
        participations=_participations(rng, template.kind, owner, country),
        money=_money(rng, template.kind, owner, status, start, end),
        links=_programme_link(rng, template.kind, owner, country, level, earlier),
        shared_with=shared_with, shared_with_countries=shared_countries,
    )


def _dates(rng, kind: str) -> tuple[date, date]:
    start = date(rng.randint(2019, 2026), rng.randint(1, 12), rng.randint(1, 28))
    if kind == E.DIALOGUE:
        return start, start
    if kind == E.MISSION:
        return start, start + timedelta(days=rng.randint(2, 4))
    months = rng.choice((12, 18, 24, 36, 48))
    return start, min(start + timedelta(days=months * 30), LAST_DAY)


def _status(rng, start: date, end: date) -> str:
    if start > REFERENCE_DATE:
        return S.CANCELLED if rng.random() < 0.1 else S.PIPELINE
    if end < REFERENCE_DATE - timedelta(days=180):
        return S.CLOSED
    if end < REFERENCE_DATE:
        return S.FINALISATION
    return S.SUSPENDED if rng.random() < 0.08 else S.IMPLEMENTATION


def _sharing_level(rng, owner: str) -> str:
    if owner in PARTNER_AUTHORITIES:
        return rng.choice((L.PUBLIC, L.PARTNER))
    return rng.choices(list(LEVEL_WEIGHTS), weights=list(LEVEL_WEIGHTS.values()))[0]


def _named_circle(rng, owner: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Half the restricted records name organisations, half a whole Member State."""
    if rng.random() < 0.5:
        others = [org.key for org in ORGANISATIONS if org.key != owner]
        return tuple(sorted(rng.sample(others, 2))), ()
    states = sorted({c for c in MEMBER_STATE_OF.values() if c != MEMBER_STATE_OF.get(owner)})
    return (), (rng.choice(states),)


def _instrument(rng, template: Template, owner: str, country: str, start: date) -> str | None:
    if owner not in (*EU_INSTITUTIONS, "iom", "icmpd") or not template.instruments:
        return None
    if country == "BIH":
        return "IPA-III"
    instrument = rng.choice(template.instruments)
    # The Trust Fund for Africa took no new programmes after 2021.
    return "NDICI-GE" if instrument == "EUTF-AFRICA" and start.year > 2021 else instrument


def _participations(rng, kind: str, owner: str, country: str) -> tuple[tuple[str, str], ...]:
    if kind not in MONEY_KINDS:
        roles = [(owner, P.LEAD)]
    elif owner in IMPLEMENTERS:
        roles = [(owner, P.IMPLEMENTER), (rng.choice(("intpa", "home", "nl_mfa")), P.FUNDER)]
    else:
        implementer = rng.choice([org for org in IMPLEMENTERS if org != owner])
        roles = [(owner, P.FUNDER), (implementer, P.IMPLEMENTER)]
    counterpart = COUNTERPARTS.get(country)
    if counterpart and counterpart != owner:
        roles.append((counterpart, P.COUNTERPART))
    return tuple(roles)


def _money(rng, kind: str, owner: str, status: str, start: date, end: date):
    if kind not in MONEY_KINDS:
        return ()
    currency = _currency(rng, owner)
    low, high = (10_000, 80_000) if kind == E.PROGRAMME else (500, 15_000)
    amount = rng.randint(low, high) * 1000
    if status in (S.PIPELINE, S.CANCELLED):
        return (("budget", str(amount), currency, start),)
    paid = amount * rng.randint(20, 100) // 100 // 1000 * 1000
    return (("commitment", str(amount), currency, start),
            ("disbursement", str(paid), currency, min(end, REFERENCE_DATE)))


def _currency(rng, owner: str) -> str:
    if owner == "iom":
        return rng.choice(("USD", "USD", "CHF"))
    return rng.choices(("EUR", "GBP", "USD"), weights=(90, 5, 5))[0]


def _programme_link(rng, kind: str, owner: str, country: str, level: str,
                    earlier: list[DemoEngagement]) -> tuple[tuple[str, str], ...]:
    """Some projects are part of a programme in the same country that their author can see."""
    if kind != E.PROJECT or rng.random() > 0.4:
        return ()
    candidates = [spec.ref for spec in earlier
                  if spec.kind == E.PROGRAMME and country in dict(spec.countries)
                  and _author_sees(owner, spec)]
    return ((rng.choice(candidates), LinkKind.PART_OF),) if candidates else ()


def _author_sees(owner: str, spec: DemoEngagement) -> bool:
    if spec.owner == owner or spec.sharing_level == L.PUBLIC:
        return True
    eu_side = owner in EU_INSTITUTIONS or owner in MEMBER_STATE_OF
    return eu_side and spec.sharing_level in (L.PARTNER, L.EU)


# -- writing --------------------------------------------------------------

@dataclass
class DemoLogin:
    username: str
    organisation: str
    role: str
    circle: str


@dataclass
class DemoSummary:
    organisations_created: int = 0
    users_created: int = 0
    engagements_created: int = 0
    engagements_kept: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


def build_demo(*, stdout=None) -> DemoSummary:
    """Create what is missing of the demo portfolio; keep what exists."""
    _require_reference_data()
    summary = DemoSummary()
    with transaction.atomic():
        organisations = _ensure_organisations(summary)
        users = _ensure_users(organisations, summary)
        _ensure_engagements(organisations, users, summary)
    summary.logins = [_login(user) for user in users.values()]
    _report(stdout, summary)
    return summary


def _require_reference_data() -> None:
    if not Theme.objects.exists() or not Country.objects.filter(iso3="MAR").exists():
        raise DemoError(_("Reference data is missing: run `partnerhub load-reference` first."))


def _ensure_organisations(summary: DemoSummary) -> dict[str, Organisation]:
    countries = {c.iso3: c for c in Country.objects.filter(iso3__in=_organisation_countries())}
    return {entry.key: _ensure_organisation(entry, countries, summary) for entry in ORGANISATIONS}


def _organisation_countries() -> set[str]:
    return {entry.country for entry in ORGANISATIONS if entry.country}


def _ensure_organisation(entry: DemoOrganisation, countries, summary) -> Organisation:
    """Reuse an organisation already known by identifier or name; refresh it only if it is ours."""
    match = Q(name=entry.name) | Q(iati_identifier=entry.iati_identifier) if entry.iati_identifier \
        else Q(name=entry.name)
    organisation = Organisation.objects.filter(match).first()
    if organisation is not None and not organisation.is_demo:
        return organisation
    if organisation is None:
        organisation = Organisation(is_demo=True)
        summary.organisations_created += 1
    organisation.name, organisation.acronym = entry.name, entry.acronym
    organisation.kind, organisation.policy_area = entry.kind, entry.policy_area
    organisation.country = countries.get(entry.country)
    organisation.iati_identifier = entry.iati_identifier
    organisation.aliases = list(entry.aliases)
    organisation.save()
    return organisation


def _ensure_users(organisations, summary: DemoSummary) -> dict[str, object]:
    password_hash = make_password(DEMO_PASSWORD)
    users = {ADMIN_USERNAME: _ensure_user(ADMIN_USERNAME, password_hash, summary, superuser=True)}
    for entry in USERS:
        user = _ensure_user(entry.username, password_hash, summary)
        Membership.objects.update_or_create(
            user=user, organisation=organisations[entry.organisation], defaults={"role": entry.role}
        )
        forget_circle(user)
        users[entry.username] = user
    return users


def _ensure_user(username: str, password_hash: str, summary: DemoSummary, *, superuser=False):
    email = f"{username}@{DEMO_EMAIL_DOMAIN}"
    user = get_user_model().objects.filter(username=username).first()
    if user is not None and user.email != email:
        raise DemoError(
            _("A user called %(username)s exists and is not a demo account: the demo leaves it "
              "alone. Rename that user, or build the demo in another database.")
            % {"username": username}
        )
    if user is None:
        user = get_user_model()(username=username, email=email)
        summary.users_created += 1
    user.password, user.is_active = password_hash, True
    user.is_staff = user.is_superuser = superuser
    user.save()
    return user


def _ensure_engagements(organisations, users, summary: DemoSummary) -> None:
    existing = {
        engagement.external_reference: engagement
        for engagement in Engagement.objects.filter(
            is_demo=True, external_reference__startswith=REFERENCE_PREFIX
        )
    }
    lookups = _Lookups.load()
    for spec in demo_portfolio():
        if spec.ref in existing:
            summary.engagements_kept += 1
            continue
        author = users[AUTHORS[spec.owner]]
        data = _engagement_input(spec, organisations, lookups, existing)
        existing[spec.ref] = create_engagement(data, acting_user=author, is_demo=True)
        summary.engagements_created += 1


@dataclass
class _Lookups:
    countries: dict[str, Country]
    themes: dict[str, Theme]
    instruments: dict[str, Instrument]

    @classmethod
    def load(cls) -> "_Lookups":
        return cls(
            countries={c.iso3: c for c in Country.objects.filter(
                iso3__in=[*ALL_COUNTRIES, *MEMBER_STATE_OF.values()])},
            themes={t.code: t for t in Theme.objects.all()},
            instruments={i.code: i for i in Instrument.objects.all()},
        )


def _engagement_input(spec: DemoEngagement, organisations, lookups: _Lookups,
                      engagements) -> EngagementInput:
    return EngagementInput(
        owner=organisations[spec.owner],
        fields={
            "kind": spec.kind, "title": TITLE_PREFIX + spec.title,
            "description": f"{spec.description}\n\n{DEMO_NOTE}", "language": spec.language,
            "status": spec.status, "sharing_level": spec.sharing_level,
            "planned_start": spec.planned_start, "planned_end": spec.planned_end,
            "actual_start": spec.actual_start, "actual_end": spec.actual_end,
            "instrument": lookups.instruments.get(spec.instrument) if spec.instrument else None,
            "external_reference": spec.ref,
        },
        countries=[(lookups.countries[code], _decimal(share)) for code, share in spec.countries],
        themes=[(lookups.themes[code], _decimal(share)) for code, share in spec.themes],
        participations=[(organisations[key], role) for key, role in spec.participations],
        money=[MoneyInput(kind, Decimal(amount), currency, value_date)
               for kind, amount, currency, value_date in spec.money],
        links=[(engagements[ref], kind) for ref, kind in spec.links],
        shared_with_organisations=[organisations[key] for key in spec.shared_with],
        shared_with_countries=[lookups.countries[code] for code in spec.shared_with_countries],
    )


def _decimal(share: str | None) -> Decimal | None:
    return None if share is None else Decimal(share)


# -- who sees what --------------------------------------------------------

def _login(user) -> DemoLogin:
    membership = user.memberships.select_related("organisation").first()
    if membership is None:
        return DemoLogin(user.username, "—", _("Superuser"),
                         _("every record, in the admin (/admin/) only; on the site, what a "
                           "visitor sees"))
    return DemoLogin(user.username, membership.organisation.short_name,
                     membership.get_role_display(), circle_summary(user))


def circle_summary(user) -> str:
    """What a user's circle covers, in one line for the log-in table."""
    circle = circle_of(user)
    owners = [o.short_name for o in Organisation.objects.filter(pk__in=circle.organisation_ids)]
    member_states = [c.name for c in Country.objects.filter(pk__in=circle.member_state_ids)]
    partner_countries = [c.name for c in Country.objects.filter(pk__in=circle.partner_country_ids)]
    parts = [_("public")]
    if circle.eu_side:
        parts.append(_("partner and EU (LIMITE)"))
    if partner_countries:
        parts.append(_("partner records about %(countries)s")
                     % {"countries": ", ".join(partner_countries)})
    if member_states:
        parts.append(_("restricted records naming %(owners)s or %(member_states)s")
                     % {"owners": ", ".join(owners), "member_states": ", ".join(member_states)})
    else:
        parts.append(_("restricted records naming %(owners)s") % {"owners": ", ".join(owners)})
    parts.append(_("all records of %(owners)s") % {"owners": ", ".join(owners)})
    return "; ".join(parts)


def _report(stdout, summary: DemoSummary) -> None:
    if stdout is None:
        return
    stdout.write(
        _("Demo: %(orgs)d organisations created, %(users)d users created, %(new)d engagements "
          "created, %(kept)d already there.")
        % {"orgs": summary.organisations_created, "users": summary.users_created,
           "new": summary.engagements_created, "kept": summary.engagements_kept}
    )
