"""Counted rows name their engagement's audience, and are added up per country, owner and audience.

The rows kept so far have no audience: they are dropped here, and the ``post_migrate`` receiver of
``analysis.figures.counted_signals`` computes them again, with their audiences and sums, once the
migration has run (as it did when the rows first appeared). The audience column's default only
serves the empty tables.
"""

from django.db import migrations, models

DERIVED = ("CountedShare", "CountedMoney", "CountedTheme", "AmbiguousReference", "FiguresOutdated")


def drop_rows_without_audience(apps, schema_editor):
    for name in DERIVED:
        apps.get_model("analysis", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_organisation_name_in_french"),
        ("analysis", "0007_counted_money_all_years_index"),
        ("geo", "0004_recipient_region_name_in_french"),
    ]

    operations = [
        migrations.RunPython(drop_rows_without_audience, migrations.RunPython.noop),
        migrations.CreateModel(
            name="SumsOutdated",
            fields=[
                ("country_id", models.BigIntegerField(primary_key=True, serialize=False)),
            ],
        ),
        migrations.AddField(
            model_name="countedmoney",
            name="audience_id",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="countedshare",
            name="audience_id",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="countedtheme",
            name="audience_id",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="CountedAudience",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.TextField(unique=True)),
                ("sharing_level", models.CharField(max_length=12)),
                ("owner_id", models.BigIntegerField()),
                (
                    "partner_countries",
                    models.ManyToManyField(
                        db_table="analysis_counted_audience_partner_country", related_name="+", to="geo.country"
                    ),
                ),
                (
                    "shared_with_countries",
                    models.ManyToManyField(
                        db_table="analysis_counted_audience_member_state", related_name="+", to="geo.country"
                    ),
                ),
                (
                    "shared_with_organisations",
                    models.ManyToManyField(
                        db_table="analysis_counted_audience_organisation", related_name="+", to="access.organisation"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SummedMoney",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("country_id", models.BigIntegerField()),
                ("audience_id", models.BigIntegerField()),
                ("owner_id", models.BigIntegerField()),
                ("kind", models.CharField(max_length=16)),
                ("reported", models.BigIntegerField()),
                ("counted", models.BigIntegerField()),
                ("with_money", models.IntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["country_id", "audience_id"], name="analysis_su_country_294820_idx")],
            },
        ),
        migrations.CreateModel(
            name="SummedShares",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("country_id", models.BigIntegerField()),
                ("audience_id", models.BigIntegerField()),
                ("owner_id", models.BigIntegerField()),
                ("engagements", models.IntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["country_id", "audience_id"], name="analysis_su_country_819340_idx")],
            },
        ),
        migrations.CreateModel(
            name="SummedThemes",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("country_id", models.BigIntegerField()),
                ("audience_id", models.BigIntegerField()),
                ("owner_id", models.BigIntegerField()),
                ("kind", models.CharField(blank=True, max_length=16)),
                ("theme_id", models.BigIntegerField(null=True)),
                ("weight", models.BigIntegerField()),
                ("counted", models.BigIntegerField()),
                ("lines", models.IntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["country_id", "audience_id"], name="analysis_su_country_70b0aa_idx")],
            },
        ),
    ]
