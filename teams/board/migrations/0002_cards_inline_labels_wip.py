from django.db import migrations, models

# The colours labels were given before the palette (teams.board.labels.PALETTE) had names.
HEX_TO_KEY = {"#026aa2": "blue", "#5925dc": "violet", "#c11574": "pink", "#b54708": "orange", "#027a48": "green",
              "#3538cd": "indigo", "#b42318": "red", "#4e5ba6": "slate", "#475467": "gray"}


def colors_to_keys(apps, schema_editor):
    Label = apps.get_model("board", "Label")
    for hex_color, key in HEX_TO_KEY.items():
        Label.objects.filter(color__iexact=hex_color).update(color=key)
    Label.objects.exclude(color__in=list(HEX_TO_KEY.values())).update(color="slate")


def keys_to_colors(apps, schema_editor):
    Label = apps.get_model("board", "Label")
    for hex_color, key in HEX_TO_KEY.items():
        Label.objects.filter(color=key).update(color=hex_color)


class Migration(migrations.Migration):

    dependencies = [
        ('board', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='column',
            name='enforce_wip',
            field=models.BooleanField(default=False, verbose_name='enforce the WIP limit'),
        ),
        migrations.AlterField(
            model_name='label',
            name='color',
            field=models.CharField(default='slate', max_length=7),
        ),
        migrations.RunPython(colors_to_keys, keys_to_colors),
    ]
