"""The engagement registry: who does what, where, when, on which theme, with how much."""

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnerhub.core.confidential import ConfidentialChild
from partnerhub.core.models import ConfidentialModel, Versioned
from partnerhub.core.names import NamedInLanguages
from partnerhub.core.querysets import ConfidentialQuerySet
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import circle_of

if TYPE_CHECKING:
    from partnerhub.access.models import Organisation
    from partnerhub.geo.models import Country


class Interest(models.TextChoices):
    """Whose interest a theme mainly serves: the heart of the balance analysis."""

    EU = "eu", _("Mainly the EU")
    PARTNER = "partner", _("Mainly the partner country")
    SHARED = "shared", _("Shared")


class Theme(NamedInLanguages, models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent theme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    interest = models.CharField(_("mainly serves"), max_length=10, choices=Interest.choices)
    description = models.TextField(_("description"), blank=True)
    sources = models.CharField(_("sources"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.localized_name

    def descendant_ids(self) -> set[int]:
        """This theme and every theme below it (the taxonomy is shallow)."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(Theme.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.update(frontier)
        return ids


class Instrument(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("type"), max_length=200, blank=True)
    managed_by = models.CharField(_("managed by"), max_length=300, blank=True)
    period = models.CharField(_("period"), max_length=200, blank=True)
    flexible_crisis_response = models.CharField(_("flexible in a crisis"), max_length=10, blank=True)
    flexibility_note = models.TextField(_("how it is flexible"), blank=True)
    description = models.TextField(_("description"), blank=True)
    sources = models.CharField(_("sources"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}" if len(self.name) < 60 else self.code


class EngagementKind(models.TextChoices):
    PROJECT = "project", _("Project")
    PROGRAMME = "programme", _("Programme")
    DIALOGUE = "dialogue", _("Political dialogue")
    AGREEMENT = "agreement", _("Agreement or arrangement")
    NEGOTIATION = "negotiation", _("Negotiation track")
    MISSION = "mission", _("Mission or visit")
    OTHER = "other", _("Other")


class EngagementStatus(models.TextChoices):
    """The IATI activity status codes 1–6, in words."""

    PIPELINE = "pipeline", _("Pipeline or identification")
    IMPLEMENTATION = "implementation", _("Implementation")
    FINALISATION = "finalisation", _("Finalisation")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    SUSPENDED = "suspended", _("Suspended")


class Provenance(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    SPREADSHEET = "spreadsheet", _("Spreadsheet import")
    IATI = "iati", _("IATI import")


class Language(models.TextChoices):
    """The EU's 24 official languages; content keeps the language it was written in."""

    BG = "bg", "български"
    CS = "cs", "čeština"
    DA = "da", "dansk"
    DE = "de", "Deutsch"
    EL = "el", "ελληνικά"
    EN = "en", "English"
    ES = "es", "español"
    ET = "et", "eesti"
    FI = "fi", "suomi"
    FR = "fr", "français"
    GA = "ga", "Gaeilge"
    HR = "hr", "hrvatski"
    HU = "hu", "magyar"
    IT = "it", "italiano"
    LT = "lt", "lietuvių"
    LV = "lv", "latviešu"
    MT = "mt", "Malti"
    NL = "nl", "Nederlands"
    PL = "pl", "polski"
    PT = "pt", "português"
    RO = "ro", "română"
    SK = "sk", "slovenčina"
    SL = "sl", "slovenščina"
    SV = "sv", "svenska"


class DataSource(models.Model):
    """Where imported engagements come from: an IATI file of a publisher, or an
    organisation's spreadsheet. Shows when it was last refreshed."""

    class Kind(models.TextChoices):
        IATI = "iati", _("IATI activity file")
        SPREADSHEET = "spreadsheet", _("Spreadsheet")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    publisher = models.ForeignKey(
        "access.Organisation",
        verbose_name=_("publisher"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_sources",
    )
    last_refreshed_at = models.DateTimeField(_("last refreshed"), null=True, blank=True)
    stale_after_days = models.PositiveIntegerField(_("stale after (days)"), default=120)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="data_source_once")]
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")

    def __str__(self) -> str:
        return self.name


# How many records, in a list's order, ``first_in_order`` reads before reading every one.
LEADING_CANDIDATES = 2000


class EngagementQuerySet(ConfidentialQuerySet["Engagement"]):
    def in_stable_order(self) -> "EngagementQuerySet":
        """The chosen order (else the default one) with ties broken by id, so that
        no record moves between pages."""
        chosen = list(self.query.order_by or self.model._meta.ordering or ())
        tie_breaker = [] if {"pk", "-pk"} & set(chosen) else ["-pk"]
        return self.order_by(*chosen, *tie_breaker)

    def with_list_relations(self) -> "EngagementQuerySet":
        """Everything a list row shows, in a fixed number of queries."""
        return self.select_related("owner", "instrument").prefetch_related(
            "country_shares__country", "theme_shares__theme"
        )

    def with_page_relations(self) -> "EngagementQuerySet":
        """Everything a row of one page of a list shows, in a fixed number of queries. The owners and
        instruments are read for the page's rows afterwards, not joined: with the join, SQLite's
        planner starts from the organisations and sorts every visible record to find the first page;
        alone, the engagements are read in order from the ``updated_at`` index until the page is full.
        (Exports read every row: there the join is cheaper, see ``with_list_relations``.)"""
        return self.select_related(None).prefetch_related(
            "owner", "instrument", "country_shares__country", "theme_shares__theme"
        )

    def first_in_order(
        self, count: int, *ordering: str, among: "EngagementQuerySet | None" = None
    ) -> list["Engagement"]:
        """The first ``count`` of these records in ``ordering`` (ending in a unique field). Looked for first
        among the first ``LEADING_CANDIDATES`` of ``among`` (every record unless narrowed, such as to a date
        window) in the same order, read from an index, then over all of them when those hold fewer: a
        country's latest records are found in a few hundred rows, where the planner otherwise reads all
        the country's records to sort them (35 ms of a profile at 11,700)."""
        ordered = self.order_by(*ordering)
        candidates = among if among is not None else Engagement.objects.all()
        leading = candidates.unrestricted("only which records come first; the records read are these").order_by(
            *ordering
        )[:LEADING_CANDIDATES]
        found = list(ordered.filter(pk__in=leading.values("pk"))[:count])
        if len(found) == count or not leading[LEADING_CANDIDATES - 1 : LEADING_CANDIDATES].exists():
            return found
        return list(ordered[:count])

    def holds_demo(self) -> bool:
        """Whether these records include demo data. The few demo records (a partial index) are asked
        first: a database without any answers at once, where asking the records in scope reads
        every one of them (0.18 s over 100,000)."""
        any_demo = Engagement.objects.unrestricted("only whether any demo record exists, not which or how many")
        return any_demo.filter(is_demo=True).exists() and self.filter(is_demo=True).exists()

    def about_migration(self) -> "EngagementQuerySet":
        """What figures and lists count: records entered in the hub, and imported ones the
        classifier found about migration (an import with --all keeps the others too)."""
        return self.filter(migration_relevant=True)


RELEVANCE_FIELDS = {"title": _("the title"), "description": _("the description")}


def describe_relevance_reason(reason: dict[str, Any]) -> str:
    """One reason the classifier gave, as a sentence part (see iati.classifier.Reason)."""
    if reason.get("kind") == "code":
        return _("purpose code %(code)s (%(name)s)") % {"code": reason.get("text", ""), "name": reason.get("name", "")}
    field = str(reason.get("field", ""))
    return _("“%(words)s” in %(field)s") % {
        "words": reason.get("text", ""),
        "field": RELEVANCE_FIELDS.get(field, field),
    }


class Engagement(Versioned, ConfidentialModel):
    kind = models.CharField(_("kind"), max_length=20, choices=EngagementKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language of title and description"),
        max_length=2,
        choices=Language.choices,
        default=Language.EN,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EngagementStatus.choices,
        default=EngagementStatus.PIPELINE,
        db_index=True,
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    # The actual date where known, else the planned one; kept in step on save so
    # that the year filter can use an index.
    start_date = models.DateField(_("start"), null=True, blank=True, editable=False, db_index=True)
    end_date = models.DateField(_("end"), null=True, blank=True, editable=False, db_index=True)
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagements",
    )
    countries: "models.ManyToManyField[Country, EngagementCountry]" = models.ManyToManyField(
        "geo.Country", through="EngagementCountry", related_name="engagements", blank=True
    )
    themes: "models.ManyToManyField[Theme, EngagementTheme]" = models.ManyToManyField(
        Theme, through="EngagementTheme", related_name="engagements", blank=True
    )
    organisations: "models.ManyToManyField[Organisation, Participation]" = models.ManyToManyField(
        "access.Organisation", through="Participation", related_name="participations", blank=True
    )
    provenance = models.CharField(
        _("provenance"),
        max_length=12,
        choices=Provenance.choices,
        default=Provenance.MANUAL,
        db_index=True,
    )
    iati_identifier = models.CharField(_("IATI identifier"), max_length=200, unique=True, null=True, blank=True)
    external_reference = models.CharField(_("organisation's own reference"), max_length=100, blank=True, db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    humanitarian = models.BooleanField(_("humanitarian"), default=False)
    action_plan_reference = models.CharField(_("Action Plan reference"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Kept in the hub; never exported."))
    source = models.ForeignKey(
        "registry.DataSource",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagements",
    )
    iati_last_updated = models.DateTimeField(_("last updated by the IATI publisher"), null=True, blank=True)
    # Set when the activity vanished from the publisher's files in the IATI Registry (iati.sync);
    # the record stays, with its history, and is cleared if the publisher states it again.
    withdrawn_at = models.DateTimeField(_("withdrawn by its publisher"), null=True, blank=True)
    # What an import read but the registry has no column for (policy markers,
    # tags, sectors of other vocabularies, regions, narratives in other
    # languages, related activities), kept so that the export can give it back.
    iati_extra = models.JSONField(_("further IATI data"), default=dict, blank=True)
    # Problems an import found and flagged: [{"tier", "field", "message"}].
    import_findings = models.JSONField(_("import findings"), default=list, blank=True)
    # The classifier's verdict on an imported record; what people enter by hand
    # or by spreadsheet is about migration by definition.
    migration_relevant = models.BooleanField(_("migration-relevant"), default=True, db_index=True)
    # Why it was kept: [{"kind": "code" | "term", "field", "text"}], see iati.classifier.
    relevance_reasons = models.JSONField(_("reasons for relevance"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    # django-stubs types managers as class variables and an as_manager() one cannot be annotated as
    # such (typeddjango/django-stubs#1713): the override is right at run time.
    objects = EngagementQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        indexes = [
            models.Index(fields=["owner", "sharing_level"]),
            models.Index(fields=["start_date", "end_date"]),
            models.Index(fields=["title"]),
            # Every column the lists' count reads (visible_to and the default relevance filter; the
            # id comes with it): counting scans this narrow index, not the records with their texts.
            models.Index(fields=["migration_relevant", "sharing_level", "owner"], name="engagement_visibility"),
            models.Index(fields=["is_demo"], condition=models.Q(is_demo=True), name="engagement_demo"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("registry:engagement_detail", args=[self.pk])

    def notes_for(self, user: AnyUser | None) -> str:
        """Notes are the coordinators' working remarks: the owner and the EU side
        read them, even on a public record; partner-country users and visitors do not."""
        circle = circle_of(user)
        return self.notes if circle.eu_side or self.owner_id in circle.organisation_ids else ""

    def relevance_explanations(self) -> list[str]:
        """The classifier's reasons, readable: "“refugees” in the title", "purpose code 15190 (…)"."""
        return [
            describe_relevance_reason(reason) for reason in self.relevance_reasons or [] if isinstance(reason, dict)
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.start_date = self.actual_start or self.planned_start
        self.end_date = self.actual_end or self.planned_end
        super().save(*args, **kwargs)


class Share(models.Model):
    """A percentage share, optional: blank means "not split"."""

    share = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        abstract = True


class EngagementCountry(Share, ConfidentialChild):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="country_shares")
    country = models.ForeignKey("geo.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["engagement", "country"], name="engagement_country_once")]
        indexes = [models.Index(fields=["country", "engagement"])]
        ordering = ["-share", "country__name"]

    def __str__(self) -> str:
        return f"{self.country.iso3} {self.share or ''}".strip()


class EngagementRegion(Share, ConfidentialChild):
    """A recipient region and its share: money for a regional programme, which counts
    in the region (and its routes), never in a country."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="region_shares")
    region = models.ForeignKey(
        "geo.RecipientRegion", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["engagement", "region"], name="engagement_region_once")]
        indexes = [models.Index(fields=["region", "engagement"])]
        ordering = ["-share", "region__name"]
        verbose_name = _("recipient region share")
        verbose_name_plural = _("recipient region shares")

    def __str__(self) -> str:
        return f"{self.region.code} {self.share or ''}".strip()


class ThemeAssignment(models.TextChoices):
    USER = "user", _("Chosen by a user")
    CLASSIFIER = "classifier", _("Suggested by the classifier")


class EngagementTheme(Share, ConfidentialChild):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="theme_shares")
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+")
    assigned_by = models.CharField(
        _("assigned by"), max_length=12, choices=ThemeAssignment.choices, default=ThemeAssignment.USER
    )
    confidence = models.DecimalField(_("confidence"), max_digits=4, decimal_places=3, null=True, blank=True)
    explanation = models.TextField(_("why"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["engagement", "theme"], name="engagement_theme_once")]
        indexes = [models.Index(fields=["theme", "engagement"])]
        ordering = ["-share", "theme__name"]

    def __str__(self) -> str:
        return f"{self.theme.code} {self.share or ''}".strip()


class ParticipationRole(models.TextChoices):
    FUNDER = "funder", _("Funder")
    IMPLEMENTER = "implementer", _("Implementer")
    LEAD = "lead", _("Lead")
    COUNTERPART = "counterpart", _("Counterpart")
    EXTENDING = "extending", _("Extending")


class Participation(ConfidentialChild):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        "access.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=15, choices=ParticipationRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["engagement", "organisation", "role"], name="participation_once_per_role")
        ]
        indexes = [models.Index(fields=["organisation", "engagement"])]
        ordering = ["role", "organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation.short_name} ({self.get_role_display()})"


class MoneyKind(models.TextChoices):
    """Never added together: a pledge is not a commitment is not a payment."""

    BUDGET = "budget", _("Budget")
    COMMITMENT = "commitment", _("Commitment")
    DISBURSEMENT = "disbursement", _("Disbursement")
    EXPENDITURE = "expenditure", _("Expenditure")
    INCOMING = "incoming", _("Incoming funds")


# Who passed the money to whom, as IATI transactions say: organisations and activities.
TRANSACTION_PARTIES = ("provider_ref", "provider_activity", "receiver_ref", "receiver_activity")


class MoneyLine(ConfidentialChild):
    """Money is as confidential as the engagement it belongs to (registered in apps.py)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="money_lines")
    kind = models.CharField(_("kind"), max_length=12, choices=MoneyKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    # IATI defines the value date as the date of the exchange rate only; some
    # publishers set it to the day they extracted their data.
    value_date = models.DateField(_("value date"))
    transaction_date = models.DateField(
        _("transaction date"),
        null=True,
        blank=True,
        help_text=_("The day the publisher gives for the transaction; empty: the value date."),
    )
    period_start = models.DateField(
        _("start of the budget period"),
        null=True,
        blank=True,
        help_text=_("For a budget of a stated period; empty: the value date."),
    )
    is_correction = models.BooleanField(
        _("correction"),
        default=False,
        help_text=_("A negative amount that corrects an earlier commitment or disbursement."),
    )
    amount_eur = models.DecimalField(_("amount in EUR"), max_digits=18, decimal_places=2)
    # The funding chain, as IATI transactions state it: who passed the money
    # to whom, and from which activity to which.
    provider_ref = models.CharField(_("provider organisation"), max_length=200, blank=True)
    provider_activity = models.CharField(_("provider activity"), max_length=200, blank=True)
    receiver_ref = models.CharField(_("receiver organisation"), max_length=200, blank=True)
    receiver_activity = models.CharField(_("receiver activity"), max_length=200, blank=True)
    eur_rate_date = models.DateField(
        _("date of the ECB rate used"),
        null=True,
        blank=True,
        help_text=_("The ECB reference rate nearest to the value date; empty for EUR."),
    )

    class Meta:
        ordering = ["kind", "value_date", "pk"]
        # The counted rows look up the transactions naming an activity or an organisation. Most lines
        # name none: indexes of the named ones alone, which a query uses when it says "not empty"
        # too (SQLite's statistics of a column mostly empty would otherwise make it read the table).
        indexes = [
            models.Index(fields=["engagement", "kind"]),
            *(
                models.Index(fields=[party], condition=~models.Q(**{party: ""}), name=f"money_names_{party}")
                for party in TRANSACTION_PARTIES
            ),
        ]
        verbose_name = _("money line")
        verbose_name_plural = _("money lines")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency} ({self.dated})"

    @property
    def dated(self) -> date | None:
        """The day the line counts on (and so its year): the transaction date, the
        start of a budget's period, else the value date."""
        return self.transaction_date or self.period_start or self.value_date


class LinkKind(models.TextChoices):
    PART_OF = "part_of", _("is part of")
    FUNDED_BY = "funded_by", _("is funded by")
    FOLLOWS = "follows", _("follows on from")
    RELATED = "related", _("is related to")


class EngagementLink(ConfidentialChild):
    """A typed link from one engagement to another; each end keeps its own visibility."""

    source = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(
        Engagement,
        verbose_name=_("linked engagement"),
        on_delete=models.CASCADE,
        related_name="links_in",
    )
    kind = models.CharField(_("link"), max_length=12, choices=LinkKind.choices)
    from_iati = models.BooleanField(
        _("from IATI"), default=False, help_text=_("Stated by the publisher; replaced on re-import.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="link_once"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


def link_end_visible(user: AnyUser | None, end: str) -> models.Exists:
    """Whether a link's ``end`` ("source" or "target") is an engagement ``user`` may see, asked of each
    link (correlated): a record's few links are checked, where "in every visible id" reads the whole
    visible portfolio for them (45 ms each way at 100,000 engagements)."""
    return models.Exists(Engagement.objects.visible_to(user).filter(pk=models.OuterRef(f"{end}_id")))


class EngagementSector(ConfidentialChild):
    """A sector code as the publisher gave it (DAC 5- or 3-digit, or another vocabulary)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="sectors")
    vocabulary = models.CharField(_("vocabulary"), max_length=10, default="1")
    code = models.CharField(_("code"), max_length=40)
    percentage = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["vocabulary", "code"])]
        ordering = ["vocabulary", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return f"{self.vocabulary}:{self.code}"
