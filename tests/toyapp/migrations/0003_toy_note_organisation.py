import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_organisation_name_in_french"),
        ("toyapp", "0002_toy_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="toynote",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="toy_notes",
                to="access.organisation",
            ),
        ),
    ]
