"""What the partner government asks for, and the comments on it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnerhub.core.confidential import ConfidentialChild
from partnerhub.core.models import ConfidentialModel
from partnerhub.core.querysets import ConfidentialQuerySet
from partnerhub.core.sharing import SharingLevel


class PartnerPriority(ConfidentialModel):
    """A priority the partner government has stated, on one of the hub's themes.

    Recorded by coordinators or by the partner country's own users; shared by
    default with the EU side and the partner country.
    """

    sharing_level = models.CharField(
        _("sharing level"),
        max_length=12,
        choices=SharingLevel.choices,
        default=SharingLevel.PARTNER,
        db_index=True,
    )

    country = models.ForeignKey(
        "geo.Country",
        verbose_name=_("partner country"),
        on_delete=models.PROTECT,
        related_name="partner_priorities",
    )
    theme = models.ForeignKey("registry.Theme", verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("what the partner asks for"))
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the partner stated it: a strategy, a meeting, a letter."),
    )
    source_url = models.URLField(_("link to the source"), blank=True)
    stated_on = models.DateField(_("stated on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # django-stubs types managers as class variables and an as_manager() one cannot be annotated as
    # such (typeddjango/django-stubs#1713): the override is right at run time.
    objects = ConfidentialQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["country__name", "-stated_on", "pk"]
        verbose_name = _("partner priority")
        verbose_name_plural = _("partner priorities")

    def __str__(self) -> str:
        return f"{self.country.name}: {self.theme.name}"

    def get_absolute_url(self) -> str:
        return reverse("analysis:country_profile", args=[self.country.iso3]) + "#priorities"


class PriorityComment(ConfidentialChild):
    """A remark or proposal on a priority by someone who may read it but not change it.

    It exists for a reader only when the priority it is about does (registered in apps.py).
    """

    priority = models.ForeignKey(
        PartnerPriority, verbose_name=_("priority"), on_delete=models.CASCADE, related_name="comments"
    )
    organisation = models.ForeignKey(
        "access.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("comment or proposal"), max_length=2000)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment on a priority")
        verbose_name_plural = _("comments on priorities")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.text[:60]}"


# -- counted-once money, precomputed (see analysis.figures.counted) ----------------------------
#
# Derived from the engagements, their shares, money and funding links; rebuilt by
# ``analysis.figures.counted`` whenever those change. Amounts are whole micro-euros
# (1/1,000,000 EUR) so that both databases add them exactly (SQLite keeps decimals as floats).
# Each row names its engagement's audience (``CountedAudience``): a reader's rows are those whose
# audience ``visibility_q`` lets them read, which is what ``Engagement.objects.visible_to(user)``
# decides for the engagement. The engagement is not a foreign key so that a deleted engagement's
# rows stay until the refresh that removes them has found its chain.


class CountedAudience(models.Model):
    """Who may read an engagement, as ``core.visibility.audience_of`` gives it: its sharing level, its
    owner, and the organisations, Member States or partner countries the level consults. Engagements
    fall into a few thousand audiences at most, so a reader's visibility is decided once per audience
    (``visibility_q`` reads these fields by the names ``ConfidentialModel`` gives them) instead of once
    per engagement. Written when counted rows first need one, never changed (``key`` is the audience)."""

    PARTNER_COUNTRIES_FIELD = "partner_countries"
    key = models.TextField(unique=True)
    sharing_level = models.CharField(max_length=12)
    owner_id = models.BigIntegerField()
    shared_with_organisations = models.ManyToManyField(
        "access.Organisation", related_name="+", db_table="analysis_counted_audience_organisation"
    )
    shared_with_countries = models.ManyToManyField(
        "geo.Country", related_name="+", db_table="analysis_counted_audience_member_state"
    )
    partner_countries = models.ManyToManyField(
        "geo.Country", related_name="+", db_table="analysis_counted_audience_partner_country"
    )

    def __str__(self) -> str:
        return self.key


class CountedShare(models.Model):
    """One engagement in one partner country (engagements about migration only)."""

    engagement_id = models.BigIntegerField()
    country_id = models.BigIntegerField()
    # The smallest engagement id of its funding chain in this country; None when it has no
    # funding link with any other engagement there (its figures never depend on the reader).
    chain = models.BigIntegerField(null=True)
    owner_id = models.BigIntegerField()
    audience_id = models.BigIntegerField()
    instrument_id = models.BigIntegerField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country_id", "engagement_id"], name="counted_share_once")]
        indexes = [models.Index(fields=["engagement_id"]), models.Index(fields=["country_id", "chain"])]

    def __str__(self) -> str:
        return f"{self.engagement_id} in {self.country_id}"


# What the sums of a country's money read of each row, after the country, kind and year.
SUMMED_MONEY_COLUMNS = [
    "audience_id",
    "owner_id",
    "instrument_id",
    "engagement_id",
    "reported",
    "counted",
    "has_money",
    "netted",
]


class CountedMoney(models.Model):
    """Money of one kind of one engagement in one country: this country's share, as reported
    and counted once, for one year, or for all years together (``year`` None)."""

    engagement_id = models.BigIntegerField()
    country_id = models.BigIntegerField()
    chain = models.BigIntegerField(null=True)
    owner_id = models.BigIntegerField()
    audience_id = models.BigIntegerField()
    instrument_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=16)
    year = models.SmallIntegerField(null=True)
    reported = models.BigIntegerField()
    counted = models.BigIntegerField()
    # On the all-years row: whether the engagement has money of this kind at all (in any country),
    # and whether some of it is taken out because it is counted upstream (then ``sources`` says where).
    has_money = models.BooleanField(default=False)
    netted = models.BooleanField(default=False)
    sources = models.JSONField(null=True)

    class Meta:
        # Pages read a country's all-years rows of every kind, and one kind's yearly rows: these
        # indexes hold every column the sums read, so the table itself is not read.
        indexes = [
            models.Index(fields=["country_id", "year", "kind", *SUMMED_MONEY_COLUMNS], name="counted_money_by_year"),
            models.Index(fields=["country_id", "kind", "year", *SUMMED_MONEY_COLUMNS], name="counted_money_by_kind"),
            models.Index(fields=["engagement_id"]),
            # The pages over every partner country read the all-years rows of the engagements in
            # several countries (their repeats): this index holds what they read, not the table.
            models.Index(
                fields=["engagement_id", "kind", "country_id", "owner_id", "audience_id", "has_money"],
                condition=models.Q(year__isnull=True),
                name="counted_money_all_years_read",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} in {self.country_id}: {self.kind} {self.year or 'all years'}"


class CountedTheme(models.Model):
    """An engagement's part on one theme in one country: its weight (the theme's fraction, in
    millionths), and, for ``kind`` not empty, the counted money of that kind on the theme.
    ``theme_id`` None: the engagement has no theme (weight one, all its money)."""

    ALL_KINDS = ""

    engagement_id = models.BigIntegerField()
    country_id = models.BigIntegerField()
    chain = models.BigIntegerField(null=True)
    owner_id = models.BigIntegerField()
    audience_id = models.BigIntegerField()
    kind = models.CharField(max_length=16, blank=True)
    theme_id = models.BigIntegerField(null=True)
    pillar_id = models.BigIntegerField(null=True)
    weight = models.BigIntegerField()
    counted = models.BigIntegerField(default=0)
    # For ``kind`` not empty: whether the engagement has money of that kind (as ``CountedMoney``).
    has_money = models.BooleanField(default=False)
    # The first (lowest id) of the engagement's themes with a weight on this pillar: counting these
    # rows counts each engagement once per pillar, and the count can be added up across sums.
    first_on_pillar = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # Holds every column the sums of a country read, so the table itself is not read.
            models.Index(
                fields=[
                    "country_id",
                    "kind",
                    "audience_id",
                    "owner_id",
                    "theme_id",
                    "pillar_id",
                    "engagement_id",
                    "weight",
                    "counted",
                ],
                name="counted_theme_by_kind",
            ),
            models.Index(fields=["engagement_id"]),
            # The pages over every partner country read these rows of the engagements in several
            # countries (their repeats on a pillar): this index holds what they read, not the table.
            models.Index(
                fields=["engagement_id", "kind", "pillar_id", "country_id", "owner_id", "audience_id"],
                condition=models.Q(first_on_pillar=True, has_money=True),
                name="counted_theme_on_pillar",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} in {self.country_id}: theme {self.theme_id} {self.kind}"


class AmbiguousReference(models.Model):
    """A transaction of an engagement naming only an organisation that has several engagements in
    the country (so no funding link is drawn): a reader who sees just one of them gets the link."""

    engagement_id = models.BigIntegerField()
    country_id = models.BigIntegerField()
    organisation_ref = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["country_id"]), models.Index(fields=["engagement_id"])]

    def __str__(self) -> str:
        return f"{self.engagement_id} in {self.country_id} names {self.organisation_ref}"


# -- the rows added up per country, owner and audience (see analysis.figures.counted_sums) ----------


class SummedShares(models.Model):
    """The number of engagements of one owner and audience in one country (``CountedShare`` rows).

    The three sums hold each country's rows twice: added up per audience, and per sharing level
    (``audience_id`` empty) — the sums of a level that a reader reads whole, whatever the owner or
    the lists (the EU side reads every partner-level record), are read from the few per-level rows."""

    country_id = models.BigIntegerField()
    audience_id = models.BigIntegerField(null=True)
    sharing_level = models.CharField(max_length=12)
    owner_id = models.BigIntegerField()
    engagements = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["country_id", "audience_id"])]

    def __str__(self) -> str:
        return f"{self.country_id}, audience {self.audience_id}, owner {self.owner_id}"


class SummedMoney(models.Model):
    """The all-years ``CountedMoney`` rows of one owner, audience and kind in one country, added up;
    ``with_money``: how many of those engagements have money of the kind."""

    country_id = models.BigIntegerField()
    audience_id = models.BigIntegerField(null=True)
    sharing_level = models.CharField(max_length=12)
    owner_id = models.BigIntegerField()
    kind = models.CharField(max_length=16)
    reported = models.BigIntegerField()
    counted = models.BigIntegerField()
    with_money = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["country_id", "audience_id"])]

    def __str__(self) -> str:
        return f"{self.country_id}, audience {self.audience_id}, owner {self.owner_id}: {self.kind}"


class SummedThemes(models.Model):
    """The ``CountedTheme`` rows of one owner, audience, kind and theme in one country, added up; the
    per-level sums (``audience_id`` empty) hold only Team Europe's rows, every owner together
    (``owner_id`` empty): the pages read no other themes over many countries."""

    country_id = models.BigIntegerField()
    audience_id = models.BigIntegerField(null=True)
    sharing_level = models.CharField(max_length=12)
    owner_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=16, blank=True)
    theme_id = models.BigIntegerField(null=True)
    pillar_id = models.BigIntegerField(null=True)
    weight = models.BigIntegerField()
    counted = models.BigIntegerField()
    lines = models.IntegerField()
    # Engagements with money of the kind counted once on the theme's pillar (``first_on_pillar`` rows).
    on_pillar = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["country_id", "audience_id"])]

    def __str__(self) -> str:
        return f"{self.country_id}, audience {self.audience_id}, owner {self.owner_id}: {self.kind} {self.theme_id}"


class SumsOutdated(models.Model):
    """A country whose counted rows changed since its sums were added up."""

    country_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return str(self.country_id)


class FiguresOutdated(models.Model):
    """Engagements changed since their counted rows were computed (written in the same
    transaction as the change, so a crash between the two never leaves stale figures)."""

    engagement_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return str(self.engagement_id)
