"""A spreadsheet batch is a job (core.jobs.Job): its uploader is the one who started it,
a previewed batch is done at the stage "previewed" or "imported", and what the reader
found about rows and file is kept in the job's findings."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def to_job_finding(found):
    where = {name: found.get(key) for name, key in (("row", "row"), ("field", "column")) if found.get(key) is not None}
    return {"where": where, "severity": found["tier"], "message": found["reason"]}


def from_job_finding(entry):
    where = entry["where"]
    return {"row": where.get("row"), "column": where.get("field"), "tier": entry["severity"],
            "reason": entry["message"]}


def batches_become_jobs(apps, schema_editor):
    ImportBatch = apps.get_model("sheets", "ImportBatch")
    for batch in ImportBatch.objects.all():
        row_findings = [found for row in batch.rows for found in row.get("findings", [])]
        counts = batch.counts or {}
        ImportBatch.objects.filter(pk=batch.pk).update(
            status="done", stage=batch.status,
            findings=[to_job_finding(found) for found in [*batch.file_findings, *row_findings]],
            file_findings=[],
            rows=[{"number": row["number"], "cells": row["cells"]} for row in batch.rows],
            progress_total=counts.get("rows_read", 0),
            progress_done=counts.get("rows_read", 0) - counts.get("skipped", 0),
            started_at=batch.created_at, finished_at=batch.created_at, last_progress_at=batch.created_at,
        )


def jobs_become_batches(apps, schema_editor):
    ImportBatch = apps.get_model("sheets", "ImportBatch")
    for batch in ImportBatch.objects.all():
        findings = [from_job_finding(entry) for entry in batch.findings]
        numbers = {row["number"] for row in batch.rows}
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=batch.stage or "previewed",
            file_findings=[found for found in findings if found["row"] not in numbers],
            rows=[{**row, "findings": [found for found in findings if found["row"] == row["number"]]}
                  for row in batch.rows],
        )


class Migration(migrations.Migration):

    dependencies = [
        ('sheets', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name='importbatch',
            old_name='created_by',
            new_name='started_by',
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='started_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                    to=settings.AUTH_USER_MODEL, verbose_name='uploaded by'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='stage',
            field=models.CharField(blank=True, choices=[('previewed', 'Previewed, not imported yet'),
                                                        ('imported', 'Imported')],
                                   max_length=20, verbose_name='stage'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='progress_done',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='progress_total',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='last_progress_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='findings',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='report',
            field=models.JSONField(blank=True, null=True, verbose_name='report'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='error_message',
            field=models.TextField(blank=True, verbose_name='error message'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started at'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished at'),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='status',
            field=models.CharField(choices=[('queued', 'Waiting to start'), ('running', 'Running'),
                                            ('done', 'Done'), ('failed', 'Failed')],
                                   default='queued', max_length=10, verbose_name='status'),
        ),
        migrations.RunPython(batches_become_jobs, jobs_become_batches),
    ]
