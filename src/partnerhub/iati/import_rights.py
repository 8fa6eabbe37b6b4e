"""What an IATI import acting for a person may write.

An upload acts for its uploader: it may create or change only engagements
owned by an organisation the uploader edits for. An activity is theirs when
its reporting-org is such an organisation and either

- its iati-identifier begins with the IATI organisation identifier registered
  to that organisation in the hub (IATI builds activity identifiers that way), or
- the hub already holds it, owned by one of the uploader's organisations.

Everything else is refused with one wording, so that the report never tells an
engagement the uploader may not see from one that does not exist. The site
operator importing at the terminal acts for nobody and is not limited.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation
from partnerhub.core.visibility import editing_organisation_ids
from partnerhub.iati.mapping import OrganisationReference


@dataclass(frozen=True)
class ImportRights:
    organisation_ids: frozenset[int]

    def may_report_for(self, owner: Organisation | None) -> bool:
        return owner is not None and owner.pk in self.organisation_ids

    def may_create(self, identifier: str, owner: Organisation | None) -> bool:
        registered = (owner.iati_identifier or "").strip().upper() if owner is not None else ""
        return bool(registered) and identifier.upper().startswith(registered + "-")

    def may_change(self, owner_id: int | None) -> bool:
        return owner_id in self.organisation_ids


def rights_of(user) -> ImportRights:
    return ImportRights(editing_organisation_ids(user))


def refusal_reason(reporting_org: OrganisationReference | None) -> str:
    """The one reason given for every activity an upload may not write."""
    return _(
        "not imported: an upload may only create or change activities that an organisation you edit for "
        "reports, under the IATI organisation identifier registered to it in the hub (reporting-org: "
        "%(reporting_org)s)"
    ) % {"reporting_org": describe(reporting_org)}


def describe(reference: OrganisationReference | None) -> str:
    if reference is None:
        return "–"
    if reference.ref and reference.name:
        return f"{reference.ref} “{reference.name}”"
    return reference.ref or f"“{reference.name}”"
