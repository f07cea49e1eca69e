"""What the cluster-wide pages (the directory, search) show of people and is written without a save of the
person or their profile (which renew the fragments themselves: teams/fragments.py): the fields of action a
person manages, set on the profile's admin page or by the demo, renew every cached fragment."""
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from teams import fragments
from teams.models import Profile


@receiver(m2m_changed, sender=Profile.fields_of_action.through, dispatch_uid="people_fields_of_action_changed")
def fields_of_action_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        fragments.renew_all()
