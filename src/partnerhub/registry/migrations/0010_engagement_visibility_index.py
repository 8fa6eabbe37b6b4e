from django.db import migrations, models


class Migration(migrations.Migration):
    """The columns the engagement lists' count reads, so that counting scans an index, not the records."""

    dependencies = [
        ("registry", "0009_engagement_version"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="engagement",
            index=models.Index(fields=["migration_relevant", "sharing_level", "owner"], name="engagement_visibility"),
        ),
    ]
