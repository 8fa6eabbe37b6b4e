"""Importing an organisation's engagements from a spreadsheet: preview, then confirm.

The preview reads the file, matches every row and says what the import would
do, writing nothing but the batch that holds the preview. Confirming runs the
import in one transaction: each row that is not critical is created or
updated through the registry's services (which write the history); a row
whose content has not changed is left alone, so importing the same file
twice changes nothing.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.access.models import Organisation
from partnerhub.core.history import record_change
from partnerhub.core.models import ObjectChange
from partnerhub.core.visibility import can_edit, can_edit_for
from partnerhub.registry.models import DataSource, Engagement, Provenance
from partnerhub.registry.services import (
    EngagementInput,
    create_engagement,
    input_from_engagement,
    update_engagement,
)
from partnerhub.sheets.findings import Finding, Tier
from partnerhub.sheets.matching import Lookups
from partnerhub.sheets.models import ImportBatch
from partnerhub.sheets.reader import SheetContent, read_sheet
from partnerhub.sheets.rows import DEFAULTS, RowDraft, analyse


class Action(models.TextChoices):
    CREATE = "create", gettext_lazy("New")
    UPDATE = "update", gettext_lazy("Updated")
    UNCHANGED = "unchanged", gettext_lazy("Unchanged")
    SKIP = "skip", gettext_lazy("Not imported")


class AlreadyImported(Exception):
    """The batch was confirmed before; confirming again would do nothing."""


@dataclass
class RowOutcome:
    draft: RowDraft
    action: str
    engagement: Engagement | None = None

    @property
    def matched(self) -> Engagement:
        """The engagement an unchanged or updated row matched: only a new or skipped row has none."""
        if self.engagement is None:
            raise ValueError(f"row {self.draft.number} matched no engagement")
        return self.engagement

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.draft.number,
            "reference": self.draft.reference,
            "title": self.draft.title,
            "action": self.action,
            "engagement_id": self.engagement.pk if self.engagement is not None else None,
            "findings": [finding.as_dict() for finding in self.draft.findings],
        }


@dataclass
class ImportSummary:
    file_name: str
    confirmed: bool
    rows: list[RowOutcome]
    file_findings: list[Finding] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        actions = Counter(outcome.action for outcome in self.rows)
        return {
            "rows_read": len(self.rows),
            "created": actions[Action.CREATE],
            "updated": actions[Action.UPDATE],
            "unchanged": actions[Action.UNCHANGED],
            "skipped": actions[Action.SKIP],
        }

    def findings(self) -> list[Finding]:
        return [*self.file_findings, *(f for outcome in self.rows for f in outcome.draft.findings)]

    def as_json(self) -> dict[str, Any]:
        """The command's last line: counts, then every finding naming file, row and column."""
        return {
            **self.counts,
            "confirmed": self.confirmed,
            "errors": [{"file": self.file_name, **finding.as_dict()} for finding in self.findings()],
        }


# -- entry points ------------------------------------------------------------


def require_importer(organisation: Organisation, user) -> None:
    if not can_edit_for(user, organisation.pk):
        raise PermissionDenied(
            _("Only editors, coordinators and administrators of %(organisation)s may import its engagements.")
            % {"organisation": organisation}
        )


def preview_upload(file_name: str, data: bytes, organisation: Organisation, *, acting_user) -> ImportBatch:
    """Reads the file (``SheetRefused`` if it is refused) and keeps its preview; writes no engagement."""
    require_importer(organisation, acting_user)
    content = read_sheet(file_name, data)
    summary = run_import(content, organisation, acting_user=acting_user, confirm=False)
    batch = ImportBatch(started_by=acting_user, organisation=organisation, file_name=file_name[:255])
    batch.keep_content(content)
    _keep_outcome(batch, summary)
    batch.keep_preview(summary.counts)
    batch.save()
    return batch


def confirm_batch(batch: ImportBatch, *, acting_user) -> ImportSummary:
    with transaction.atomic(durable=True):
        batch = ImportBatch.objects.select_for_update().select_related("organisation").get(pk=batch.pk)
        require_importer(batch.organisation, acting_user)
        if batch.is_imported:
            raise AlreadyImported
        summary = run_import(batch.content(), batch.organisation, acting_user=acting_user, confirm=True)
        _keep_outcome(batch, summary)
        batch.mark_imported()
        batch.save()
    return summary


def import_sheet(
    file_name: str, data: bytes, organisation: Organisation, *, acting_user, confirm: bool
) -> ImportSummary:
    """For the command: read, then preview or import in one go."""
    if acting_user is not None or confirm:
        require_importer(organisation, acting_user)
    return run_import(read_sheet(file_name, data), organisation, acting_user=acting_user, confirm=confirm)


def run_import(content: SheetContent, organisation: Organisation, *, acting_user, confirm: bool) -> ImportSummary:
    if not confirm:
        return ImportSummary(content.file_name, False, plan_rows(content, organisation, acting_user), content.findings)
    with transaction.atomic():
        require_importer(organisation, acting_user)
        # One import per organisation at a time: two at once could both create the same reference.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        outcomes = plan_rows(content, organisation, acting_user)
        source = _data_source(content.file_name, organisation)
        for outcome in outcomes:
            _write_row(outcome, organisation, acting_user, source)
    return ImportSummary(content.file_name, True, outcomes, content.findings)


def _keep_outcome(batch: ImportBatch, summary: ImportSummary) -> None:
    batch.outcome = [outcome.as_dict() for outcome in summary.rows]
    batch.counts = summary.counts


# -- planning: what each row would do ------------------------------------------


def plan_rows(content: SheetContent, organisation: Organisation, user) -> list[RowOutcome]:
    drafts = analyse(content, Lookups.load())
    references = [draft.reference for draft in drafts if not draft.critical]
    existing = _existing_by_reference(organisation, references, user)
    return [_plan_row(draft, existing.get(draft.reference, [])) for draft in drafts]


def _existing_by_reference(organisation: Organisation, references: list[str], user) -> dict[str, list]:
    # The command may run without a user: the server's operator reads the owner's records directly.
    engagements = (
        Engagement.objects.visible_to(user)
        if user is not None
        else Engagement.objects.unrestricted("the operator's command, run without a user, imports for the owner")
    )
    found: dict[str, list] = {}
    matching = engagements.filter(owner=organisation, external_reference__in=references).prefetch_related(
        "country_shares", "theme_shares", "participations", "money_lines"
    )
    for engagement in matching:
        found.setdefault(engagement.external_reference, []).append(engagement)
    return found


def _plan_row(draft: RowDraft, matches: list[Engagement]) -> RowOutcome:
    if draft.critical:
        return RowOutcome(draft, Action.SKIP)
    if len(matches) > 1:
        draft.findings.append(
            Finding(
                Tier.CRITICAL,
                _(
                    "%(count)s engagements of your organisation carry the reference “%(reference)s”; "
                    "the hub cannot tell which one to update. Give them distinct references first."
                )
                % {"count": len(matches), "reference": draft.reference},
                row=draft.number,
                column="reference",
            )
        )
        return RowOutcome(draft, Action.SKIP)
    if not matches:
        return RowOutcome(draft, Action.CREATE)
    engagement = matches[0]
    action = Action.UPDATE if differs(engagement, draft) else Action.UNCHANGED
    return RowOutcome(draft, action, engagement)


def differs(engagement: Engagement, draft: RowDraft) -> bool:
    """Whether importing the row would change the engagement (prefetched children)."""
    for name, wanted in draft.fields.items():
        current = engagement.instrument_id if name == "instrument" else getattr(engagement, name)
        if name == "instrument" and wanted is not None:
            wanted = wanted.pk
        if current != wanted:
            return True
    countries = {row.country_id: row.share for row in engagement.country_shares.all()}
    themes = {row.theme_id: row.share for row in engagement.theme_shares.all()}
    return (
        countries != {country.pk: share for country, share in draft.countries}
        or (bool(draft.themes) and themes != {theme.pk: share for theme, share in draft.themes})
        or {(p.organisation_id, p.role) for p in engagement.participations.all()}
        != {(organisation.pk, role) for organisation, role in draft.participations}
        or Counter((m.kind, m.amount, m.currency, m.value_date) for m in engagement.money_lines.all())
        != Counter((m.kind, m.amount, m.currency, m.value_date) for m in draft.money)
        or engagement.import_findings != draft.engagement_findings()
    )


# -- writing -------------------------------------------------------------------


def _data_source(file_name: str, organisation: Organisation) -> DataSource:
    # Everyone starts from the same template file name: the organisation keeps sources apart.
    name = f"{file_name} ({organisation.short_name})"[:300]
    source, _created = DataSource.objects.update_or_create(
        kind=DataSource.Kind.SPREADSHEET,
        name=name,
        defaults={"publisher": organisation, "last_refreshed_at": timezone.now()},
    )
    return source


def _write_row(outcome: RowOutcome, organisation: Organisation, user, source: DataSource) -> None:
    if outcome.action == Action.SKIP:
        return
    if outcome.action == Action.UNCHANGED:
        if outcome.matched.source_id != source.pk:
            attach_to_source(outcome.matched, source, acting_user=user)
        return
    try:
        with transaction.atomic():
            if outcome.action == Action.CREATE:
                outcome.engagement = _create(outcome.draft, organisation, user, source)
            else:
                outcome.engagement = _update(outcome.matched, outcome.draft, organisation, user, source)
    except ValidationError as refusal:
        _refused_by_registry(outcome, refusal)


def attach_to_source(engagement: Engagement, source: DataSource, *, acting_user) -> Engagement:
    """An unchanged row read from another file: the engagement now comes from that file. Only the
    source changes (and its history says so); the engagement keeps its date of last change."""
    with transaction.atomic():
        engagement = _locked_for_import(engagement, acting_user)
        before = {"source": str(engagement.source) if engagement.source_id else ""}
        engagement.source = source
        engagement.save(update_fields=["source"])
        record_change(engagement, ObjectChange.Action.UPDATE, before, {"source": str(source)}, user=acting_user)
    return engagement


def _locked_for_import(engagement: Engagement, acting_user) -> Engagement:
    locked = Engagement.objects.visible_to(acting_user).select_for_update(of=("self",)).filter(pk=engagement.pk).first()
    if locked is None or not can_edit(acting_user, locked):
        raise PermissionDenied(
            _("Only editors, coordinators and administrators of %(organisation)s may import its engagements.")
            % {"organisation": engagement.owner}
        )
    return locked


def _create(draft: RowDraft, organisation: Organisation, user, source: DataSource) -> Engagement:
    data = EngagementInput(
        owner=organisation,
        fields={**DEFAULTS, **draft.fields},
        countries=draft.countries,
        themes=draft.themes,
        participations=draft.participations,
        money=draft.money,
        source=source,
        import_findings=draft.engagement_findings(),
    )
    return create_engagement(data, acting_user=user, provenance=Provenance.SPREADSHEET)


def _update(
    engagement: Engagement, draft: RowDraft, organisation: Organisation, user, source: DataSource
) -> Engagement:
    """The row's columns replace what the hub holds; links and named readers stay, and so do
    the themes when the row gives none (coordinators often add them in the hub)."""
    data = input_from_engagement(engagement)
    data.owner = organisation
    data.fields.update(draft.fields)
    data.countries = draft.countries
    data.themes = draft.themes or data.themes
    data.participations = draft.participations
    data.money = draft.money
    data.source, data.import_findings = source, draft.engagement_findings()
    return update_engagement(engagement, data, acting_user=user)


def _refused_by_registry(outcome: RowOutcome, refusal: ValidationError) -> None:
    """A rule the preview did not foresee: the row is kept out, with the registry's reasons."""
    for name, messages in refusal.message_dict.items():
        for message in messages:
            outcome.draft.findings.append(Finding(Tier.CRITICAL, message, row=outcome.draft.number, column=name))
    outcome.action, outcome.engagement = Action.SKIP, None
