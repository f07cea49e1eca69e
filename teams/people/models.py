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


class Keyword(models.Model):
    """An expertise keyword, stored once for everyone who names it: `key` is its normalised form (spaces
    collapsed, casefolded), what the directory filters and counts by; `label` the spelling it was first
    given, what everyone sees. People hold keywords through Expertise (Profile.keywords)."""

    key = models.CharField(max_length=180, unique=True)  # casefold can lengthen a label ("ß" → "ss")
    label = models.CharField(_("keyword"), max_length=60)
    profiles = models.ManyToManyField("teams.Profile", through="Expertise", related_name="keywords")

    class Meta:
        ordering = ["key"]
        verbose_name = _("expertise keyword")
        verbose_name_plural = _("expertise keywords")

    def __str__(self):
        return self.label


class Expertise(models.Model):
    """One keyword of one person, at the place they put it (their first is shown first)."""

    profile = models.ForeignKey("teams.Profile", on_delete=models.CASCADE, related_name="expertise")
    keyword = models.ForeignKey(Keyword, on_delete=models.CASCADE, related_name="expertise")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["profile", "position"]
        constraints = [models.UniqueConstraint(fields=["profile", "keyword"], name="a_keyword_once_per_person")]

    def __str__(self):
        return f"{self.profile} – {self.keyword}"
