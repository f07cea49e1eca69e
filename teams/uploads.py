"""Serving stored files (board attachments, review outputs, report exports) as protected downloads.

Uploads are checked on the way in by `teams.board.attachments.check_upload` (accepted types, content
signatures); on the way out every file goes through `protected_file_response`.
"""
from django.http import FileResponse, Http404


def protected_file_response(field_file, *, filename, content_type, inline=False):
    """A stored file as a download that a browser neither renders nor sniffs (sandboxed if opened anyway).

    content_type is the one checked when the file came in, never the client's. `inline`: shown in the browser
    rather than saved, only for checked images (chat previews). Call it only after
    checking that the person may see the file (files have no public /media/ URL). A missing file is a 404.
    """
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
