"""Where each hit leads: the exact message (its channel page scrolls to it, highlights it and opens its thread:
?message=<id>, teams.discussion.views._focus), the card's page, the comment on it, the note, the output."""
from django.urls import reverse

from .models import Kind


def url_for(kind: str, *, object_id: int, slug: str | None, channel_id: int | None, parent_id: int | None,
            username: str | None = None) -> str:
    if kind == Kind.PERSON:
        # Their entry in the expert directory (which shows only teams the reader may view).
        return reverse("people:person", args=[username]) if username else reverse("people:directory")
    if kind == Kind.MEETING:
        return reverse("review:meeting", args=[object_id])
    if not slug:
        return reverse("search:results")
    if kind == Kind.TEAM:
        return reverse("teams:detail", args=[slug])
    if kind == Kind.CARD:
        return reverse("board:card", args=[slug, object_id])
    if kind == Kind.COMMENT:
        return reverse("board:card", args=[slug, parent_id or 0]) + f"#comment-{object_id}"
    if kind == Kind.MESSAGE:
        return reverse("discussion:channel", args=[slug, channel_id or 0]) + f"?message={object_id}"
    if kind == Kind.OUTPUT:
        return reverse("review:outputs", args=[slug]) + f"#output-{object_id}"
    if kind == Kind.REPORT:
        return reverse("review:team", args=[slug]) + "#closing-report"
    if kind == Kind.NOTE:
        return reverse("review:team", args=[slug]) + f"#note-{object_id}"
    return reverse("teams:detail", args=[slug])
