"""What the API shows of the master plan, teams, members and invitations (read), and what the team writes take.
Names in the asker's language (Accept-Language, as on the pages)."""
from django.contrib.auth.models import User
from rest_framework import serializers

from teams.invitations.models import Invitation
from teams.models import FieldOfAction, FocalArea, Membership, StrategicGoal, Team

from .fields import Number, Text


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.username


class GoalSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, help_text="In the asker's language (Accept-Language).")

    class Meta:
        model = StrategicGoal
        fields = ["id", "code", "title", "focal_area"]


class FieldSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = FieldOfAction
        fields = ["id", "code", "name"]


class FocalAreaSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    goals = GoalSerializer(many=True, read_only=True)

    class Meta:
        model = FocalArea
        fields = ["id", "number", "name", "goals"]


class MasterPlanSerializer(serializers.Serializer):
    fields_of_action = FieldSerializer(many=True)
    focal_areas = FocalAreaSerializer(many=True)


class TeamSerializer(serializers.ModelSerializer):
    """A team's public card: what every signed-in person sees."""
    goals: "serializers.SlugRelatedField[StrategicGoal]" = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True)
    fields_of_action: "serializers.SlugRelatedField[FieldOfAction]" = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True)
    phase = serializers.ChoiceField(choices=Team.Phase.choices, read_only=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Team
        fields = ["id", "slug", "name", "purpose", "status", "phase", "start_date", "end_date", "goals",
                  "fields_of_action", "member_count", "created_at", "last_activity_at"]


class MembershipSerializer(serializers.ModelSerializer):
    user = PersonSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "state", "created_at"]


class InvitationSerializer(serializers.ModelSerializer):
    """A pending (or answered) invitation as those who may invite see it: the address or the person."""
    invitee = PersonSerializer(read_only=True)
    invited_by = PersonSerializer(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "invitee", "role", "state", "invited_by", "created_at", "sent_at", "expires_at"]


class InviteSerializer(serializers.Serializer):
    emails = serializers.ListField(child=Text(max_length=254), max_length=50, required=False,
                                   default=list)
    people = serializers.ListField(child=Number(), max_length=50,
                                   required=False, default=list, help_text="User ids of people picked from the list.")
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    message = Text(max_length=2000, required=False, default="", allow_blank=True)


class LaunchSerializer(serializers.Serializer):
    start_date = serializers.DateField(required=False, allow_null=True, default=None)
    end_date = serializers.DateField(required=False, allow_null=True, default=None)


class ExtendSerializer(serializers.Serializer):
    end_date = serializers.DateField()


class EventSerializer(serializers.Serializer):
    """The event a write recorded in the team's log (the same as the WebSocket's `event` frame)."""
    seq = serializers.IntegerField()
    event = serializers.CharField(source="kind")
    data = serializers.DictField()  # type: ignore[assignment]  # the frame's name; shadows Serializer.data
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    at = serializers.DateTimeField(source="created_at")


class EventOrNothingSerializer(serializers.Serializer):
    """A write's answer: the recorded event, or null when nothing changed."""
    event = EventSerializer(allow_null=True)
