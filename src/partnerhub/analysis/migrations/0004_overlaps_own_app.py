# Overlap pairs and finder runs now belong to the overlaps app (overlaps 0001),
# which keeps their tables: only the migration state forgets them here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('analysis', '0003_priority_comments'),
        # Reads analysis.overlappair's historical model: it must run before the model leaves this app.
        ('core', '0002_change_history_sharing_level'),
        ('overlaps', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='OverlapPair'),
                migrations.DeleteModel(name='OverlapRun'),
            ],
        ),
    ]
