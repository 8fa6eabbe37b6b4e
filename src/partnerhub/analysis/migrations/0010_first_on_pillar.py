"""Counted theme rows mark the first of an engagement's themes on each pillar, and the theme sums count
those rows, so that the engagements on a pillar are added up from the sums. The rows kept so far have no
mark: they are dropped with their sums here, and the ``post_migrate`` receiver of
``analysis.figures.counted_signals`` computes them again (as it did for ``0008``)."""

from django.db import migrations, models

DERIVED = (
    "CountedShare",
    "CountedMoney",
    "CountedTheme",
    "AmbiguousReference",
    "FiguresOutdated",
    "SummedShares",
    "SummedMoney",
    "SummedThemes",
    "SumsOutdated",
)


def drop_rows_without_mark(apps, schema_editor):
    for name in DERIVED:
        apps.get_model("analysis", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("analysis", "0009_sums_per_level")]

    operations = [
        migrations.RunPython(drop_rows_without_mark, migrations.RunPython.noop),
        migrations.AddField(
            model_name="countedtheme", name="first_on_pillar", field=models.BooleanField(default=False)
        ),
        migrations.AddField(model_name="summedthemes", name="pillar_id", field=models.BigIntegerField(null=True)),
        migrations.AddField(model_name="summedthemes", name="on_pillar", field=models.IntegerField(default=0)),
        migrations.RemoveIndex(model_name="countedmoney", name="counted_money_all_years"),
        migrations.AddIndex(
            model_name="countedmoney",
            index=models.Index(
                condition=models.Q(("year__isnull", True)),
                fields=["engagement_id", "kind", "country_id", "owner_id", "audience_id", "has_money"],
                name="counted_money_all_years_read",
            ),
        ),
        migrations.AddIndex(
            model_name="countedtheme",
            index=models.Index(
                condition=models.Q(("first_on_pillar", True), ("has_money", True)),
                fields=["engagement_id", "kind", "pillar_id", "country_id", "owner_id", "audience_id"],
                name="counted_theme_on_pillar",
            ),
        ),
    ]
