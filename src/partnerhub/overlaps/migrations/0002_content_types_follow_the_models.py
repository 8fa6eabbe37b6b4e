# The change history and the events of overlap pairs (core.ObjectChange, core.Event) point to
# their content type, which named the app "analysis": it is renamed, so that the history
# written before the move stays attached to the same pairs (and permissions to the same models).

from django.db import migrations

MOVED = ("overlappair", "overlaprun")


def rename_content_types(apps, schema_editor, source="analysis", target="overlaps"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        _repoint(apps, old, new)


def _repoint(apps, old, new):
    """Both exist (post_migrate created the new one first): the rows follow to the new one."""
    for label in ("core.ObjectChange", "core.Event"):
        apps.get_model(label).objects.filter(content_type=old).update(content_type=new)
    apps.get_model("auth", "Permission").objects.filter(content_type=old).delete()
    old.delete()


def rename_back(apps, schema_editor):
    rename_content_types(apps, schema_editor, source="overlaps", target="analysis")


class Migration(migrations.Migration):

    dependencies = [
        ('overlaps', '0001_initial'),
        ('analysis', '0004_overlaps_own_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('core', '0002_change_history_sharing_level'),
    ]

    operations = [
        migrations.RunPython(rename_content_types, rename_back),
    ]
