"""Master plan, teams (list with filters, detail, launch, extend, conclude), memberships and invitations: each
read through the pages' selectors, each write through the same service the page calls."""
from collections.abc import Callable

import django_filters
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from teams import selectors, services
from teams.filters import TeamDirectoryFilter
from teams.invitations import services as invitations
from teams.invitations.models import Invitation
from teams.models import Event, Membership, Team
from teams.permissions import Action, require

from . import serializers as s
from .common import ApiView, NewestFirst, Page, SignedIn, any_team, body_of, private_team
from .problems import Problem


def event_response(event: Event | None, created: bool = False) -> Response:
    data = s.EventOrNothingSerializer({"event": event}).data
    return Response(data, status=status.HTTP_201_CREATED if created and event else status.HTTP_200_OK)


class MasterPlan(ApiView):
    @extend_schema(responses=s.MasterPlanSerializer, summary="The master plan: fields of action, focal areas, goals")
    def get(self, request: SignedIn) -> Response:
        fields, areas = selectors.masterplan()
        return Response(s.MasterPlanSerializer({"fields_of_action": fields, "focal_areas": areas}).data)


class TeamFilter(TeamDirectoryFilter):
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=Team.Phase.choices, method="in_phase")


class TeamList(ApiView, generics.ListAPIView):
    """Every team's public card (the directory), filtered by phase, goal (code), field (code) and q (name or
    purpose)."""
    serializer_class = s.TeamSerializer
    pagination_class = Page
    filter_backends = [DjangoFilterBackend]
    filterset_class = TeamFilter

    def get_queryset(self):
        return selectors.directory()


class TeamDetail(ApiView):
    @extend_schema(responses=s.TeamSerializer, summary="A team's public card")
    def get(self, request: SignedIn, slug: str) -> Response:
        team = any_team(slug)
        team.member_count = team.memberships.filter(state=Membership.State.ACTIVE).count()  # type: ignore[attr-defined]
        return Response(s.TeamSerializer(team).data)


class Lifecycle(ApiView):
    """A lifecycle step of the team (teams/services.py: cluster management only), answered with its event."""
    body: type[Serializer] | None = None
    service: Callable[..., Event]  # the service: (actor, team, **body)

    def post(self, request: SignedIn, slug: str) -> Response:
        data = body_of(self.body, request) if self.body else {}
        return event_response(self.service(request.user, any_team(slug), **data))


@extend_schema_view(post=extend_schema(request=s.LaunchSerializer, responses=s.EventOrNothingSerializer,
                                       summary="Launch a proposed team (cluster management)"))
class Launch(Lifecycle):
    body = s.LaunchSerializer
    service = staticmethod(services.launch_team)


@extend_schema_view(post=extend_schema(request=s.ExtendSerializer, responses=s.EventOrNothingSerializer,
                                       summary="Extend a running team to a later end date (cluster management)"))
class Extend(Lifecycle):
    body = s.ExtendSerializer
    service = staticmethod(services.extend_team)


@extend_schema_view(post=extend_schema(request=None, responses=s.EventOrNothingSerializer,
                                       summary="Conclude a team (cluster management)"))
class Conclude(Lifecycle):
    service = staticmethod(services.conclude_team)


class Memberships(ApiView, generics.ListAPIView):
    """The team's members (and open join requests): for those who may see the team's private content."""
    serializer_class = s.MembershipSerializer
    pagination_class = Page

    def get_queryset(self):
        team = private_team(self.request.user, self.kwargs["slug"])
        return Membership.objects.filter(team=team).select_related("user")


class Invitations(ApiView, generics.ListAPIView):
    """The team's invitations, newest first: for those who may invite (leads, supporters, cluster management)."""
    serializer_class = s.InvitationSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        team = private_team(self.request.user, self.kwargs["slug"])
        require(self.request.user, Action.INVITE, team)
        return Invitation.objects.filter(team=team).select_related("invitee", "invited_by")

    @extend_schema(request=s.InviteSerializer, responses={201: s.InvitationSerializer(many=True)},
                   summary="Invite addresses and people (by user id) with a role and a message")
    def post(self, request: SignedIn, slug: str) -> Response:
        team = private_team(request.user, slug)
        data = body_of(s.InviteSerializer, request)
        people = list(User.objects.filter(pk__in=data["people"], is_active=True))
        if len(people) != len(set(data["people"])):
            raise Problem("invalid", 400, str(_("Unknown person.")), {"people": [str(_("Unknown person."))]})
        done = invitations.invite(request.user, team, emails=data["emails"], people=people, role=data["role"],
                                  message=data["message"])
        return Response(s.InvitationSerializer(done.invitations, many=True).data, status=status.HTTP_201_CREATED)


class Withdraw(ApiView):
    @extend_schema(request=None, responses=s.EventOrNothingSerializer, summary="Withdraw a pending invitation")
    def delete(self, request: SignedIn, slug: str, invitation_id: int) -> Response:
        team = private_team(request.user, slug)
        invitation = Invitation.objects.filter(pk=invitation_id, team=team).first()
        if invitation is None:
            raise Problem("not_found", 404, str(_("No such invitation.")))
        return event_response(invitations.revoke(request.user, invitation))

