"""Read-only admin for boards: every change goes through the board services (teams.board.columns,
cards, …) and their event log."""
from django.contrib import admin

from teams.admin import ReadOnlyAdmin

from .models import Attachment, Card, Column, Comment, Label


@admin.register(Column)
class ColumnAdmin(ReadOnlyAdmin):
    list_display = ["name", "team", "rank", "wip_limit", "is_done", "archived"]
    list_filter = ["is_done", "archived"]
    list_select_related = ["team"]


@admin.register(Card)
class CardAdmin(ReadOnlyAdmin):
    list_display = ["title", "team", "column", "priority", "due_date", "version", "archived"]
    list_filter = ["priority", "archived", "column__is_done"]
    search_fields = ["title"]
    list_select_related = ["team", "column"]


@admin.register(Label)
class LabelAdmin(ReadOnlyAdmin):
    list_display = ["name", "team", "color"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["card", "author", "created_at"]
    list_select_related = ["card", "author"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "card", "size", "content_type", "uploaded_by", "created_at"]
    list_select_related = ["card", "uploaded_by"]
