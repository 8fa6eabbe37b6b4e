"""The people in our tests, named after the users they stand for.

``Cast`` builds one small Team Europe around Morocco: the Commission, two
Member States (each present through several organisations), the EU
delegation, the Moroccan authorities, IOM, and the people working there.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from partnerhub.access.models import Membership, Organisation, OrganisationKind, PolicyArea, Role
from partnerhub.geo.models import Country
from partnerhub.registry.models import Theme
from partnerhub.registry.services import EngagementInput, MoneyInput, create_engagement

PASSWORD = "correct horse battery staple"


def make_user(username: str, organisation: Organisation | None = None, role: str = Role.VIEWER):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_organisation(name: str, kind: str, country_iso3: str | None = None, **extra) -> Organisation:
    country = Country.objects.get(iso3=country_iso3) if country_iso3 else None
    return Organisation.objects.create(name=name, kind=kind, country=country, **extra)


@dataclass
class Cast:
    commission: Organisation
    eu_delegation_morocco: Organisation
    german_interior: Organisation
    giz: Organisation
    french_foreign_affairs: Organisation
    french_embassy_morocco: Organisation
    moroccan_interior: Organisation
    tunisian_interior: Organisation
    iom: Organisation

    commission_desk_officer: object
    german_ministry_editor: object
    giz_viewer: object
    french_ministry_editor: object
    french_embassy_viewer: object
    moroccan_ministry_user: object
    tunisian_ministry_user: object
    iom_officer: object
    coordinator: object
    superuser: object
    outsider: object

    def engagement(
        self,
        owner: Organisation,
        author,
        *,
        sharing_level: str = "eu",
        countries=("MAR",),
        themes=("RETURN-REINTEGRATION",),
        title: str | None = None,
        amount: str | None = "1000000",
        currency: str = "EUR",
        shared_with=(),
        shared_with_countries=(),
        **fields,
    ):
        data = EngagementInput(
            owner=owner,
            fields={
                "kind": "project",
                "title": title or f"{owner.short_name} {sharing_level} engagement",
                "status": "implementation",
                "sharing_level": sharing_level,
                "planned_start": date(2023, 1, 1),
                "planned_end": date(2025, 12, 31),
                **fields,
            },
            countries=[(Country.objects.get(iso3=c), None) for c in countries],
            themes=[(Theme.objects.get(code=t), None) for t in themes],
            money=[MoneyInput("commitment", Decimal(amount), currency, date(2023, 3, 1))] if amount else [],
            shared_with_organisations=list(shared_with),
            shared_with_countries=[Country.objects.get(iso3=c) for c in shared_with_countries],
        )
        return create_engagement(data, acting_user=author)


def build_cast() -> Cast:
    kind = OrganisationKind
    commission = make_organisation(
        "European Commission – DG INTPA",
        kind.EU_INSTITUTION,
        "BEL",
        acronym="INTPA",
        iati_identifier="XI-IATI-EC_INTPA",
    )
    delegation = make_organisation("EU Delegation to Morocco", kind.EU_DELEGATION, "MAR")
    german_interior = make_organisation(
        "Federal Ministry of the Interior (Germany)",
        kind.MS_MINISTRY,
        "DEU",
        acronym="BMI",
        policy_area=PolicyArea.INTERIOR,
    )
    giz = make_organisation(
        "Deutsche Gesellschaft für Internationale Zusammenarbeit",
        kind.MS_AGENCY,
        "DEU",
        acronym="GIZ",
        policy_area=PolicyArea.DEVELOPMENT,
        iati_identifier="DE-1-GIZ-TEST",
    )
    french_mfa = make_organisation(
        "Ministry for Europe and Foreign Affairs (France)",
        kind.MS_MINISTRY,
        "FRA",
        acronym="MEAE",
        policy_area=PolicyArea.FOREIGN_AFFAIRS,
    )
    french_embassy = make_organisation(
        "Embassy of France in Morocco", kind.MS_EMBASSY, "FRA", policy_area=PolicyArea.FOREIGN_AFFAIRS
    )
    moroccan_interior = make_organisation("Ministry of the Interior (Morocco)", kind.PARTNER_AUTHORITY, "MAR")
    tunisian_interior = make_organisation("Ministry of the Interior (Tunisia)", kind.PARTNER_AUTHORITY, "TUN")
    iom = make_organisation(
        "International Organization for Migration", kind.INTERNATIONAL, acronym="IOM", iati_identifier="XM-DAC-47066"
    )
    superuser = get_user_model().objects.create_superuser("site.admin", password=PASSWORD)
    return Cast(
        commission=commission,
        eu_delegation_morocco=delegation,
        german_interior=german_interior,
        giz=giz,
        french_foreign_affairs=french_mfa,
        french_embassy_morocco=french_embassy,
        moroccan_interior=moroccan_interior,
        tunisian_interior=tunisian_interior,
        iom=iom,
        commission_desk_officer=make_user("commission.desk", commission, Role.EDITOR),
        german_ministry_editor=make_user("bmi.editor", german_interior, Role.EDITOR),
        giz_viewer=make_user("giz.viewer", giz, Role.VIEWER),
        french_ministry_editor=make_user("meae.editor", french_mfa, Role.EDITOR),
        french_embassy_viewer=make_user("embassy.rabat", french_embassy, Role.VIEWER),
        moroccan_ministry_user=make_user("interior.rabat", moroccan_interior, Role.EDITOR),
        tunisian_ministry_user=make_user("interior.tunis", tunisian_interior, Role.EDITOR),
        iom_officer=make_user("iom.officer", iom, Role.EDITOR),
        coordinator=make_user("presidency.coordinator", delegation, Role.COORDINATOR),
        superuser=superuser,
        outsider=make_user("no.membership"),
    )
