from django.db import migrations, models

# Rows computed before this field existed get it from their money rows: the same engagement,
# country and kind, all years.
FILL_FROM_MONEY = """
UPDATE analysis_countedtheme SET has_money = EXISTS (
    SELECT 1 FROM analysis_countedmoney AS money
    WHERE money.engagement_id = analysis_countedtheme.engagement_id
      AND money.country_id = analysis_countedtheme.country_id
      AND money.kind = analysis_countedtheme.kind
      AND money.year IS NULL
      AND money.has_money
)
WHERE kind <> ''
"""


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0005_counted_money"),
    ]

    operations = [
        migrations.AddField(
            model_name="countedtheme",
            name="has_money",
            field=models.BooleanField(default=False),
        ),
        migrations.RunSQL(FILL_FROM_MONEY, migrations.RunSQL.noop),
    ]
