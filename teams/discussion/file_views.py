"""Files in chat over HTTP: posting a message with files (chat.js sends dropped and pasted files here; the
message then arrives as every message does, as a `message.posted` event) and downloading them."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from teams.uploads import protected_file_response
from teams.views import viewable_team_or_404

from .access import readable_channel_or_404
from .files import discard_staged, stage_all
from .forms import FilePostForm
from .models import MessageFile
from .posting import post_message


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@login_required
@require_POST
def post_files(request, slug, channel_id):
    """POST multipart: `file` (one or more), `body` (optional text), `thread` (optional root id).
    → {"message": id, "seq": n}, or {"error": text} with 400 (refused) / 403 (may not write) / 404."""
    team = viewable_team_or_404(request.user, slug)
    channel = readable_channel_or_404(request.user, team, channel_id)
    form = FilePostForm(request.POST)
    uploads = request.FILES.getlist("file")
    if not form.is_valid():
        return _error(" ".join(" ".join(errors) for errors in form.errors.values()))
    if not uploads:
        return _error(_("Choose a file first."))
    try:
        staged = stage_all(request.user, team, uploads)
        try:
            message = post_message(request.user, team, channel=channel, body=form.cleaned_data["body"],
                                   thread=form.cleaned_data["thread"], files=tuple(staged))
        except BaseException:
            discard_staged(staged)  # no stored file without its row
            raise
    except PermissionDenied as exc:
        return _error(str(exc) or _("You cannot write in this team."), 403)
    except (ValidationError, ObjectDoesNotExist) as exc:
        return _error(" ".join(getattr(exc, "messages", [str(exc)])))
    return JsonResponse({"message": message.pk, "seq": message.event.seq})


@login_required
@require_safe
def download(request, slug, channel_id, file_id):
    """A message's file for those who may read its channel; an image inline (`?preview=1`: its small copy)."""
    team = viewable_team_or_404(request.user, slug)
    channel = readable_channel_or_404(request.user, team, channel_id)
    row = get_object_or_404(MessageFile, pk=file_id, message__channel=channel, message__deleted_at=None)
    if request.GET.get("preview"):
        if not row.preview:
            raise Http404
        kind = "png" if row.preview.name.endswith(".png") else "jpeg"
        return protected_file_response(row.preview, filename=row.name, inline=True, content_type=f"image/{kind}")
    return protected_file_response(row.file, filename=row.name, content_type=row.content_type,
                                   inline=row.is_image)
