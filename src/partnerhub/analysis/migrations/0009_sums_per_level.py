"""The sums over the counted rows are also kept per sharing level: the sums kept so far are dropped and
every country with rows is marked, so that the next page over many countries adds them up again."""

from django.db import migrations, models

SUMS = ("SummedShares", "SummedMoney", "SummedThemes")


def drop_sums_and_mark_countries(apps, schema_editor):
    for name in SUMS:
        apps.get_model("analysis", name).objects.all().delete()
    countries = apps.get_model("analysis", "CountedShare").objects.values_list("country_id", flat=True).distinct()
    outdated = apps.get_model("analysis", "SumsOutdated")
    outdated.objects.bulk_create([outdated(country_id=pk) for pk in countries], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("analysis", "0008_counted_audiences")]

    operations = [
        migrations.RunPython(drop_sums_and_mark_countries, migrations.RunPython.noop),
        *(
            migrations.AddField(
                model_name=name.lower(),
                name="sharing_level",
                field=models.CharField(max_length=12, default=""),
                preserve_default=False,
            )
            for name in SUMS
        ),
        *(
            migrations.AlterField(model_name=name.lower(), name="audience_id", field=models.BigIntegerField(null=True))
            for name in SUMS
        ),
        migrations.AlterField(model_name="summedthemes", name="owner_id", field=models.BigIntegerField(null=True)),
    ]
