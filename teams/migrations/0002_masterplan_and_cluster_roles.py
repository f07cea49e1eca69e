"""Load the master plan and create the cluster bodies' groups on every install."""
from django.db import migrations

CLUSTER_ROLES = ["cluster_management", "field_manager", "advisory_board", "expert_panel", "spokesperson"]


def load(apps, schema_editor):
    from teams.masterplan import load_masterplan

    load_masterplan(apps.get_model("teams", "FieldOfAction"), apps.get_model("teams", "FocalArea"),
                    apps.get_model("teams", "StrategicGoal"))
    Group = apps.get_model("auth", "Group")
    for name in CLUSTER_ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("teams", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
