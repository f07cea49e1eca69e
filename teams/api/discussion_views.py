"""Channels and messages over the API: list channels, page through a channel's (or a thread's) history by
cursor, post, edit, react. Every write is the discussion service the page and the socket call."""
from typing import cast

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from teams.discussion import messages, reactions
from teams.discussion.access import visible_channels, visible_messages
from teams.discussion.models import Channel, Message, Reaction
from teams.discussion.posting import post_message
from teams.discussion.reactions import REACTIONS
from teams.discussion.selectors import channels_with_unread

from .common import ApiView, NewestFirst, SignedIn, body_of, private_team
from .fields import Number, Text
from .problems import Problem
from .serializers import PersonSerializer


class ChannelSerializer(serializers.ModelSerializer):
    unread = serializers.IntegerField(read_only=True)

    class Meta:
        model = Channel
        fields = ["id", "name", "topic", "card_id", "created_at", "unread"]


class ReactionSummary(serializers.Serializer):
    emoji = serializers.CharField()
    count = serializers.IntegerField()
    mine = serializers.BooleanField()


class MessageSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True, allow_null=True)
    deleted = serializers.BooleanField(source="is_deleted", read_only=True)
    reactions = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "channel", "thread", "author", "body", "html", "mentions", "team_mention", "created_at",
                  "edited_at", "deleted", "reactions"]

    @extend_schema_field(ReactionSummary(many=True))
    def get_reactions(self, message: Message) -> list[dict]:
        user_id = self.context["request"].user.pk
        summary: dict[str, dict] = {}
        for reaction in message.reactions.all():
            entry = summary.setdefault(reaction.emoji, {"emoji": reaction.emoji, "count": 0, "mine": False})
            entry["count"] += 1
            entry["mine"] |= reaction.user_id == user_id
        return list(summary.values())


class PostSerializer(serializers.Serializer):
    body = Text(max_length=10000)
    thread = Number(required=False, allow_null=True, default=None, help_text="Reply in this message's thread.")


class EditSerializer(serializers.Serializer):
    body = Text(max_length=10000)


class ReactSerializer(serializers.Serializer):
    emoji = serializers.ChoiceField(choices=REACTIONS)


class Channels(ApiView):
    @extend_schema(responses=ChannelSerializer(many=True), summary="The team's channels, with unread counts")
    def get(self, request: SignedIn, slug: str) -> Response:
        team = private_team(request.user, slug)
        return Response(ChannelSerializer(channels_with_unread(request.user, team), many=True).data)


def _message(team, message_id: int, user) -> Message:
    """A message of the team in a channel `user` may read (a private channel's: its members only)."""
    message = visible_messages(user, Message.objects.filter(pk=message_id, team=team)).select_related(
        "author").prefetch_related("reactions").first()
    if message is None:
        raise Problem("not_found", 404, _("No such message."))
    return message


@extend_schema(parameters=[OpenApiParameter("thread", int, description="A thread's root: its replies instead.")])
class Messages(ApiView, generics.ListAPIView):
    """A channel's messages (thread roots), or a thread's replies, newest first: page back with `next`."""
    serializer_class = MessageSerializer
    pagination_class = NewestFirst

    def channel(self) -> Channel:
        request = cast(SignedIn, self.request)  # the API's permission class let only signed-in people through
        team = private_team(request.user, self.kwargs["slug"])
        channel = visible_channels(request.user, team).filter(pk=self.kwargs["channel_id"]).first()
        if channel is None:
            raise Problem("not_found", 404, _("No such channel."))
        return channel

    def get_queryset(self):
        channel = self.channel()
        thread = self.request.query_params.get("thread")
        if thread is not None and not (thread.isdigit() and len(thread) < 10):
            raise Problem("invalid", 400, _("thread is a message id."))
        return (Message.objects.filter(channel=channel, thread_id=int(thread) if thread else None)
                .select_related("author")
                .prefetch_related(Prefetch("reactions", queryset=Reaction.objects.order_by("id"))))

    @extend_schema(request=PostSerializer, responses={201: MessageSerializer}, summary="Post a message")
    def post(self, request: SignedIn, slug: str, channel_id: int) -> Response:
        channel = self.channel()
        data = body_of(PostSerializer, request)
        posted = post_message(request.user, channel.team, channel=channel, **data)
        return Response(MessageSerializer(_message(channel.team, posted.pk, request.user),
                                          context={"request": request}).data, status=status.HTTP_201_CREATED)


class MessageDetail(ApiView):
    @extend_schema(responses=MessageSerializer, summary="A message")
    def get(self, request: SignedIn, slug: str, message_id: int) -> Response:
        team = private_team(request.user, slug)
        return Response(MessageSerializer(_message(team, message_id, request.user),
                                          context={"request": request}).data)

    @extend_schema(request=EditSerializer, responses=MessageSerializer, summary="Edit your message")
    def patch(self, request: SignedIn, slug: str, message_id: int) -> Response:
        team = private_team(request.user, slug)
        _message(team, message_id, request.user)
        data = body_of(EditSerializer, request)
        messages.edit_message(request.user, team, message=message_id, **data)
        return Response(MessageSerializer(_message(team, message_id, request.user),
                                          context={"request": request}).data)


class Reactions(ApiView):
    @extend_schema(request=ReactSerializer, responses=MessageSerializer, summary="React to a message")
    def post(self, request: SignedIn, slug: str, message_id: int) -> Response:
        return self._apply(request, slug, message_id, reactions.add_reaction)

    @extend_schema(request=ReactSerializer, responses=MessageSerializer, summary="Take your reaction back")
    def delete(self, request: SignedIn, slug: str, message_id: int) -> Response:
        return self._apply(request, slug, message_id, reactions.remove_reaction)

    def _apply(self, request: SignedIn, slug: str, message_id: int, service) -> Response:
        team = private_team(request.user, slug)
        _message(team, message_id, request.user)
        data = body_of(ReactSerializer, request)
        service(request.user, team, message=message_id, **data)
        return Response(MessageSerializer(_message(team, message_id, request.user),
                                          context={"request": request}).data)
