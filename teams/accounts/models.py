"""What an account needs beyond Django's User: e-mail changes waiting for the new address to confirm them.

A change is made by `services.request_email_change` and applied by `services.confirm_email_change` from the
signed link mailed to the new address; until then the person's address stays the old one.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone


class EmailChange(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_changes")
    new_email = models.EmailField(max_length=254)
    old_email = models.EmailField(max_length=254, blank=True)  # the address it replaces: told once it is done
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)  # set once: a link works one time

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user_id}: {self.new_email}"
