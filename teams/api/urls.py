"""/api/v1/: the JSON API (docs/api.md), its OpenAPI 3.1 schema and interactive docs. Anything else under /api/
is a 404 problem, never the site's HTML page."""
from django.urls import path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView

from . import board_views as board
from . import discussion_views as discussion
from . import me_views as me
from . import review_views as review
from . import team_views as teams
from .schema import NoSuchEndpoint, ProblemCodes, SchemaView

app_name = "api"
T = "v1/teams/<slug:slug>/"
CARD = T + "cards/<int:card_id>/"
urlpatterns = [
    path("v1/schema/", SchemaView.as_view(), name="schema"),
    path("v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
         name="docs"),
    path("v1/problems/", ProblemCodes.as_view(), name="problems"),
    path("v1/masterplan/", teams.MasterPlan.as_view(), name="masterplan"),
    path("v1/teams/", teams.TeamList.as_view(), name="teams"),
    path(T, teams.TeamDetail.as_view(), name="team"),
    path(T + "launch/", teams.Launch.as_view(), name="launch"),
    path(T + "extend/", teams.Extend.as_view(), name="extend"),
    path(T + "conclude/", teams.Conclude.as_view(), name="conclude"),
    path(T + "memberships/", teams.Memberships.as_view(), name="memberships"),
    path(T + "invitations/", teams.Invitations.as_view(), name="invitations"),
    path(T + "invitations/<int:invitation_id>/", teams.Withdraw.as_view(), name="invitation"),
    path(T + "columns/", board.Columns.as_view(), name="columns"),
    path(T + "cards/", board.Cards.as_view(), name="cards"),
    path(CARD, board.CardDetail.as_view(), name="card"),
    path(CARD + "move/", board.Move.as_view(), name="card-move"),
    path(CARD + "archive/", board.Archive.as_view(), name="card-archive"),
    path(CARD + "comments/", board.Comments.as_view(), name="comments"),
    path(CARD + "checklist/", board.Checklist.as_view(), name="checklist"),
    path(CARD + "checklist/<int:item_id>/", board.ChecklistItemDetail.as_view(), name="checklist-item"),
    path(CARD + "attachments/", board.Attachments.as_view(), name="attachments"),
    path(CARD + "attachments/<int:attachment_id>/download/", board.AttachmentDownload.as_view(),
         name="attachment-download"),
    path(T + "channels/", discussion.Channels.as_view(), name="channels"),
    path(T + "channels/<int:channel_id>/messages/", discussion.Messages.as_view(), name="messages"),
    path(T + "messages/<int:message_id>/", discussion.MessageDetail.as_view(), name="message"),
    path(T + "messages/<int:message_id>/reactions/", discussion.Reactions.as_view(), name="reactions"),
    path(T + "outputs/", review.Outputs.as_view(), name="outputs"),
    path(T + "review-notes/", review.ReviewNotes.as_view(), name="review-notes"),
    path(T + "progress/", review.TeamProgress.as_view(), name="team-progress"),
    path("v1/progress/", review.Rollups.as_view(), name="progress"),
    path("v1/notifications/", me.Notifications.as_view(), name="notifications"),
    path("v1/notifications/read/", me.MarkRead.as_view(), name="notifications-read"),
    path("v1/search/", me.Search.as_view(), name="search"),
    re_path(r"^[\s\S]*$", NoSuchEndpoint.as_view(), name="no-such-endpoint"),  # any path, line breaks too
]
