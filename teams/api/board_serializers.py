"""The board as the API shows it (columns, cards with all their fields, comments, checklists, attachments) and
what its writes take."""
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework import serializers

from teams.board.models import Attachment, Card, ChecklistItem, Column, Comment, Label
from teams.models import StrategicGoal

from .fields import Flag, Number, Text
from .serializers import PersonSerializer


class ColumnSerializer(serializers.ModelSerializer):
    class Meta:
        model = Column
        fields = ["id", "name", "rank", "wip_limit", "is_done"]


class CardSerializer(serializers.ModelSerializer):
    assignees: "serializers.PrimaryKeyRelatedField[User]" = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True)
    labels: "serializers.SlugRelatedField[Label]" = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True)
    goals: "serializers.SlugRelatedField[StrategicGoal]" = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True)
    checklist_total = serializers.IntegerField(read_only=True)
    checklist_done = serializers.IntegerField(read_only=True)
    comment_count = serializers.IntegerField(read_only=True)
    attachment_count = serializers.IntegerField(read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Card
        fields = ["id", "column", "rank", "version", "title", "description", "assignees", "due_date", "priority",
                  "labels", "goals", "archived", "created_by", "created_at", "updated_at", "overdue",
                  "checklist_total", "checklist_done", "comment_count", "attachment_count"]


class CommentSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "created_at"]


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "text", "done", "position"]


class AttachmentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "uploaded_by", "created_at", "download"]

    def get_download(self, attachment: Attachment) -> str:
        """The API's download link (a token or the session may follow it)."""
        card = attachment.card
        return reverse("api:attachment-download", args=[card.team.slug, card.pk, attachment.pk])


class CardWriteSerializer(serializers.Serializer):
    """A card's fields: people by user id, labels by name (new names make new labels), goals by code."""
    title = Text(max_length=200)
    description = Text(max_length=20000, required=False, allow_blank=True, trim_whitespace=False)
    assignees = serializers.ListField(child=Number(), max_length=50, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=Card.Priority.choices, required=False)
    labels = serializers.ListField(child=Text(max_length=40), max_length=20, required=False)
    goals = serializers.ListField(child=Text(max_length=4), max_length=29, required=False)


class CardCreateSerializer(CardWriteSerializer):
    column = Number()
    position = serializers.ChoiceField(choices=["top", "bottom"], required=False, default="bottom")


class MoveSerializer(serializers.Serializer):
    column = Number()
    after = Number(required=False, allow_null=True, default=None,
                   help_text="The card to place it below; null: at the top.")


class CommentWriteSerializer(serializers.Serializer):
    body = Text(max_length=10000)


class ChecklistWriteSerializer(serializers.Serializer):
    text = Text(max_length=200)


class ChecklistSetSerializer(serializers.Serializer):
    done = Flag()
