"""The write path for people: organisations (a person names theirs; the same name, ignoring case and spaces,
is one) and professional profiles (a person's organisation and expertise keywords).

Services follow the contract in teams/services.py: the permission is checked here (teams/people/permissions.py),
everything is validated before the first write, and a refusal writes nothing.
"""
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teams.models import Profile
from teams.search import indexing
from teams.text_input import check_line

from .keywords import normalised_keywords, refuse_unprintable
from .models import Expertise, Keyword, Location, Organisation, Sector
from .permissions import can_edit_professional_profile

MAX_NAME = 200


def organisation_named(name: str, sector: str = "", location: str = "") -> Organisation:
    """The organisation of this name, made with `sector` and `location` if it is new. An existing one keeps
    its sector and location, except where they were not stated yet."""
    name = " ".join(str(name).split())
    check_line(name)
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


def _require_own_profile(actor: User, person: User) -> Profile:
    if not can_edit_professional_profile(actor, person):
        raise PermissionDenied(_("You can only change your own professional profile."))
    profile, _created = Profile.objects.get_or_create(user=person)
    return profile


def _keywords_for(keys_and_labels: dict[str, str]) -> dict[str, Keyword]:
    """The Keyword rows of these keys, the missing ones made (a concurrent maker of the same key is fine)."""
    found = {keyword.key: keyword for keyword in Keyword.objects.filter(key__in=keys_and_labels)}
    missing = [Keyword(key=key, label=label) for key, label in keys_and_labels.items() if key not in found]
    if missing:
        Keyword.objects.bulk_create(missing, ignore_conflicts=True)
        found = {keyword.key: keyword for keyword in Keyword.objects.filter(key__in=keys_and_labels)}
    return found


def _set_keywords(profile: Profile, keys_and_labels: dict[str, str]) -> list[Keyword]:
    found = _keywords_for(keys_and_labels) if keys_and_labels else {}
    keywords = [found[key] for key in keys_and_labels]
    Expertise.objects.filter(profile=profile).delete()
    Expertise.objects.bulk_create(Expertise(profile=profile, keyword=keyword, position=position)
                                  for position, keyword in enumerate(keywords))
    indexing.index_people([profile.user_id])  # people are found by their keywords (bulk writes send no signal)
    return keywords


@transaction.atomic
def set_expertise(actor: User, person: User, *, keywords: Iterable[object]) -> list[Keyword]:
    """`person`'s expertise keywords become exactly `keywords`, in this order (teams/people/keywords.py: how
    they are normalised and what is refused). Returns the person's keywords."""
    profile = _require_own_profile(actor, person)
    return _set_keywords(profile, normalised_keywords(keywords))


@transaction.atomic
def update_professional_profile(actor: User, person: User, *, organisation: str, sector: str = "",
                                location: str = "", keywords: Iterable[object] = ()) -> Profile:
    """The professional profile page: the person's organisation (an existing one by its name, or a new one
    with its sector and location; an empty name: none) and their expertise keywords, saved together."""
    profile = _require_own_profile(actor, person)
    errors: dict[str, list[ValidationError]] = {}
    if sector and sector not in Sector.values:
        errors.setdefault("sector", []).append(ValidationError(_("Unknown sector."), code="invalid_choice"))
    if location and location not in Location.values:
        errors.setdefault("location", []).append(ValidationError(_("Unknown location."), code="invalid_choice"))
    try:
        normalised = normalised_keywords(keywords)
    except ValidationError as exc:
        errors.setdefault("keywords", []).append(exc)
    name = " ".join(str(organisation).split())
    try:
        check_line(str(organisation))
        refuse_unprintable(str(organisation))
        if len(name) > MAX_NAME:
            raise ValidationError(_("The organisation's name is too long."), code="max_length")
    except ValidationError as exc:
        errors.setdefault("organisation", []).append(exc)
    if errors:
        raise ValidationError(errors)
    profile.organisation = organisation_named(name, sector, location) if name else None
    profile.save(update_fields=["organisation"])
    _set_keywords(profile, normalised)
    return profile
