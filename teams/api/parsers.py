"""The API's one request format: JSON, bounded (API_MAX_BODY_BYTES), checked as a whole before any view sees it
with the WebSocket protocol's frame check (realtime.protocol.check_frame: nesting, lone surrogates)."""
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.parsers import BaseParser

from realtime.protocol import ProtocolError, check_frame

from .problems import Problem


class BoundedJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise Problem("too_large", 413, _("The body is larger than %(n)d bytes.") % {"n": limit})
        try:
            data = json.loads(raw.decode("utf-8"))
        except RecursionError:
            raise ProtocolError("bad_frame", _("The body is nested too deeply."))
        except (UnicodeDecodeError, ValueError):
            raise ProtocolError("bad_json", _("The body is not valid JSON."))
        if not isinstance(data, dict):
            raise ProtocolError("bad_frame", _("The body is a JSON object."))
        check_frame(data)
        return data
