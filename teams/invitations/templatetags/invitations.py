"""The invitation lists other pages show: the team page's pending invitations (for inviters; one query)
and the invitations to the signed-in person on "My teams"."""
from django import template
from django.utils import timezone

from teams.invitations.models import Invitation

register = template.Library()


@register.simple_tag
def pending_invitations(team):
    return list(Invitation.objects.filter(team=team, state=Invitation.State.PENDING)
                .select_related("invitee", "invited_by"))


@register.simple_tag
def invitations_for(user):
    if not user.is_authenticated:
        return []
    return list(Invitation.objects.filter(invitee=user, state=Invitation.State.PENDING,
                                          expires_at__gt=timezone.now())
                .select_related("team", "invited_by").order_by("-sent_at"))
