"""The cluster's people beyond their login: the organisations they come from.

A person's Profile (teams.models) points to one Organisation; the directory, the suggestions and the
review's sector mix read the sector and location from here instead of a free-text name.
"""
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    COMPANY = "company", _("Company")
    CARE = "care", _("Hospital or care provider")
    RESEARCH = "research", _("University or research institute")
    INSURER = "insurer", _("Insurer")
    ASSOCIATION = "association", _("Association")
    PUBLIC = "public", _("Public body")
    OTHER = "other", _("Other")


class Location(models.TextChoices):
    BERLIN = "berlin", _("Berlin")
    BRANDENBURG = "brandenburg", _("Brandenburg")
    ELSEWHERE = "elsewhere", _("Elsewhere")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.OTHER)
    # Blank: not stated (organisations carried over from the old free-text field).
    location = models.CharField(_("location"), max_length=20, choices=Location.choices, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ignoring_case")]

    def __str__(self):
        return self.name
