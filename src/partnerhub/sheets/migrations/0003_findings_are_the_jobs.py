"""The file's findings now sit in the job's findings, beside the rows'."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('sheets', '0002_import_batch_is_a_job'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='importbatch',
            name='file_findings',
        ),
    ]
