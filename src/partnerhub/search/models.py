"""The search index: one entry per searchable record, rebuilt from the records at any time.

The entries hold the original title and body (for the snippets) and their stems (for matching);
the full-text index over the stems is SQLite's FTS5 table ``search_fts`` or PostgreSQL's tsvector
columns, both created by migration 0002 for their database only.

An entry of a record with a sharing level of its own also keeps who may read it (its *audience*, as
``core.visibility.audience_of`` gives it): the sharing level, the owner and the organisations, Member
States and partner countries the level consults, written with the entry from the record whenever the
record or one of those lists changes. ``core.visibility.visibility_q`` then decides on the entry what it
decides on the record, and a search checks tens of thousands of matches without reading their records.
Entries of child rows and of public models keep no audience (no sharing level): their record's own
``visible_to`` is asked (``search.statement``).
"""

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from partnerhub.access.models import Organisation
    from partnerhub.geo.models import Country
    from partnerhub.registry.models import Theme


class SearchEntry(models.Model):
    kind = models.CharField(_("type"), max_length=30, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    title = models.TextField(_("title"))
    body = models.TextField(_("body"), blank=True)
    title_stems = models.TextField(blank=True)
    body_stems = models.TextField(blank=True)
    title_words = models.TextField(blank=True)
    date = models.DateField(_("date"), null=True, blank=True, db_index=True)
    # The record's audience (see the module's description); no sharing level where the record's rule
    # is asked. visibility_q reads these fields by the names ConfidentialModel gives them. Nullable,
    # so that SQLite adds the columns in place: rebuilding the table would drop the full-text triggers.
    PARTNER_COUNTRIES_FIELD = "partner_countries"
    sharing_level = models.CharField(max_length=12, null=True, blank=True)  # noqa: DJ001 (see above)
    owner = models.ForeignKey("access.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    shared_with_organisations: "models.ManyToManyField[Organisation, Any]" = models.ManyToManyField(
        "access.Organisation", blank=True, related_name="+", db_table="search_entry_shared_organisation"
    )
    shared_with_countries: "models.ManyToManyField[Country, Any]" = models.ManyToManyField(
        "geo.Country", blank=True, related_name="+", db_table="search_entry_shared_country"
    )
    partner_countries: "models.ManyToManyField[Country, Any]" = models.ManyToManyField(
        "geo.Country", blank=True, related_name="+", db_table="search_entry_partner_country"
    )
    countries: "models.ManyToManyField[Country, SearchEntryCountry]" = models.ManyToManyField(
        "geo.Country", blank=True, related_name="+", through="SearchEntryCountry"
    )
    themes: "models.ManyToManyField[Theme, SearchEntryTheme]" = models.ManyToManyField(
        "registry.Theme", blank=True, related_name="+", through="SearchEntryTheme"
    )

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="search_entry_once")]
        indexes = [
            models.Index(fields=["kind", "object_id"]),
            # What a match needs of its entry, without the long texts: SQLite reads tens of thousands
            # of matches through it (search.backends names it).
            models.Index(
                fields=["id", "kind", "object_id", "date", "sharing_level", "owner"], name="search_entry_listing"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title[:60]}"


class SearchEntryCountry(models.Model):
    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey("geo.Country", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "country"], name="search_entry_country_once")]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.country_id}"


class SearchEntryTheme(models.Model):
    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey("registry.Theme", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "theme"], name="search_entry_theme_once")]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.theme_id}"
