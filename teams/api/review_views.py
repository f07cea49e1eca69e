"""Outputs, review notes and progress over the API: a team's (for those who may see it) and rolled up per
strategic goal, focal area and field of action (over the teams the asker may see), read by the review pages'
selectors."""
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from teams.models import StrategicGoal
from teams.review.health import team_health
from teams.review.models import Output, ReviewNote
from teams.review.rollups import review
from teams.review.selectors import burn_up

from .common import ApiView, NewestFirst, Page, SignedIn, private_team
from .serializers import PersonSerializer


class OutputSerializer(serializers.ModelSerializer):
    goals: "serializers.SlugRelatedField[StrategicGoal]" = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True)
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = Output
        fields = ["id", "kind", "title", "status", "date", "link", "goals", "has_file", "created_at"]

    def get_has_file(self, output: Output) -> bool:
        return bool(output.file)


class ReviewNoteSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReviewNote
        fields = ["id", "author", "body", "meeting", "created_at"]


class BurnUpPoint(serializers.Serializer):
    day = serializers.DateField()
    scope = serializers.IntegerField()
    done = serializers.IntegerField()


class TeamProgressSerializer(serializers.Serializer):
    tasks_done = serializers.IntegerField()
    tasks_open = serializers.IntegerField()
    tasks_overdue = serializers.IntegerField()
    outputs_done = serializers.IntegerField()
    outputs_total = serializers.IntegerField()
    member_total = serializers.IntegerField()
    days_total = serializers.IntegerField()
    days_used = serializers.IntegerField()
    days_remaining = serializers.IntegerField()
    done_percent = serializers.IntegerField()
    time_used_percent = serializers.IntegerField()
    burn_up = BurnUpPoint(many=True)


PROGRESS_FIGURES = ("tasks_done", "tasks_open", "tasks_overdue", "outputs_done", "outputs_total", "member_total",
                    "days_total", "days_used", "days_remaining", "done_percent", "time_used_percent")


class RollupSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField(source="label")
    team_count = serializers.IntegerField()
    running_count = serializers.IntegerField()
    tasks_done = serializers.IntegerField()
    tasks_open = serializers.IntegerField()
    outputs_done = serializers.IntegerField()
    done_percent = serializers.IntegerField()
    time_used_percent = serializers.IntegerField()


class RollupsSerializer(serializers.Serializer):
    goals = RollupSerializer(many=True)
    focal_areas = RollupSerializer(many=True, source="areas")
    fields_of_action = RollupSerializer(many=True, source="fields")
    unworked_goals = serializers.SerializerMethodField(help_text="Codes of the goals no active team works on.")

    def get_unworked_goals(self, review) -> list[str]:
        return [goal.code for goal in review.unworked_goals]


class Outputs(ApiView, generics.ListAPIView):
    serializer_class = OutputSerializer
    pagination_class = Page

    def get_queryset(self):
        team = private_team(self.request.user, self.kwargs["slug"])
        return Output.objects.filter(team=team).prefetch_related("goals")


class ReviewNotes(ApiView, generics.ListAPIView):
    serializer_class = ReviewNoteSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        team = private_team(self.request.user, self.kwargs["slug"])
        return ReviewNote.objects.filter(team=team).select_related("author")


class TeamProgress(ApiView):
    @extend_schema(responses=TeamProgressSerializer, summary="A team's progress: tasks, outputs, time, burn-up")
    def get(self, request: SignedIn, slug: str) -> Response:
        team = private_team(request.user, slug)
        health, = team_health([team])
        points = [{"day": day, "scope": scope, "done": done} for day, scope, done in burn_up(team)]
        data = {name: getattr(health, name) for name in PROGRESS_FIGURES}
        return Response(TeamProgressSerializer({**data, "burn_up": points}).data)


class Rollups(ApiView):
    @extend_schema(responses=RollupsSerializer,
                   summary="Progress per strategic goal, focal area and field of action (the teams you may see)")
    def get(self, request: SignedIn) -> Response:
        return Response(RollupsSerializer(review(request.user)).data)
