"""The asker's own things over the API: notifications (list, mark read) and search (what they may read)."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from teams.notify import services as notify
from teams.notify.models import Notification
from teams.search import sql
from teams.search.forms import SearchForm
from teams.search.query import query

from .common import ApiView, NewestFirst, SignedIn, body_of
from .fields import Number
from .problems import Problem


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "team", "created_at", "read"]

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=Number(), max_length=500, required=False, allow_null=True, default=None,
                                help_text="Which to mark read; left out or null: all unread.")


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class Notifications(ApiView, generics.ListAPIView):
    """Your notifications, newest first."""
    serializer_class = NotificationSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)


class MarkRead(ApiView):
    @extend_schema(request=MarkReadSerializer, responses=MarkedSerializer, summary="Mark notifications read")
    def post(self, request: SignedIn) -> Response:
        data = body_of(MarkReadSerializer, request)
        return Response({"marked": notify.mark_read(request.user, ids=data["ids"])})


class HitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    object_id = serializers.IntegerField()
    url = serializers.CharField()
    title_html = serializers.CharField(source="title", help_text="Escaped text; the words found in <mark>.")
    snippet_html = serializers.CharField(source="snippet", help_text="Escaped text; the words found in <mark>.")
    team = serializers.CharField(source="team.slug", allow_null=True, default=None, help_text="The team's slug.")
    author = serializers.CharField()
    where = serializers.CharField(source="context", help_text="A message's channel, a comment's card.")
    created_at = serializers.DateTimeField()


class ResultsSerializer(serializers.Serializer):
    hits = HitSerializer(many=True)
    counts = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    problem = serializers.CharField()


SEARCH_PARAMETERS = [OpenApiParameter(name, str, description=text) for name, text in (
    ("q", "The words (docs/search.md)"), ("kind", "teams, tasks, discussions, outputs, people …"),
    ("team", "A team's slug"), ("author", "A username"), ("after", "YYYY-MM-DD"), ("before", "YYYY-MM-DD"),
    ("field", "A field of action's code"), ("goal", "A strategic goal's code"))] + [
    OpenApiParameter("page", int, description="1, 2, …")]


class Search(ApiView):
    @extend_schema(parameters=SEARCH_PARAMETERS, responses=ResultsSerializer,
                   summary="Search everything you may read, best first")
    def get(self, request: SignedIn) -> Response:
        readable = sql.audience(request.user)
        form = SearchForm(request.query_params, teams=readable.teams)
        filters = form.filters()
        if form.errors:
            raise Problem("invalid", 400, _("The search's filters are not valid."),
                          {field: [str(m) for m in messages] for field, messages in form.errors.items()})
        page = request.query_params.get("page", "1")
        if not (page.isdigit() and len(page) < 6):
            raise Problem("invalid", 400, _("page is a number."))
        return Response(ResultsSerializer(query(request.user, form.cleaned_data.get("q", ""), filters=filters,
                                                page=int(page), readable=readable)).data)
