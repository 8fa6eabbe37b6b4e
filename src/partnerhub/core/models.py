"""Shared building blocks: the confidential base model and the two layers of history."""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerhub.core.querysets import ConfidentialQuerySet, unrestricted_block
from partnerhub.core.sharing import SharingLevel


class ConfidentialModel(models.Model):
    """A record owned by one organisation and shared as far as its sharing level says.

    ``PARTNER_COUNTRIES_FIELD`` names the field listing the partner countries a
    record concerns: it decides who reads ``partner`` records. The model's
    registration sets it (``core.confidential.register(…, partner_countries=…)``).
    """

    PARTNER_COUNTRIES_FIELD = "countries"

    owner = models.ForeignKey(
        "access.Organisation",
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sharing_level = models.CharField(
        _("sharing level"),
        max_length=12,
        choices=SharingLevel.choices,
        default=SharingLevel.EU,
        db_index=True,
    )
    shared_with_organisations = models.ManyToManyField(
        "access.Organisation",
        verbose_name=_("shared with organisations"),
        blank=True,
        related_name="+",
        help_text=_("For restricted records: the organisations outside the owner that may read it."),
    )
    shared_with_countries = models.ManyToManyField(
        "geo.Country",
        verbose_name=_("shared with Member States"),
        blank=True,
        related_name="+",
        help_text=_("For restricted records: Member States whose whole government may read it."),
    )

    # Every record is read through visible_to, hidden_from or unrestricted; a model may
    # declare a manager of its own built on ConfidentialQuerySet.
    objects = ConfidentialQuerySet.as_manager()

    class Meta:
        abstract = True

    # Django checks uniqueness through the default (scoped) manager; the check compares
    # with every record, as the database's own constraint would.
    def _perform_unique_checks(self, unique_checks: Any) -> dict[str, list[Any]]:
        with unrestricted_block("uniqueness is checked against every record, as the database does"):
            errors: dict[str, list[Any]] = super()._perform_unique_checks(  # type: ignore[misc]  # private method absent from the stubs
                unique_checks
            )
            return errors

    def _perform_date_checks(self, date_checks: Any) -> dict[str, list[Any]]:
        with unrestricted_block("uniqueness is checked against every record, as the database does"):
            errors: dict[str, list[Any]] = super()._perform_date_checks(  # type: ignore[misc]  # private method absent from the stubs
                date_checks
            )
            return errors

    def validate_constraints(self, exclude: Any = None) -> None:
        with unrestricted_block("constraints are checked against every record, as the database does"):
            return super().validate_constraints(exclude=exclude)


class Versioned(models.Model):
    """A record people edit together (optimistic locking, ``core.concurrency``).

    ``version`` moves on with every change; a save based on an older version is refused.
    A model whose ``version`` already means something else (an Action Plan's v1, v2…) keeps
    the counter in a field of its own and names it in ``lock_field``.
    """

    lock_field: ClassVar[str] = "version"

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


def lock_version_field() -> models.PositiveIntegerField:
    """The counter of ``Versioned``, for a model that names it otherwise (``lock_field``)."""
    return models.PositiveIntegerField(_("revision"), default=1, editable=False)


class ObjectChange(models.Model):
    """Field-level history: who changed what, when, from which value to which."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=300)
    action = models.CharField(max_length=10, choices=Action.choices)
    changes = models.JSONField(default=dict, help_text="{field: [old, new]}")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    request_id = models.CharField(max_length=36, blank=True)
    time = models.DateTimeField(auto_now_add=True, db_index=True)
    sharing_level = models.CharField(
        _("sharing level then"),
        max_length=12,
        choices=SharingLevel.choices,
        blank=True,
        help_text=_(
            "The record's sharing level in force when this change was written "
            "(before a deletion, after any other change)."
        ),
    )
    audience = models.JSONField(
        default=list,
        blank=True,
        help_text="Who could read the record when this change was written: a list of "
        "core.visibility.audience_of(record), one per record it depends on; a reader must be in all.",
    )

    class Meta:
        ordering = ["-time", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-time"])]
        verbose_name = _("change")
        verbose_name_plural = _("change history")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"


class Event(models.Model):
    """A named event that matters to people (``engagement.sharing_changed``,
    ``engagement.viewed``), written in the same transaction as its cause."""

    name = models.CharField(max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    time = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-time", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "name"])]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.name


class DataVersion(models.Model):
    """One row: the version of the data that computed figures are kept under (``core.dataversion``).

    ``epoch`` is drawn when the row is created, so that a database emptied and filled
    again (``flush``) never repeats a version that a shared cache still holds figures for.
    """

    epoch = models.CharField(max_length=32)
    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("data version")

    def __str__(self) -> str:
        return f"{self.epoch}.{self.number}"
