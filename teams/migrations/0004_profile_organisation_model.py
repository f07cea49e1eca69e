"""Profile.organisation: from free text to an Organisation (one per name, ignoring case and spaces)."""
from django.db import migrations, models
import django.db.models.deletion


def to_organisations(apps, schema_editor):
    Profile = apps.get_model("teams", "Profile")
    Organisation = apps.get_model("people", "Organisation")
    by_name = {}
    for profile in Profile.objects.exclude(organisation_name=""):
        name = " ".join(profile.organisation_name.split())
        if not name:
            continue
        organisation = by_name.get(name.lower())
        if organisation is None:
            organisation = by_name[name.lower()] = Organisation.objects.create(name=name)
        profile.organisation = organisation
        profile.save(update_fields=["organisation"])


def to_free_text(apps, schema_editor):
    Profile = apps.get_model("teams", "Profile")
    for profile in Profile.objects.exclude(organisation=None).select_related("organisation"):
        profile.organisation_name = profile.organisation.name
        profile.save(update_fields=["organisation_name"])


class Migration(migrations.Migration):

    dependencies = [
        ("teams", "0003_team_dates_message"),
        ("people", "0001_organisation"),
    ]

    operations = [
        migrations.RenameField("profile", "organisation", "organisation_name"),
        migrations.AddField(
            model_name="profile",
            name="organisation",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="profiles", to="people.organisation",
                                    verbose_name="organisation"),
        ),
        migrations.RunPython(to_organisations, to_free_text),
        migrations.RemoveField("profile", "organisation_name"),
    ]
