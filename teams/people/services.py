"""The write path for organisations: a person names theirs; the same name (ignoring case and spaces) is one."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Organisation, Sector

MAX_NAME = 200


def organisation_named(name: str, sector: str = "", location: str = "") -> Organisation:
    """The organisation of this name, made with `sector` and `location` if it is new. An existing one keeps
    its sector and location, except where they were not stated yet."""
    name = " ".join(str(name).split())
    if not name:
        raise ValidationError(_("Name your organisation."), code="required")
    if len(name) > MAX_NAME:
        raise ValidationError(_("The organisation's name is too long."), code="max_length")
    organisation = Organisation.objects.filter(name__iexact=name).first()
    if organisation is None:
        return Organisation.objects.create(name=name, sector=sector or Sector.OTHER, location=location)
    changed = []
    if location and not organisation.location:
        organisation.location = location
        changed.append("location")
    if sector and organisation.sector == Sector.OTHER:
        organisation.sector = sector
        changed.append("sector")
    if changed:
        organisation.save(update_fields=changed)
    return organisation
