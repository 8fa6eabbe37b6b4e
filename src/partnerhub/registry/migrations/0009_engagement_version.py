from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_engagement_withdrawn_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="engagement",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
    ]
