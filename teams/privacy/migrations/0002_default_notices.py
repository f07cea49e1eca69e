"""The privacy notice and the imprint as shipped (teams/privacy/defaults/*.md), in German and English: version 1.
Cluster management edits them at /privacy/edit/ and /imprint/edit/; an existing notice is left as it is."""
from pathlib import Path

from django.db import migrations

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"
KINDS = ("privacy", "imprint")


def default_text(kind, language):
    return (DEFAULTS / f"{kind}.{language}.md").read_text(encoding="utf-8").strip()


def load(apps, schema_editor):
    Notice = apps.get_model("privacy", "Notice")
    for kind in KINDS:
        Notice.objects.get_or_create(kind=kind, defaults={
            "text_de": default_text(kind, "de"), "text_en": default_text(kind, "en"), "version": 1})


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
