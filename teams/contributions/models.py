"""What a member brings to their team: "experts make their own resources available to the group" (master plan).

One row per membership (a OneToOne in its own app, so the teams app's migrations stay untouched): stated by the
member themself only (services.state_contribution), gone with the membership. Every field is optional.
"""
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_HOURS = 200  # per month: more than a full-time position is a typo
TEXT_MAX = 300
OFFERS = ("facilities", "data", "funding", "network")  # the text fields, in the order shown
OFFER_LABELS = {"facilities": _("Facilities"), "data": _("Data"), "funding": _("Funding"), "network": _("Network")}


class Contribution(models.Model):
    membership = models.OneToOneField("teams.Membership", on_delete=models.CASCADE, related_name="contribution")
    hours_per_month = models.PositiveSmallIntegerField(_("hours per month"), default=0,
                                                       validators=[MaxValueValidator(MAX_HOURS)])
    facilities = models.CharField(OFFER_LABELS["facilities"], max_length=TEXT_MAX, blank=True)
    data = models.CharField(OFFER_LABELS["data"], max_length=TEXT_MAX, blank=True)
    funding = models.CharField(OFFER_LABELS["funding"], max_length=TEXT_MAX, blank=True)
    network = models.CharField(OFFER_LABELS["network"], max_length=TEXT_MAX, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [models.CheckConstraint(condition=models.Q(hours_per_month__lte=MAX_HOURS),
                                              name="contribution_hours_within_a_month")]

    def __str__(self):
        return f"{self.membership_id}: {self.hours_per_month} h"

    @property
    def offers(self) -> list[tuple[str, str]]:
        """(translated label, text) of each stated offer."""
        return [(str(OFFER_LABELS[name]), getattr(self, name)) for name in OFFERS if getattr(self, name)]

    @property
    def is_empty(self) -> bool:
        return not self.hours_per_month and not self.offers
