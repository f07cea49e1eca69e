"""Every read of people for pages: the expert directory, a person's entry, keyword counts.

One query shape per page, constant in size: a page of people with their organisation, keywords, the fields
of action they manage, and their memberships in the teams the viewer may view (with those teams' fields).
"""
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, Q, QuerySet

from teams.models import FieldOfAction, Membership, Team
from teams.permissions import is_cluster_management

from .models import Expertise, Keyword, Organisation
from .permissions import visible_memberships


@dataclass
class Entry:
    """A person as the directory shows them to one viewer."""
    user: User
    organisation: Organisation | None = None
    keywords: list[Keyword] = field(default_factory=list)
    fields: list[FieldOfAction] = field(default_factory=list)  # managed, and their (visible) teams'
    # in the (visible) teams they are or were in: running teams first, then proposed, ended, concluded, archived
    memberships: list[Membership] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username


def people() -> QuerySet[User]:
    """Everyone the directory lists: active people, by name."""
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username", "pk")


def with_entry_data(users: QuerySet[User], visible: QuerySet[Membership]) -> QuerySet[User]:
    """`users` with what an Entry shows, of their memberships only the `visible` ones (permissions.py: those in
    the teams the viewer may view)."""
    memberships = (visible.select_related("team").prefetch_related("team__fields_of_action")
                   .order_by("team__name", "team_id"))
    return users.select_related("profile__organisation").prefetch_related(
        Prefetch("profile__expertise", queryset=Expertise.objects.select_related("keyword").order_by("position")),
        "profile__fields_of_action",
        Prefetch("memberships", queryset=memberships, to_attr="visible_memberships"),
    )


def _phase_rank(team: Team) -> int:
    return list(Team.Phase).index(team.phase)


def entry(user: User) -> Entry:
    """The Entry of a user loaded through `with_entry_data`."""
    profile = getattr(user, "profile", None)  # None: a person without a profile yet
    memberships: list[Membership] = getattr(user, "visible_memberships", [])
    fields = {f.pk: f for f in profile.fields_of_action.all()} if profile else {}
    for membership in memberships:
        fields.update((f.pk, f) for f in membership.team.fields_of_action.all())
    return Entry(user=user, organisation=profile.organisation if profile else None,
                 keywords=[expertise.keyword for expertise in profile.expertise.all()] if profile else [],
                 fields=[fields[pk] for pk in sorted(fields)],
                 memberships=sorted(memberships, key=lambda m: (_phase_rank(m.team), m.team.name.casefold())))


def entries(users) -> list[Entry]:
    """The Entries of users loaded through `with_entry_data` (a page of them)."""
    return [entry(user) for user in users]


def person(viewer: User, username: str) -> Entry:
    """One active person's entry; for cluster management a deactivated person's too (where they reactivate
    them). User.DoesNotExist for anyone else."""
    users = User.objects.all() if is_cluster_management(viewer) else people()
    return entry(with_entry_data(users, visible_memberships(viewer)).get(username=username))


def popular_keywords(limit: int = 100) -> list[Keyword]:
    """The keywords active people hold, the most held first (each with `people`, its count)."""
    held = Count("expertise", filter=Q(expertise__profile__user__is_active=True))
    return list(Keyword.objects.annotate(people=held).filter(people__gt=0).order_by("-people", "key")[:limit])
