"""People are searchable by name, login and organisation: their rows are written by Django's auth, the admin and
the people services, so the index follows them through signals (team content follows the event log instead)."""
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from teams.models import Profile
from teams.people.models import Organisation

from .indexing import index_people

FOUND_BY = {"first_name", "last_name", "username", "is_active"}  # of the login: what people are found by


@receiver(post_save, sender=get_user_model(), dispatch_uid="search_person_saved")
def person_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and (update_fields is None or FOUND_BY & set(update_fields)):  # not at every login's last_login
        index_people([instance.pk])


@receiver(post_save, sender=Profile, dispatch_uid="search_profile_saved")
def profile_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_people([instance.user_id])


@receiver(post_save, sender=Organisation, dispatch_uid="search_organisation_saved")
def organisation_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:  # a renamed organisation: its people are found by the new name
        index_people(Profile.objects.filter(organisation=instance).values_list("user_id", flat=True))
