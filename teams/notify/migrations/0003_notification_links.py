"""Notifications made before they linked to the very message or card get that link too."""
from django.db import migrations


def relink(apps, schema_editor):
    from teams.notify.rules import url_for  # reads only kind, data and the team's slug

    Notification = apps.get_model("notify", "Notification")
    changed = []
    for notification in Notification.objects.filter(event__isnull=False, team__isnull=False) \
            .select_related("event", "team").iterator(chunk_size=500):
        url = url_for(notification.kind, notification.event, notification.team)
        if url != notification.url:
            notification.url = url
            changed.append(notification)
    Notification.objects.bulk_update(changed, ["url"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("notify", "0002_mailpreference_language"),
        ("board", "0001_initial"),
        ("discussion", "0001_initial"),
    ]

    operations = [migrations.RunPython(relink, migrations.RunPython.noop)]
