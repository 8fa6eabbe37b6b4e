# Overlap pairs and finder runs move here from the analysis app with their tables
# (analysis_overlappair, analysis_overlappair_countries, analysis_overlaprun): this
# migration creates them in the migration state only; analysis 0004 drops them from its state.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('analysis', '0003_priority_comments'),
        ('geo', '0004_recipient_region_name_in_french'),
        ('registry', '0006_theme_name_in_french'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OverlapRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('queued', 'Waiting to start'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], db_index=True, default='queued', max_length=10, verbose_name='status')),
                        ('stage', models.CharField(blank=True, max_length=20, verbose_name='stage')),
                        ('report', models.JSONField(blank=True, null=True, verbose_name='report')),
                        ('error_message', models.TextField(blank=True, verbose_name='error message')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='queued at')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                        ('country', models.ForeignKey(blank=True, help_text='Empty for a run over the whole portfolio.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='geo.country', verbose_name='partner country')),
                        ('started_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='started by')),
                    ],
                    options={
                        'verbose_name': 'overlap finder run',
                        'verbose_name_plural': 'overlap finder runs',
                        'db_table': 'analysis_overlaprun',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='OverlapPair',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('score', models.FloatField(verbose_name='score')),
                        ('text_similarity', models.FloatField(verbose_name='text similarity')),
                        ('explanation', models.JSONField(default=dict, verbose_name='why')),
                        ('first_fingerprint', models.CharField(max_length=64)),
                        ('second_fingerprint', models.CharField(max_length=64)),
                        ('decision', models.CharField(choices=[('pending', 'Not reviewed yet'), ('duplicate', 'Duplicate'), ('complementary', 'Complementary'), ('unrelated', 'Not related')], db_index=True, default='pending', max_length=15, verbose_name='decision')),
                        ('decision_note', models.TextField(blank=True, verbose_name='note')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('found_at', models.DateTimeField(verbose_name='found at')),
                        ('countries', models.ManyToManyField(related_name='+', to='geo.country', verbose_name='shared countries')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('first', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.engagement')),
                        ('second', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.engagement')),
                    ],
                    options={
                        'verbose_name': 'possible overlap',
                        'verbose_name_plural': 'possible overlaps',
                        'db_table': 'analysis_overlappair',
                        'ordering': ['-score', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('first', 'second'), name='overlap_pair_once'), models.CheckConstraint(condition=models.Q(('first__lt', models.F('second'))), name='overlap_pair_ordered')],
                    },
                ),
            ],
        ),
    ]
